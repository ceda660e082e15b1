"""The OpenAPI 3.1 document of `/api/v1`, built from the same parameter specs the views parse,
so the documentation cannot drift from what is accepted."""

from __future__ import annotations

from statpub.dashboards.api import params as P
from statpub.kernel.office import Office

JSON = "application/json"
PARQUET = "application/vnd.apache.parquet"
CSV = "text/csv"
SDMX_CSV = "application/vnd.sdmx.data+csv"
ZIP = "application/zip"
SDMX_ML = "application/vnd.sdmx.structurespecificdata+xml"
SDMX_STRUCTURE = "application/vnd.sdmx.structure+xml"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


STR = {"type": "string"}
NSTR = {"type": ["string", "null"]}
INSTANT = {"type": "string", "format": "date-time"}
NINSTANT = {"type": ["string", "null"], "format": "date-time"}
# When figures became public: the release instant, or a late approval's time; history imported keeps
# its original instant. Every observation's `vintage` and every `as_of` compare against it.
PUBLIC_SINCE = {"type": "string", "format": "date-time",
                "description": "When the release became public (the vintage of its figures; as_of compares with it)"}
BILINGUAL = {"type": "object", "required": ["zh", "en"], "properties": {"zh": NSTR, "en": NSTR}}

SCHEMAS: dict[str, dict] = {
    "Error": {"type": "object", "required": ["status", "code", "title", "message"], "properties": {
        "status": {"type": "integer"}, "code": STR, "title": STR, "message": STR,
        "parameter": {"type": "string", "description": "The query parameter at fault (400)"}}},
    "Bilingual": BILINGUAL,
    "SeriesBrief": {"type": "object", "required": ["code", "topic", "name", "unit", "frequency", "measure",
                                                   "cumulative", "decimals", "prices", "links"], "properties": {
        "code": STR, "topic": STR, "name": _ref("Bilingual"), "unit": _ref("Bilingual"),
        "frequency": {"type": "string", "enum": list(P.FREQUENCIES)}, "measure": STR,
        "cumulative": {"type": "boolean"}, "decimals": {"type": "integer"}, "prices": NSTR,
        "links": {"type": "object", "additionalProperties": STR}}},
    "Series": {"allOf": [_ref("SeriesBrief"), {"type": "object", "required": ["definition", "source", "transforms",
                                                                               "vintages"], "properties": {
        "definition": _ref("Bilingual"), "source": _ref("Bilingual"),
        "transforms": {"type": "array", "items": STR},
        "vintages": {"type": "array", "items": {"type": "object", "required": ["release_id", "instant", "public_since"],
                                                "properties": {"release_id": STR, "instant": INSTANT,
                                                               "public_since": PUBLIC_SINCE}}}}}]},
    "SeriesList": {"type": "object", "required": ["total", "limit", "offset", "series", "next"], "properties": {
        "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"},
        "series": {"type": "array", "items": _ref("SeriesBrief")}, "next": NSTR}},
    "Observation": {"type": "object", "required": ["period", "value", "status", "note", "release_id", "vintage"],
                    "properties": {
        "series_code": STR, "period": STR, "value": {"type": ["number", "null"]},
        "status": {"type": "string", "description": "p provisional, r revised, e estimated, b break, c confidential"},
        "note": NSTR, "release_id": STR, "vintage": INSTANT,
        "valid_to": {**NINSTANT, "description": "With vintages=all: when the next vintage replaced this one"}}},
    "Observations": {"type": "object", "required": ["series", "units", "as_of", "vintages", "count", "observations"],
                     "properties": {
        "series": _ref("SeriesBrief"),
        "units": {"type": "object", "required": ["code", "label", "derived"], "properties": {
            "code": STR, "label": _ref("Bilingual"), "derived": {"type": "boolean"}}},
        "as_of": NINSTANT, "vintages": {"type": "string", "enum": ["latest", "all"]}, "count": {"type": "integer"},
        "observations": {"type": "array", "items": _ref("Observation")}}},
    "JsonStat": {"type": "object", "description": "JSON-stat 2.0 dataset",
                 "required": ["version", "class", "id", "size", "dimension", "value"], "properties": {
        "version": {"const": "2.0"}, "class": {"const": "dataset"},
        "id": {"type": "array", "items": STR}, "size": {"type": "array", "items": {"type": "integer"}},
        "dimension": {"type": "object"}, "value": {"type": ["object", "array"]}}},
    "Release": {"type": "object", "required": ["id", "title", "kind", "instant", "state", "public", "series",
                                               "revision"], "properties": {
        "id": STR, "title": _ref("Bilingual"), "kind": STR, "instant": INSTANT, "state": STR,
        "public": {"type": "boolean"}, "public_since": {**NINSTANT, "description": PUBLIC_SINCE["description"]},
        "series": {"type": "array", "items": STR},
        "revision": _nullable({"type": "object", "properties": {"stage": STR, "reason": _ref("Bilingual")}}),
        "links": {"type": "object", "additionalProperties": STR}}},
    "ReleaseDetail": {"allOf": [_ref("Release"), {"type": "object", "required": ["observation_count", "revisions"],
                                                  "properties": {
        "observation_count": {"type": "integer"},
        "revisions": {"type": "array", "items": {"type": "object", "properties": {
            "series_code": STR, "period": STR, "previous_value": {"type": ["number", "null"]},
            "previous_release_id": STR, "value": {"type": ["number", "null"]}, "status": STR}}}}}]},
    "ReleaseList": {"type": "object", "required": ["total", "limit", "offset", "releases", "next"], "properties": {
        "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"},
        "releases": {"type": "array", "items": _ref("Release")}, "next": NSTR}},
    "ReleaseObservations": {"type": "object", "required": ["release", "count", "observations"], "properties": {
        "release": _ref("Release"), "count": {"type": "integer"},
        "observations": {"type": "array", "items": _ref("Observation")}}},
    "Calendar": {"type": "object", "required": ["now", "next_instant", "releases"], "properties": {
        "now": INSTANT, "next_instant": NINSTANT,
        "releases": {"type": "array", "items": {"allOf": [_ref("Release"), {"type": "object", "properties": {
            "history": {"type": "array", "items": {"type": "object"}}}}]}}}},
    "Topics": {"type": "object", "required": ["topics"], "properties": {"topics": {"type": "array", "items": {
        "type": "object", "required": ["code", "name"], "properties": {"code": STR, "name": _ref("Bilingual")}}}}},
    "Vintages": {"type": "object", "required": ["series", "vintages"], "properties": {
        "series": STR, "vintages": {"type": "array", "items": {"type": "object", "required": [
            "release_id", "instant", "public_since"], "properties": {"release_id": STR, "instant": INSTANT,
                                                                     "public_since": PUBLIC_SINCE,
                                                                     "title": _ref("Bilingual")}}}}},
    "Citation": {"type": "object", "required": ["series", "vintage", "instant", "url", "citation"], "properties": {
        "series": STR, "vintage": STR, "instant": {**INSTANT, "description": PUBLIC_SINCE["description"]},
        "url": STR, "citation": _ref("Bilingual")}},
    "Changes": {"type": "object", "required": ["since", "count", "series", "changes"], "properties": {
        "since": INSTANT, "count": {"type": "integer"},
        "series": {"type": "array", "items": {"type": "object", "required": ["code", "releases", "periods"],
                                               "properties": {"code": STR, "releases": {"type": "array", "items": STR},
                                                              "periods": {"type": "array", "items": STR},
                                                              "links": {"type": "object"}}}},
        "changes": {"type": "array", "items": {"type": "object", "required": ["release", "kind", "public_since",
                                                                               "series"], "properties": {
            "release": _ref("Release"), "kind": {"type": "string", "enum": ["release", "revision", "correction"]},
            "public_since": INSTANT, "reason": _nullable(_ref("Bilingual")),
            "series": {"type": "array", "items": {"type": "object"}}}}}}},
    "Index": {"type": "object", "required": ["name", "version", "links"], "properties": {
        "name": STR, "version": STR, "openapi": STR, "now": INSTANT, "latest_release": NSTR, "next_instant": NINSTANT,
        "links": {"type": "object", "additionalProperties": STR}}},
}

