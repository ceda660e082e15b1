"""`/api/v1/...`: series, observations (as_of, vintages, transforms, formats), releases, calendar.

Every answer comes from the public gate. Views are thin: parse bound parameters, ask the gate,
shape the answer with `shapes`, respond with `respond`."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from statpub.dashboards.api import params as P
from statpub.dashboards.api import shapes
from statpub.dashboards.api.openapi import document
from statpub.dashboards.api.respond import (
    cached_json,
    current_gate,
    file_answer,
    fingerprint,
    json_answer,
    not_found,
    too_future,
)
from statpub.dashboards.formats import FORMATS
from statpub.dashboards.http import bounded_max_age
from statpub.dashboards.pages.explorer_model import shown_info
from statpub.kernel.clock import beijing
from statpub.kernel.transforms import TransformError
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import SeriesInfo

# What `as_of` is answered with before anything was published (every such instant, one answer).
BEFORE_ANY = datetime(1970, 1, 1, tzinfo=UTC)

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")


def _series(gate: Gate, code: str) -> SeriesInfo:
    info = gate.series_info(code) if P.SERIES_CODE.match(code) else None
    if info is None:
        raise not_found()
    return info


def _publisher() -> shapes.Publisher:
    return shapes.publisher()


@bp.get("/")
def index() -> Response:
    P.parse_params(request.args, P.NO_PARAMS)
    gate, view = current_gate()
    return json_answer({
        "name": "statpub API", "version": "v1", "openapi": f"{shapes.API}/openapi.json",
        "now": shapes.iso(gate.now), "latest_release": view.latest_release,
        "next_instant": shapes.iso(view.valid_until),
        "links": {"series": f"{shapes.API}/series", "releases": f"{shapes.API}/releases",
                  "calendar": f"{shapes.API}/calendar", "topics": f"{shapes.API}/topics",
                  "datapackage": f"{shapes.FILES}/latest/datapackage.json", "sdmx": f"{shapes.API}/sdmx/",
                  "changes_feed": f"{shapes.API}/changes.atom", "catalog": "/catalog.ttl"},
    })


@bp.get("/openapi.json")
def openapi() -> Response:
    P.parse_params(request.args, P.NO_PARAMS)
    from statpub.dashboards.services import services

    return json_answer(document(_publisher(), services().hooks.api_paths()))


@bp.get("/topics")
def topics() -> Response:
    P.parse_params(request.args, P.NO_PARAMS)
    gate, view = current_gate()
    return json_answer({"topics": [{"code": t.code, "name": shapes.bilingual(t.name_zh, t.name_en)}
                                   for t in gate.topics()]}, view=view)


def search_series(series: tuple[SeriesInfo, ...], topic: str | None, frequency: str | None,
                  q: str | None) -> list[SeriesInfo]:
    """Filter by topic and frequency; `q` matches code and names (zh, en), case-insensitively."""
    needle = (q or "").casefold()
    return [s for s in series
            if (topic is None or s.topic == topic) and (frequency is None or s.frequency == frequency)
            and (not needle or any(needle in text.casefold() for text in (s.code, s.name_zh, s.name_en)))]


@bp.get("/series")
def series_list() -> Response:
    p = P.parse_params(request.args, P.SERIES_LIST)
    gate, view = current_gate()
    found = search_series(gate.series(), p["topic"], p["frequency"], p["q"])
    page = found[p["offset"]:p["offset"] + p["limit"]]
    more = p["offset"] + p["limit"] < len(found)
    return json_answer({"total": len(found), "limit": p["limit"], "offset": p["offset"],
                        "series": [shapes.series_brief(s) for s in page],
                        "next": _next_page(p["offset"] + p["limit"]) if more else None}, view=view)


def _next_page(offset: int) -> str:
    args = request.args.to_dict()
    args["offset"] = str(offset)
    from urllib.parse import urlencode

    return f"{request.path}?{urlencode(args)}"


@bp.get("/series/<code>")
def series_one(code: str) -> Response:
    P.parse_params(request.args, P.NO_PARAMS)
    gate, view = current_gate()
    info = _series(gate, code)
    releases = gate.snapshot.releases
    vintages = [(rid, releases[rid].instant, at) for rid, at in gate.vintages(code)]
    return json_answer(shapes.series_full(info, vintages), view=view)


@bp.get("/series/<code>/vintages")
def series_vintages(code: str) -> Response:
    P.parse_params(request.args, P.NO_PARAMS)
    gate, view = current_gate()
    _series(gate, code)
    releases = gate.snapshot.releases
    items = [{"release_id": rid, "instant": shapes.iso(releases[rid].instant), "public_since": shapes.iso(at),
              "title": shapes.bilingual(releases[rid].title_zh, releases[rid].title_en),
              "links": {"observations": f"{shapes.API}/series/{code}/observations?as_of={shapes.iso(at)}",
                        "parquet": f"{shapes.FILES}/{rid}/series/{code}.parquet",
                        "csv": f"{shapes.FILES}/{rid}/series/{code}.csv",
                        "citation": f"{shapes.API}/series/{code}/citation?vintage={rid}"}}
             for rid, at in gate.vintages(code)]
    return json_answer({"series": code, "vintages": items}, view=view)


@bp.get("/series/<code>/observations")
def series_observations(code: str) -> Response:
    p = P.parse_params(request.args, P.OBSERVATIONS)
    gate, view = current_gate()
    info = _series(gate, code)
    _check_observation_params(p, gate)
    all_vintages = p["vintages"] == "all"
    if p["as_of"] is not None:  # the vintage actually answered: one answer per state, not per microsecond
        p["as_of"] = gate.vintage_at(p["as_of"]) or BEFORE_ANY
    key = fingerprint("series-observations", view.key, code, sorted(p.items(), key=lambda kv: kv[0]), P.MAX_ROWS)
    if p["format"] == "json":
        def compute() -> dict:
            rows = _rows(gate, info, p)
            return {"series": shapes.series_brief(info), "units": shapes.units_info(p["units"]),
                    "as_of": shapes.iso(p["as_of"]), "vintages": p["vintages"], "count": rows.num_rows,
                    "observations": shapes.observation_records(rows, all_vintages=all_vintages)}
        return cached_json(key, compute, view=view)
    rows = _rows(gate, info, p)
    pub = _publisher()
    shown = shown_info(info, p["units"])
    vintage_text = f"as of {beijing(p['as_of']).isoformat()}" if p["as_of"] else "latest vintage"
    title_en = f"{info.name_en} ({shapes.units_info(p['units'])['label']['en']}, {vintage_text})"
    title_zh = f"{info.name_zh}（{shapes.units_info(p['units'])['label']['zh']}）"
    table = shapes.export_table(rows, {code: shown}, pub, title_zh=title_zh, title_en=title_en,
                                citation_text=shapes.citation(pub, info, None, pub.base_url + _canonical(code, p)),
                                metadata={"units": p["units"], "vintages": p["vintages"]}, transform=p["units"])
    fmt = FORMATS[p["format"]]
    return file_answer(key, fmt.suffix, lambda path: fmt.write(table, path), mimetype=fmt.mimetype,
                       download_name=f"{code}-{p['units']}{fmt.suffix}", immutable=False)


def _check_observation_params(p: dict, gate: Gate) -> None:
    """Rules across parameters, each refused with 400 naming one of them."""
    if too_future(p["as_of"], gate):
        raise P.BadParameter("as_of", "is in the future: only what has already been published can be asked for")
    if p["start"] and p["end"] and p["start"] > p["end"]:
        raise P.BadParameter("end", "comes before start")
    if p["vintages"] == "all" and p["units"] != "lin":
        raise P.BadParameter("units", "transforms apply to one vintage: use vintages=latest (with as_of)")
    if p["first_n"] is not None and p["last_n"] is not None:
        raise P.BadParameter("last_n", "give first_n or last_n, not both")
    if p["vintages"] == "all" and p["format"] in P.SDMX_FORMATS:
        raise P.BadParameter("format", "an SDMX data message carries one vintage: use as_of, or the "
                                       "history file /api/v1/files/<vintage>/history.sdmx.csv")


def _canonical(code: str, p: dict) -> str:
    """The address of this answer with its parameters as answered (as_of normalised), never the
    client's spelling: the bytes are shared by every spelling of the same question."""
    shown = {k: (shapes.iso(v) if isinstance(v, datetime) else v) for k, v in sorted(p.items()) if v is not None}
    return f"{shapes.API}/series/{code}/observations?{urlencode(shown)}"


