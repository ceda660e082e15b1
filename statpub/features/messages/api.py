"""`POST /api/v1/messages` and `GET /api/v1/messages/{code}`: the board for programs.

JSON in, JSON out; the same checks as the form (subject through the public gate — an embargoed
release is the same 404 as a missing one —, limits, duplicates, per-client rate limits: 429 with
Retry-After). CORS stays GET-only (the site's CORS setting answers no preflight for POST), so a
browser on another site cannot post for its visitors. Nothing here is cacheable."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from statpub.dashboards.http import error_response
from statpub.dashboards.services import services
from statpub.features.messages import subjects
from statpub.features.messages.board import TooMany
from statpub.features.messages.config import CATEGORIES
from statpub.features.messages.records import client_hash, store_secret
from statpub.features.messages.service import Office
from statpub.kernel.errors import UserError

blueprint = Blueprint("messages_api", __name__, url_prefix="/api/v1/messages")
KEYS = {"about", "category", "text", "rating", "contact", "lang"}


@blueprint.errorhandler(TooMany)
def _too_many(exc: TooMany) -> Response:
    response = error_response(429, "Too many requests", exc.message, code="too_many_requests")
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _body() -> dict:
    if request.mimetype != "application/json":
        raise UserError("send JSON (Content-Type: application/json)")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise UserError("the body must be a JSON object")
    unknown = sorted(set(body) - KEYS)
    if unknown:
        raise UserError(f"{unknown[0]}: unknown field")
    for name in ("about", "category", "text"):
        if not isinstance(body.get(name), str):
            raise UserError(f"{name}: required (a string)")
    for name in ("contact", "lang"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise UserError(f"{name}: a string")
    rating = body.get("rating")
    if rating is not None and (not isinstance(rating, int) or isinstance(rating, bool)):
        raise UserError("rating: a whole number from 1 to 5")
    if body["category"] not in CATEGORIES:
        raise UserError(f"category: one of {', '.join(CATEGORIES)}")
    return body


@blueprint.post("")
def create() -> Response:
    body = _body()
    svc = services()
    subject = subjects.resolve(svc.gate(), body["about"])
    office = Office(svc.settings)
    message = office.board.submit(subject, body["category"], body["text"], rating=body.get("rating"),
                                  contact=body.get("contact"), lang=body.get("lang") or "zh",
                                  client_hash=client_hash(store_secret(office.store, "client"),
                                                          request.remote_addr or "-"),
                                  now=svc.clock.now())
    response = jsonify(code=message.code, status=message.status, due=message.due_on,
                       due_provisional=message.due_provisional, links={"status": f"/api/v1/messages/{message.code}",
                                                                      "page": f"/messages/{message.code}"})
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/messages/{message.code}"
    response.headers["Cache-Control"] = "no-store"
    return response


LIST_PARAMS = {"q", "about", "limit", "offset"}


@blueprint.get("")
def published() -> Response:
    """Published replies (question as edited for privacy, reply, department, dates), newest first."""
    unknown = sorted(set(request.args) - LIST_PARAMS)
    if unknown:
        raise UserError(f"{unknown[0]}: unknown parameter")
    about = request.args.get("about")
    if about is not None and not subjects.ABOUT_RE.match(about):
        raise UserError("about: release:<id>, series:<code> or topic:<code>")
    if len(request.args.get("q", "")) > 100:
        raise UserError("q: at most 100 characters")
    numbers = {}
    for name, upper, default in (("limit", 200, 20), ("offset", 100000, 0)):
        text = request.args.get(name, "")
        if text and (not text.isdigit() or int(text) > upper or (name == "limit" and int(text) < 1)):
            raise UserError(f"{name}: a whole number up to {upper}")
        numbers[name] = int(text) if text else default
    total, rows = Office(services().settings).lists.published(about=about, q=request.args.get("q", "")[:100],
                                                              **numbers)
    items = [{"code": r["code"], "about": r["about"], "category": r["category"],
              "question": {"zh": r["question_zh"], "en": r["question_en"]},
              "reply": {"zh": r["reply_zh"], "en": r["reply_en"]}, "department": r["department"],
              "received": r["received_on"], "answered": r["answered_on"]} for r in rows]
    response = jsonify(total=total, **numbers, replies=items)
    response.headers["Cache-Control"] = "public, max-age=30"
    return response


@blueprint.get("/<code>")
def status(code: str) -> Response:
    if request.args:
        raise UserError(f"{next(iter(request.args))}: unknown parameter")
    message = Office(services().settings).board.get(code)
    response = jsonify(message.public_status())
    response.headers["Cache-Control"] = "private, no-store"
    return response


STR = {"type": "string"}
BILINGUAL = {"type": "object", "properties": {"zh": {"type": ["string", "null"]}, "en": {"type": ["string", "null"]}}}
ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi_paths() -> dict:
    """The two routes in the OpenAPI document (through the site's `api_paths` hook)."""
    new = {"type": "object", "additionalProperties": False, "required": ["about", "category", "text"], "properties": {
        "about": {"type": "string", "pattern": subjects.ABOUT_RE.pattern,
                  "description": "release:<id> (public releases only), series:<code> or topic:<code>"},
        "category": {"type": "string", "enum": list(CATEGORIES)},
        "text": {"type": "string", "minLength": 1, "maxLength": 20000},
        "rating": {"type": ["integer", "null"], "minimum": 1, "maximum": 5, "description": "evaluation only"},
        "contact": {"type": ["string", "null"], "maxLength": 300, "description": "e-mail or phone; never shown"},
        "lang": {"type": ["string", "null"], "enum": ["zh", "en", None]}}}
    received = {"type": "object", "required": ["code", "status", "due"], "properties": {
        "code": STR, "status": {"const": "received"}, "due": {"type": "string", "format": "date"},
        "due_provisional": {"type": "boolean"}, "links": {"type": "object"}}}
    status = {"type": "object", "required": ["code", "about", "category", "status", "received", "due"], "properties": {
        "code": STR, "about": STR, "category": STR, "status": {"type": "string", "enum": [
            "received", "assigned", "answered", "closed", "not_accepted"]},
        "received": {"type": "string", "format": "date"}, "due": {"type": "string", "format": "date"},
        "due_provisional": {"type": "boolean"}, "published": {"type": "boolean"}, "reason": BILINGUAL,
        "reply": BILINGUAL, "department": {"type": ["string", "null"]},
        "answered": {"type": ["string", "null"], "format": "date"}}}
    code = {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "pattern": r"^[0-9A-Z-]{14}$"},
            "description": "The query code (查询码) given on submission", "example": "0000-0000-0000"}
    query = [{"name": n, "in": "query", "required": False, "schema": sc, "description": d} for n, sc, d in (
        ("q", {"type": "string", "maxLength": 100}, "words in the question or reply (zh or en)"),
        ("about", {"type": "string", "pattern": subjects.ABOUT_RE.pattern}, "release:<id>, series:<code> or topic:<code>"),
        ("limit", {"type": "integer", "minimum": 1, "maximum": 200}, "at most this many (default 20)"),
        ("offset", {"type": "integer", "minimum": 0, "maximum": 100000}, "skip this many"))]
    replies = {"type": "object", "required": ["total", "limit", "offset", "replies"], "properties": {
        "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"},
        "replies": {"type": "array", "items": {"type": "object"}}}}
    return {"paths": {
        "/api/v1/messages": {"get": {
            "summary": "Published replies, newest first (searchable)", "parameters": query,
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": replies}}},
                          "400": {"description": "Bad parameter", **ERROR}, "429": {"description": "Rate limit", **ERROR}}},
                             "post": {
            "summary": "Send a message (question, rating, suggestion, error report) about a public subject",
            "description": "Rate limited per client address (429 with Retry-After); the same text about the same "
                           "subject within the duplicate window is refused (409). Reply due in working days.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewMessage"}}}},
            "responses": {"201": {"description": "Received", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MessageReceived"}}}},
                          "400": {"description": "Bad input", **ERROR}, "404": {"description": "No such public subject", **ERROR},
                          "409": {"description": "Duplicate", **ERROR}, "413": {"description": "Body too large", **ERROR},
                          "429": {"description": "Rate limit", **ERROR}}}},
        "/api/v1/messages/{code}": {"get": {
            "summary": "The public status of a message (and its reply once approved)", "parameters": [code],
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MessageStatus"}}}},
                          "400": {"description": "Bad parameter", **ERROR},
                          "404": {"description": "No message with this code", **ERROR},
                          "429": {"description": "Rate limit", **ERROR}}}}},
        "schemas": {"NewMessage": new, "MessageReceived": received, "MessageStatus": status}}