ERRORS = {
    "400": "Bad parameter: the body's `parameter` names it",
    "404": "Not published (a missing and an embargoed thing give the same body)",
    "413": f"More than {P.MAX_ROWS} rows: narrow start/end or use the bulk files",
    "429": "Rate limit reached: see Retry-After",
}
# The server refuses request lines longer than this before any route sees them.
URI_TOO_LONG = {"description": "Request line longer than 4094 bytes (server limit)",
                "content": {"text/html": {"schema": STR}}}


def _query(spec: tuple[P.Param, ...]) -> list[dict]:
    return [{"name": p.name, "in": "query", "required": False, "description": p.description,
             "schema": p.schema or STR} for p in spec]


def _path(name: str, pattern: str, description: str, example: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "pattern": pattern}, "example": example}


CODE = _path("code", P.SERIES_CODE.pattern, "Series code, e.g. GDP", "GDP")
RELEASE = _path("release_id", P.RELEASE_ID.pattern, "Release id, e.g. 2024-q3-economy", "2024-q3-economy")
VINTAGE = _path("vintage", r"^(latest|[a-z0-9][a-z0-9-]{1,63})$", "`latest` or a published release id (pinned)",
                "latest")


def _op(summary: str, spec: tuple[P.Param, ...], content: dict, path_params: tuple = (), description: str = "",
        codes: tuple[str, ...] = ("400", "404", "429")) -> dict:
    responses = {"200": {"description": "OK", "content": content}, "414": URI_TOO_LONG}
    for code in codes:
        responses[code] = {"description": ERRORS[code], "content": {JSON: {"schema": _ref("Error")}}}
    return {"get": {"summary": summary, "description": description, "parameters": [*path_params, *_query(spec)],
                    "responses": responses}}


