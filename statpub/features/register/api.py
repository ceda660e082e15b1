"""`/api/v1/register/...` (the register: matters, items, a classification's codes), `/api/v1/search`
(everything published) and `/register/files/...` (attachments). Every answer comes from the public
gate at the clock's instant: an item not public yet, or no longer, is the same 404 as one that does
not exist. Parameters are declared in `statpub/dashboards/api/params.py` (unknown or repeated ones
refused); cache lifetimes never reach past the next instant the register or a release changes."""

from __future__ import annotations

from flask import Blueprint, Response, request

from statpub.dashboards.api import openapi
from statpub.dashboards.api import params as P
from statpub.dashboards.api.respond import json_answer, not_found
from statpub.dashboards.components.publisher import agency_of, publisher
from statpub.dashboards.http import bounded_max_age
from statpub.dashboards.services import services
from statpub.features.register import shapes
from statpub.features.register.search.index import SearchIndex, search
from statpub.kernel.workdays import work_calendar

blueprint = Blueprint("register_api", __name__)
HTML_SANDBOX = "sandbox; default-src 'none'; script-src 'none'; style-src 'unsafe-inline'"


def _view():
    gate = services().gate()
    return gate, gate.register


@blueprint.get("/api/v1/register/matters")
def matters() -> Response:
    P.parse_params(request.args, P.NO_PARAMS)
    _gate, view = _view()
    counts: dict[str, int] = {}
    for item in view.items():
        counts[item.matter_id] = counts.get(item.matter_id, 0) + 1
    return json_answer({"matters": [shapes.matter_dict(m, counts.get(m.id, 0)) for m in view.matters()]})


@blueprint.get("/api/v1/register/items")
def items() -> Response:
    p = P.parse_params(request.args, P.REGISTER_ITEMS)
    gate, view = _view()
    calendar = work_calendar(services().settings.root)
    found = [i for i in view.items(p["kind"]) if p["matter"] is None or i.matter_id == p["matter"]]
    page = found[p["offset"]:p["offset"] + p["limit"]]
    more = p["offset"] + p["limit"] < len(found)
    return json_answer({"now": gate.now.isoformat(), "total": len(found), "limit": p["limit"], "offset": p["offset"],
                        "items": [shapes.item_brief(view, i, calendar) for i in page],
                        "next": _next(p["offset"] + p["limit"]) if more else None})


def _next(offset: int) -> str:
    from urllib.parse import urlencode

    args = request.args.to_dict()
    args["offset"] = str(offset)
    return f"{request.path}?{urlencode(args)}"


def _item_id(item_id: str) -> str:
    if not P.ITEM_ID.match(item_id):
        raise not_found()
    return item_id


@blueprint.get("/api/v1/register/items/<item_id>")
def item(item_id: str) -> Response:
    P.parse_params(request.args, P.NO_PARAMS)
    _gate, view = _view()
    found = view.item(_item_id(item_id))
    if found is None:
        raise not_found()
    return json_answer(shapes.item_full(view, found, work_calendar(services().settings.root)))


@blueprint.get("/api/v1/register/items/<item_id>/codes")
def codes(item_id: str) -> Response:
    p = P.parse_params(request.args, P.REGISTER_CODES)
    _gate, view = _view()
    found = view.item(_item_id(item_id))
    if found is None or found.kind != "classification":
        raise not_found()
    if p["format"] in ("csv", "sdmx"):
        if p["format"] == "csv":
            response = Response(shapes.codes_csv(found), mimetype="text/csv")
            response.headers["Content-Disposition"] = f'attachment; filename="{found.id}.csv"'
        else:  # prepared when this version went public: the same bytes every time
            # sdmx1 (about 17 MB a process) loads with the first codelist asked for in SDMX.
            from statpub.features.register.sdmx_codes import codelist_xml

            response = Response(codelist_xml(found, agency_of(publisher()), found.published),
                                mimetype=openapi.SDMX_STRUCTURE)
        response.headers["Cache-Control"] = f"public, max-age={bounded_max_age()}"
        return response
    return json_answer({"id": found.id, "scheme": found.data["scheme"], "version": found.data["version"],
                        "effective": found.data["effective"], "title": found.data["title"],
                        "mappings": [m["to"] for m in found.data.get("mappings", [])],
                        "codes": shapes.code_rows(found)})


