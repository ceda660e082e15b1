"""Push on the site: subscribe (zh/en page and API), confirm, manage and unsubscribe by signed link
(RFC 8058 one-click POST), the relay's bounce webhook, the open pixel (only when enabled), and
the staff page. No page here shows a figure: topics and series listed are those the gate shows
the public now (a series with no public figure is not offered)."""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request
from jinja2 import Environment, FileSystemLoader, select_autoescape

from statpub.dashboards.services import current_gate, current_reader, services
from statpub.features.push.links import BadLink
from statpub.features.push.service import Push
from statpub.features.push.subscriptions import KINDS, Interests, check_interests, normal_email
from statpub.features.push.words import WORDS, w
from statpub.kernel.errors import NotFound, UserError

blueprint = Blueprint("push", __name__)
TEMPLATES = Path(__file__).parent / "templates"
STAFF_ROLES = ("reviewer", "staff", "admin")
KIND_NAMES = {"quarterly": ("季度", "Quarterly"), "annual": ("年度", "Annual"),
              "verification": ("核实", "Verification"), "monthly": ("月度", "Monthly"),
              "ad-hoc": ("专项", "Ad hoc")}
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
EXTENSION = "statpub.push"


def push() -> Push:
    """One Push per app (its store, signer and office), on the site's clock and warehouse."""
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        svc = services()
        found = current_app.extensions[EXTENSION] = Push(svc.settings, svc.clock, reader=svc.warehouse)
    return found


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "zh"


def _page(template: str, title_key: str, status: int = 200, private: bool = True, **context) -> Response:
    lang = _lang()
    args = {k: v for k, v in request.args.items() if k != "lang"}
    if lang == "zh":
        args["lang"] = "en"
    office = push().office
    html = _env().get_template(template).render(
        lang=lang, html_lang="zh-CN" if lang == "zh" else "en", title=w(title_key, lang), office=office.name(lang),
        other_lang=w("other_lang", lang), switch_url=request.path + ("?" + urlencode(args) if args else ""),
        w={key: value[lang] for key, value in WORDS.items()}, **context)
    response = Response(html, status=status, mimetype="text/html")
    if private:  # a page reached by a personal link, or answering a form
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _choices(lang: str) -> dict:
    gate = current_gate()
    return {"topics": [{"code": t.code, "name": t.name(lang)} for t in gate.topics()],
            "series": [{"code": s.code, "name": s.name(lang)} for s in gate.series()],
            "kinds": [{"code": k, "name": KIND_NAMES[k][0 if lang == "zh" else 1]} for k in KINDS]}


def _codes(data, key: str, alias: str | None = None) -> tuple[str, ...]:
    """A list of codes from a form (repeated fields) or JSON (an array of strings), else a 400."""
    if hasattr(data, "getlist"):
        return tuple(data.getlist(key) or (data.getlist(alias) if alias else []))
    value = data.get(alias or key, data.get(key, []))
    if not isinstance(value, list) or len(value) > 200 or not all(isinstance(v, str) and len(v) <= 64 for v in value):
        raise UserError(f"{alias or key} must be a list of codes (strings)")
    return tuple(value)


def _interests_from(data) -> Interests:
    for flag in ("notices", "all"):
        if not hasattr(data, "getlist") and not isinstance(data.get(flag, False), bool):
            raise UserError(f"{flag} must be true or false")
    interests = Interests(_codes(data, "topic", "topics"), _codes(data, "series"), _codes(data, "kind", "kinds"),
                          bool(data.get("notices")), bool(data.get("all")))
    gate = current_gate()
    return check_interests(interests, {t.code for t in gate.topics()}, {s.code for s in gate.series()})


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    return origin is None or origin == "null" or origin.rstrip("/") == request.host_url.rstrip("/")


def _url(path: str, lang: str) -> str:
    return path + ("?lang=en" if lang == "en" else "")


# -- subscribing -----------------------------------------------------------------------------------
@blueprint.route("/subscribe", methods=["GET", "POST"])
def subscribe_page() -> Response:
    lang = _lang()
    context = {"action": _url("/subscribe", lang), "email": "", "chosen": Interests(), "sub_lang": lang,
               "sub_format": "each",
               **_choices(lang)}
    if request.method == "GET":
        return _page("page_subscribe.html", "subscribe_title", private=False, **context)
    if not _same_origin():
        return _page("page_subscribe.html", "subscribe_title", 403, error=w("error", lang), **context)
    form = request.form
    try:
        interests = _interests_from(form)
        chosen_lang = form.get("lang") if form.get("lang") in ("zh", "en") else lang
        fmt = "digest" if form.get("format") == "digest" else "each"
        push().request(normal_email(form.get("email", "")), interests, chosen_lang, fmt, "web")
    except UserError as exc:
        context.update(email=form.get("email", ""))
        return _page("page_subscribe.html", "subscribe_title", 400, error=exc.message, **context)
    return _page("page_text.html", "subscribe_title", 202, paragraphs=[w("check_mail", lang)])