def _rows(gate: Gate, info: SeriesInfo, p: dict):
    """The observations the parameters ask for, through the gate (413 past the row limit)."""
    if p["units"] != "lin":
        try:
            rows = shapes.transformed(gate.observations([info.code], as_of=p["as_of"]), info, p["units"])
        except TransformError as exc:
            raise P.BadParameter("units", str(exc)) from None
        rows = _between(rows, p["start"], p["end"])
    else:
        rows = gate.observations([info.code], start=p["start"], end=p["end"], as_of=p["as_of"],
                                 all_vintages=p["vintages"] == "all")
    rows = shapes.keep_periods(rows, first_n=p["first_n"], last_n=p["last_n"])
    if rows.num_rows > P.MAX_ROWS:
        raise P.TooManyRows(f"{rows.num_rows} rows exceed the limit of {P.MAX_ROWS} per answer; "
                            "narrow start/end or use the bulk files under /api/v1/files/")
    return rows


def _between(rows, start: str | None, end: str | None):
    keep = [(start is None or r >= start) and (end is None or r <= end) for r in rows.column("period").to_pylist()]
    return rows.filter(keep) if keep else rows


@bp.get("/series/<code>/citation")
def series_citation(code: str) -> Response:
    p = P.parse_params(request.args, P.CITATION)
    gate, view = current_gate()
    info = _series(gate, code)
    vintages = dict(gate.vintages(code))
    rid = p["vintage"]
    if rid == "latest":
        rid = next(reversed(vintages), None)
    if rid not in vintages:
        raise not_found()
    release = gate.snapshot.releases[rid]
    pub = _publisher()
    url = f"{pub.base_url}{shapes.FILES}/{rid}/series/{code}.csv"
    text = {"en": shapes.citation(pub, info, release, url, "en"), "zh": shapes.citation(pub, info, release, url, "zh")}
    if p["format"] == "json":
        return json_answer({"series": code, "vintage": rid, "instant": shapes.iso(vintages[rid]), "url": url,
                            "citation": text}, view=view)
    response = Response(f"{text['en']}\n{text['zh']}\n", mimetype="text/plain")
    response.headers["Cache-Control"] = f"public, max-age={bounded_max_age()}"
    return response