@blueprint.get("/register/files/<item_id>/<file_name>")
def attachment(item_id: str, file_name: str) -> Response:
    if request.args:
        raise P.BadParameter(next(iter(request.args)), "unknown parameter; this address takes none")
    _gate, view = _view()
    found = view.file(_item_id(item_id), file_name)
    if found is None:
        raise not_found()
    info, data = found
    response = Response(data, mimetype=info.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{info.name}"'
    response.set_etag(info.sha256)
    response.headers["Cache-Control"] = f"public, max-age={bounded_max_age()}"
    if info.mimetype == "text/html":  # shown as a download; if opened, it can run nothing
        response.headers["Content-Security-Policy"] = HTML_SANDBOX
    return response.make_conditional(request)


@blueprint.get("/api/v1/search")
def search_api() -> Response:
    p = P.parse_params(request.args, P.SEARCH)
    if not p["q"]:
        raise P.BadParameter("q", "required: the words to find")
    svc = services()
    gate = svc.gate()
    path = SearchIndex(svc.settings, svc.hooks).ensure(gate)
    found = search(path, p["q"], lang=p["lang"], kind=p["kind"], limit=p["limit"], offset=p["offset"])
    more = p["offset"] + p["limit"] < found.total
    return json_answer({"q": p["q"], "total": found.total, "limit": p["limit"], "offset": p["offset"],
                        "kinds": found.kinds, "hits": [h.to_dict() for h in found.hits],
                        "next": _next(p["offset"] + p["limit"]) if more else None})


def openapi_paths() -> dict:
    """The register's and the search's part of the OpenAPI document (through `api_paths`)."""
    ref, obj, s = openapi.reference, {"type": "object"}, {"type": "string"}
    item = openapi.path_parameter("item_id", P.ITEM_ID.pattern, "Register item id", "2025-data-quality-rules")
    search_params = openapi.query_parameters(P.SEARCH)
    search_params[0]["required"] = True
    search_op = openapi.operation("Search everything published (ranked full text, zh and en)", (),
                                  openapi.json_content("SearchResults"), codes=("400", "429"))
    search_op["get"]["parameters"] = search_params
    return {"paths": {
        "/api/v1/register/matters": openapi.operation(
            "The catalogue of proactive disclosure (主动公开事项目录): matters with legal basis, department, time limit",
            P.NO_PARAMS, openapi.json_content("RegisterMatters"), codes=("400", "429")),
        "/api/v1/register/items": openapi.operation(
            "Every public register item with kind, domain, level, dates and whether it was published on time",
            P.REGISTER_ITEMS, openapi.json_content("RegisterItems"), codes=("400", "429")),
        "/api/v1/register/items/{item_id}": openapi.operation(
            "One public register item: its data (privacy rules applied), files, versions", P.NO_PARAMS,
            openapi.json_content("RegisterItem"), (item,)),
        "/api/v1/register/items/{item_id}/codes": openapi.operation(
            "A classification's codes with their mappings onto other versions (JSON, CSV), or as an SDMX-ML 2.1 "
            "code list", P.REGISTER_CODES, {**openapi.json_content("ClassificationCodes"),
                                            **openapi.file_content("text/csv", openapi.SDMX_STRUCTURE)}, (item,)),
        "/api/v1/search": search_op,
    }, "schemas": {
        "RegisterMatters": {"type": "object", "required": ["matters"], "properties": {
            "matters": {"type": "array", "items": obj}}},
        "RegisterItemBrief": {"type": "object", "required": ["id", "kind", "matter", "title", "created", "published",
                                                             "timeliness", "links"], "properties": {
            "id": s, "kind": s, "matter": s, "title": ref("Bilingual"), "domain": {"anyOf": [ref("Bilingual"), {"type": "null"}]},
            "level": {"anyOf": [ref("Bilingual"), {"type": "null"}]}, "created": {"type": "string", "format": "date"},
            "changed": {"type": ["string", "null"], "format": "date"}, "published": {"type": "string", "format": "date-time"},
            "timeliness": obj, "links": obj, "lapsed": {"type": "boolean"}}},
        "RegisterItems": {"type": "object", "required": ["total", "limit", "offset", "items", "next"], "properties": {
            "now": s, "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"},
            "items": {"type": "array", "items": ref("RegisterItemBrief")}, "next": {"type": ["string", "null"]}}},
        "RegisterItem": {"allOf": [ref("RegisterItemBrief"), {"type": "object", "required": ["data", "files", "versions"],
                                                              "properties": {"data": obj, "files": {"type": "array"},
                                                                             "versions": {"type": "array"}}}]},
        "ClassificationCodes": {"type": "object", "required": ["id", "codes"], "properties": {
            "id": s, "scheme": s, "version": s, "codes": {"type": "array", "items": obj}}},
        "SearchResults": {"type": "object", "required": ["q", "total", "hits"], "properties": {
            "q": s, "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"},
            "kinds": obj, "hits": {"type": "array", "items": {"type": "object", "required": ["kind", "title", "url"],
                                                               "properties": {"kind": s, "title": s, "url": s}}},
            "next": {"type": ["string", "null"]}}},
    }}