def _json(name: str) -> dict:
    return {JSON: {"schema": _ref(name)}}


def _file(*types: str) -> dict:
    return {t: {"schema": {"type": "string", "format": "binary"}} for t in types}


def sdmx_paths() -> dict:
    """SDMX-REST 1.5 shapes under /api/v1/sdmx (structures as SDMX-ML 2.1, data as SDMX-ML or SDMX-CSV)."""
    ident = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
    resource = {"name": "resource", "in": "path", "required": True, "description": "The kind of structure",
                "schema": {"type": "string", "enum": ["dataflow", "datastructure", "codelist", "conceptscheme"]}}
    agency = _path("agency", r"^(all|[A-Za-z][A-Za-z0-9_-]{0,63})$", "The agency id (see /api/v1/sdmx/) or all",
                   "all")
    artefact = _path("artefact", ident, "The artefact id (e.g. OBSERVATIONS, DSD_OBSERVATIONS, CL_INDICATOR)",
                     "OBSERVATIONS")
    version = _path("version", r"^(latest|all|1\.0)$", "latest or 1.0", "latest")
    flow = _path("flow", r"^([A-Za-z][A-Za-z0-9_-]{0,63},)?[A-Za-z][A-Za-z0-9_]{0,63}(,(latest|1\.0))?$",
                 "OBSERVATIONS (or AGENCY,OBSERVATIONS,1.0)", "OBSERVATIONS")
    key = _path("key", r"^(all|[A-Z0-9_+]*\.[A-Z0-9_+]*\.[A-Z0-9_+]*)$",
                "FREQ.INDICATOR.TRANSFORMATION, + for alternatives, empty for all (e.g. Q.GDP.LIN) or all", "Q.GDP.LIN")
    structure = {SDMX_STRUCTURE: {"schema": {"type": "string"}},
                 "application/vnd.sdmx.structure+json": {"schema": {"type": "object"}}}
    data = {SDMX_ML: {"schema": {"type": "string"}}, SDMX_CSV: {"schema": {"type": "string"}}}
    return {
        "/api/v1/sdmx/": _op("SDMX: ids and paths", P.NO_PARAMS, {JSON: {"schema": {"type": "object"}}},
                             codes=("400", "429")),
        "/api/v1/sdmx/structure": _op("Every SDMX structure (dataflows, DSDs, concepts, code lists)", P.SDMX_EVERYTHING,
                                      structure, codes=("400", "429")),
        "/api/v1/sdmx/{resource}/{agency}/{artefact}/{version}": _op(
            "One SDMX structure (SDMX-REST)", P.SDMX_STRUCTURE, structure, (resource, agency, artefact, version)),
        "/api/v1/sdmx/data/{flow}/{key}": _op(
            "SDMX data query (SDMX-REST): the gate's figures as SDMX-ML 2.1 or SDMX-CSV 2.0", P.SDMX_DATA, data,
            (flow, key), codes=("400", "404", "413", "429")),
    }