@bp.get("/releases")
def release_list() -> Response:
    p = P.parse_params(request.args, P.RELEASE_LIST)
    gate, view = current_gate()
    published = [r for r in reversed(gate.visible_releases()) if r.observation_count]
    page = published[p["offset"]:p["offset"] + p["limit"]]
    return json_answer({"total": len(published), "limit": p["limit"], "offset": p["offset"],
                        "releases": [shapes.release_brief(r, public=True) for r in page],
                        "next": _next_page(p["offset"] + p["limit"]) if p["offset"] + p["limit"] < len(published)
                        else None}, view=view)


def _visible_release(gate: Gate, release_id: str):
    release = gate.calendar_entry(release_id) if P.RELEASE_ID.match(release_id) else None
    if release is None or not gate.can_see(release_id) or not release.observation_count:
        raise not_found()
    return release


@bp.get("/releases/<release_id>")
def release_one(release_id: str) -> Response:
    P.parse_params(request.args, P.NO_PARAMS)
    gate, view = current_gate()
    release = _visible_release(gate, release_id)
    body = shapes.release_brief(release, public=True)
    body["observation_count"] = release.observation_count
    body["revisions"] = gate.revisions(release_id).to_pylist()
    return json_answer(body, view=view)


@bp.get("/releases/<release_id>/observations")
def release_observations(release_id: str) -> Response:
    p = P.parse_params(request.args, P.RELEASE_OBSERVATIONS)
    gate, view = current_gate()
    release = _visible_release(gate, release_id)
    rows = gate.release_observations(release_id)
    if p["format"] == "json":
        return json_answer({"release": shapes.release_brief(release, public=True), "count": rows.num_rows,
                            "observations": _release_records(rows)}, view=view)
    from statpub.dashboards.api.files import release_file

    return release_file(gate, view, release, p["format"], immutable=False)


def _release_records(rows) -> list[dict]:
    codes = rows.column("series_code").to_pylist()
    return [{"series_code": code, **record}
            for code, record in zip(codes, shapes.observation_records(rows, all_vintages=False), strict=True)]


@bp.get("/calendar")
def calendar() -> Response:
    p = P.parse_params(request.args, P.CALENDAR)
    gate, view = current_gate()
    entries = [r for r in gate.calendar()
               if (p["year"] is None or beijing(r.instant).year == p["year"])
               and (p["state"] is None or r.state == p["state"])]
    return json_answer({"now": shapes.iso(gate.now), "next_instant": shapes.iso(gate.next_instant()),
                        "releases": [shapes.calendar_entry(r, public=gate.is_public(r), history=gate.public_history(r))
                                     for r in entries]},
                       view=None)