@blueprint.get("/api/v1/subscriptions")
def subscription_choices() -> Response:
    """What can be followed now: topics and series the gate shows the public, kinds, formats."""
    if request.args:
        raise UserError(f"unknown parameter {sorted(request.args)[0]!r}: this address takes none")
    lang = "en"
    choices = _choices(lang)
    return jsonify(topics=[t["code"] for t in choices["topics"]], series=[x["code"] for x in choices["series"]],
                   kinds=list(KINDS), formats=["each", "digest"], langs=["zh", "en"])


@blueprint.post("/api/v1/subscriptions")
def subscribe_api() -> Response:
    """JSON: {"email", "topics": [], "series": [], "kinds": [], "notices": bool, "all": bool,
    "lang": "zh"|"en", "format": "each"|"digest"}. Always 202 for a well-formed request, whether or not the address is known."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise UserError("send a JSON object: {\"email\": ..., \"topics\": [...], \"lang\": \"zh\"}")
    lang = data.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise UserError("lang must be zh or en")
    if not isinstance(data.get("email"), str):
        raise UserError("email must be an e-mail address (a string)")
    fmt = data.get("format", "each")
    if fmt not in ("each", "digest"):
        raise UserError("format must be each or digest")
    interests = _interests_from(data)
    push().request(normal_email(str(data.get("email", ""))), interests, lang, fmt, "api")
    response = jsonify(status="pending", message=w("check_mail", lang))
    response.status_code = 202
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/subscribe/confirm")
def confirm_page() -> Response:
    lang = _lang()
    try:
        subscriber_id = push().confirm(request.args.get("t", ""))
    except (BadLink, NotFound) as exc:
        return _page("page_text.html", "error", 400, error=exc.message)
    manage = push().signer.url("manage", {"s": subscriber_id}, lang)
    return _page("page_text.html", "subscribe_title", paragraphs=[w("confirmed_page", lang)],
                 link={"url": manage, "label": w("manage", lang)})


# -- managing and unsubscribing --------------------------------------------------------------------
@blueprint.route("/subscribe/manage", methods=["GET", "POST"])
def manage_page() -> Response:
    lang = _lang()
    token = request.args.get("t", "")
    try:
        subscriber = push().subscriptions.get(push().signer.read("manage", token)["s"])
    except (BadLink, NotFound, KeyError):
        return _page("page_text.html", "error", 400, error=w("error", lang))
    context = {"action": f"/subscribe/manage?{urlencode({'t': token, **({'lang': 'en'} if lang == 'en' else {})})}",
               "unsubscribe_action": f"/subscribe/unsubscribe?{urlencode({'t': push().signer.token('unsubscribe', {'s': subscriber.id})})}",
               "email": subscriber.email, "chosen": subscriber.interests, "sub_lang": subscriber.lang,
               "sub_format": subscriber.format,
               **_choices(lang)}
    if request.method == "GET":
        return _page("page_manage.html", "manage_title", **context)
    if not _same_origin():
        return _page("page_manage.html", "manage_title", 403, error=w("error", lang), **context)
    try:
        interests = _interests_from(request.form)
        chosen_lang = request.form.get("lang") if request.form.get("lang") in ("zh", "en") else subscriber.lang
        fmt = "digest" if request.form.get("format") == "digest" else "each"
        push().subscriptions.update(subscriber.id, interests, chosen_lang, fmt)
    except UserError as exc:
        return _page("page_manage.html", "manage_title", 400, error=exc.message, **context)
    context.update(chosen=interests, sub_lang=chosen_lang, sub_format=fmt)
    return _page("page_manage.html", "manage_title", message=w("saved", lang), **context)


@blueprint.route("/subscribe/unsubscribe", methods=["GET", "POST"])
def unsubscribe_page() -> Response:
    """GET asks (mail scanners follow links; they must not unsubscribe anyone); POST — the RFC 8058
    one-click request from the mail client, or the button — unsubscribes, without any cookie."""
    lang = _lang()
    try:
        payload = push().signer.read("unsubscribe", request.args.get("t", ""))
        subscriber_id = payload["s"]
    except (BadLink, KeyError):
        return _page("page_text.html", "error", 400, error=w("error", lang))
    if request.method == "GET":
        return _page("page_text.html", "unsubscribe_title", paragraphs=[w("unsubscribe_ask", lang)],
                     form_action=request.full_path, form_button=w("unsubscribe", lang))
    push().subscriptions.unsubscribe(subscriber_id, push().clock.now(), payload.get("e"))
    return _page("page_text.html", "unsubscribe_title", paragraphs=[w("unsubscribed", lang)])


# -- the relay's bounces, opens, staff -------------------------------------------------------------
@blueprint.post("/subscribe/bounces")
def bounce_webhook() -> Response:
    """The relay reports bounces: `Authorization: Bearer <STATPUB_PUSH_BOUNCE_TOKEN>`, JSON
    `{"message_id": "<...>", "type": "hard"|"soft", "reason": "..."}` or a list of them."""
    expected = push().config.bounce_token
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    import hmac

    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise NotFound("not found")
    data = request.get_json(silent=True)
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(i, dict) and isinstance(i.get("message_id"), str) for i in items):
        raise UserError("send {\"message_id\": \"<...>\", \"type\": \"hard\"} or a list of them")
    known = sum(push().record_bounce(i["message_id"], i.get("type", "hard") != "soft", str(i.get("reason", "")))
                for i in items)
    response = jsonify(recorded=known)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/subscribe/o/<token>.gif")
def open_pixel(token: str) -> Response:
    if not push().config.track_opens:
        raise NotFound("not found")
    try:
        push().record_open(push().signer.read("open", token)["o"])
    except (BadLink, KeyError):
        pass
    response = Response(PIXEL, mimetype="image/gif")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.get("/staff/push")
def staff_page() -> Response:
    if current_reader().role not in STAFF_ROLES:
        raise NotFound("not found")
    service = push()
    return _page("page_staff.html", "staff_title", stats=service.stats(), orgs=service.subscriptions.orgs(),
                 notices=service.staff_notices())


def openapi_paths() -> dict:
    """POST /api/v1/subscriptions in the API's OpenAPI document (the site's `api_paths` hook)."""
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    codes = {"type": "array", "items": {"type": "string"}, "maxItems": 200}
    new = {"type": "object", "required": ["email"], "properties": {
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "topics": {**codes, "description": "topic codes (GET /api/v1/series lists each series' topic)"},
        "series": {**codes, "description": "series codes"},
        "kinds": {"type": "array", "items": {"type": "string", "enum": list(KINDS)}},
        "notices": {"type": "boolean", "description": "also notices of reschedules, cancellations, corrections"},
        "all": {"type": "boolean", "description": "every release"},
        "lang": {"type": "string", "enum": ["zh", "en"]},
        "format": {"type": "string", "enum": ["each", "digest"], "description": "each release, or a weekly digest"}}}
    pending = {"type": "object", "required": ["status"], "properties": {
        "status": {"const": "pending"}, "message": {"type": "string"}}}
    names = {"type": "array", "items": {"type": "string"}}
    choices = {"type": "object", "required": ["topics", "series", "kinds", "formats", "langs"], "properties": {
        "topics": names, "series": names, "kinds": names, "formats": names, "langs": names}}
    return {"paths": {"/api/v1/subscriptions": {"get": {
        "summary": "What can be followed now: topic and series codes (only those with public figures), kinds, formats",
        "responses": {"200": {"description": "OK", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/SubscriptionChoices"}}}},
                      "400": {"description": "Bad parameter", **error}, "429": {"description": "Rate limit", **error}}},
                                                "post": {
        "summary": "Subscribe an e-mail address to release alerts (double opt-in: a confirmation link is mailed)",
        "description": "The same answer whether or not the address is known; at most one confirmation mail "
                       "per address every 10 minutes. Messages go out at each release instant, never before.",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/NewSubscription"}}}},
        "responses": {"202": {"description": "Pending confirmation", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/SubscriptionPending"}}}},
                      "400": {"description": "Bad input", **error}, "413": {"description": "Body too large", **error},
                      "429": {"description": "Rate limit", **error}}}}},
        "schemas": {"NewSubscription": new, "SubscriptionPending": pending, "SubscriptionChoices": choices}}


def install(app) -> None:
    app.server.register_blueprint(blueprint)