def _info(pub: Office) -> dict:
    """Who publishes the API and under which licence (office.yaml): OpenAPI's info object."""
    licence: dict = {"name": pub.licence.name.en}
    if pub.licence.spdx:
        licence["identifier"] = pub.licence.spdx
    elif pub.licence.url:
        licence["url"] = pub.licence.url
    contact: dict = {"name": pub.office_en, "url": (pub.contact.url if pub.contact and pub.contact.url
                                                     else pub.base_url)}
    if pub.contact and pub.contact.email:
        contact["email"] = pub.contact.email
    notice = f" {pub.notice.en}." if pub.notice else ""
    return {"title": f"{pub.site_title('en')} API", "version": "1.0.0", "contact": contact, "license": licence,
            "summary": f"Statistics published by {pub.office_en} ({pub.office_zh}).{notice}"}


def document(pub: Office, extensions: list[dict] | None = None) -> dict:
    """The document, with who publishes (office.yaml) and what features add (`api_paths` hook: their
    paths and schemas)."""
    observations_content = {JSON: {"schema": {"anyOf": [_ref("Observations"), _ref("JsonStat")]}},
                            **_file(CSV, PARQUET, SDMX_CSV, SDMX_ML, ZIP)}
    release_content = {JSON: {"schema": {"anyOf": [_ref("ReleaseObservations"), _ref("JsonStat")]}},
                       **_file(CSV, PARQUET, SDMX_CSV, SDMX_ML, ZIP)}
    files = "Files are generated once per vintage, served with a strong ETag and Range requests; pinned " \
            "vintages are immutable (max-age one year), `latest` has a short max-age bounded by the next release."
    paths = {
        "/api/v1/": _op("Index", P.NO_PARAMS, _json("Index"), codes=("400", "429")),
        "/api/v1/topics": _op("Topics with published series", P.NO_PARAMS, _json("Topics"), codes=("400", "429")),
        "/api/v1/series": _op("Series list (filters and text search)", P.SERIES_LIST, _json("SeriesList"),
                              codes=("400", "429")),
        "/api/v1/series/{code}": _op("One series: metadata and vintages", P.NO_PARAMS, _json("Series"), (CODE,)),
        "/api/v1/series/{code}/vintages": _op("The releases that published figures of a series (ALFRED style)",
                                              P.NO_PARAMS, _json("Vintages"), (CODE,)),
        "/api/v1/series/{code}/observations": _op(
            "Observations: start/end, as_of, every vintage, transforms, formats", P.OBSERVATIONS,
            observations_content, (CODE,), codes=("400", "404", "413", "429")),
        "/api/v1/series/{code}/citation": _op("Citation text for a series and vintage", P.CITATION,
                                              {"text/plain": {"schema": STR}, **_json("Citation")}, (CODE,)),
        "/api/v1/releases": _op("Published releases, newest first", P.RELEASE_LIST, _json("ReleaseList"),
                                codes=("400", "429")),
        "/api/v1/releases/{release_id}": _op("One published release with its series and revisions", P.NO_PARAMS,
                                             _json("ReleaseDetail"), (RELEASE,)),
        "/api/v1/releases/{release_id}/observations": _op("Every figure a release carried", P.RELEASE_OBSERVATIONS,
                                                          release_content, (RELEASE,)),
        "/api/v1/calendar": _op("The release calendar (metadata public from announcement; no figures)", P.CALENDAR,
                                _json("Calendar"), codes=("400", "429")),
        "/api/v1/files/{vintage}/datapackage.json": _op("Frictionless Data Package of a vintage", P.NO_PARAMS,
                                                        {JSON: {"schema": {"type": "object"}}}, (VINTAGE,), files),
        "/api/v1/files/{vintage}/history.parquet": _op("Every vintage of every series, up to this vintage",
                                                       P.NO_PARAMS, _file(PARQUET), (VINTAGE,), files),
        "/api/v1/files/{vintage}/values.parquet": _op("Every series' values at this vintage", P.NO_PARAMS,
                                                      _file(PARQUET), (VINTAGE,), files),
        "/api/v1/files/{vintage}/values.csv": _op("Every series' values at this vintage (CSV)", P.NO_PARAMS,
                                                  _file(CSV), (VINTAGE,), files),
        "/api/v1/files/{vintage}/values.sdmx.csv": _op("Every series' values at this vintage (SDMX-CSV 2.0)",
                                                       P.NO_PARAMS, _file(SDMX_CSV), (VINTAGE,), files),
        "/api/v1/files/{vintage}/values.sdmx.xml": _op("Every series' values at this vintage (SDMX-ML 2.1)",
                                                       P.NO_PARAMS, _file(SDMX_ML), (VINTAGE,), files),
        "/api/v1/files/{vintage}/history.sdmx.csv": _op(
            "Every vintage of every series (SDMX-CSV 2.0, dataflow HISTORY: the release is a dimension)",
            P.NO_PARAMS, _file(SDMX_CSV), (VINTAGE,), files),
        **sdmx_paths(),
        "/api/v1/changes": _op(
            "What changed since an instant: series and periods published or revised by each release, with the "
            "release and reason", P.CHANGES, _json("Changes"), codes=("400", "413", "429")),
        "/api/v1/changes.atom": _op("What changed, as an Atom feed (one entry per release)", P.CHANGES_FEED,
                                    {"application/atom+xml": {"schema": STR}}, codes=("400", "429")),
    }
    exts = r"(parquet|csv|jsonstat\.json|sdmx\.csv|sdmx\.xml|zip)"
    for kind, param in (("series", _path("name", rf"^[A-Z][A-Z0-9_]{{1,47}}\.{exts}$",
                                         "CODE.parquet, .csv, .jsonstat.json, .sdmx.csv or .sdmx.xml", "GDP.parquet")),
                        ("releases", _path("name", rf"^[a-z0-9][a-z0-9-]{{1,63}}\.{exts}$",
                                           "ID.parquet, .csv, .jsonstat.json, .sdmx.csv or .sdmx.xml",
                                           "2024-q3-economy.csv"))):
        paths[f"/api/v1/files/{{vintage}}/{kind}/{{name}}"] = _op(
            f"One {kind[:-1]} at this vintage", P.NO_PARAMS,
            {**_file(PARQUET, CSV, SDMX_CSV, SDMX_ML, ZIP), JSON: {"schema": _ref("JsonStat")}}, (VINTAGE, param),
            files)
    return {
        "openapi": "3.1.0",
        "info": {**_info(pub), "description": (
            "Published official statistics: series, every vintage, releases, calendar, bulk files. Everything "
            "passes the embargo gate: an embargoed release or figure is indistinguishable from a missing one. "
            f"Limits: at most {P.MAX_ROWS} rows per observations answer (413 beyond; bulk files have no limit), "
            f"lists paged with limit <= {P.MAX_LIST_LIMIT}; requests per client address are rate limited per "
            "server process (default 1200 per 60 s, header RateLimit-Policy) and answered 429 with Retry-After "
            "beyond. Errors are JSON: status, code, title, message (and parameter for 400). CORS: any origin may GET.")},
        "paths": {**paths, **{p: op for ext in extensions or () for p, op in ext.get("paths", {}).items()}},
        "components": {"schemas": {**SCHEMAS, **{n: sc for ext in extensions or ()
                                                 for n, sc in ext.get("schemas", {}).items()}}},
    }
