"""Downloads of what is on screen: the explorer's view and each release's figures, as CSV (UTF-8
with BOM), XLSX and Parquet through the shared output formats.

A download names its vintage (the newest release behind its figures) in its address and its
file name. Figures as published at a past instant never change, so each file is built once,
cached on disk and served as immutable with its sha256 as a strong ETag. An address without a
vintage redirects to the current one (a short-lived answer, bounded by the next instant)."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from pathlib import Path
from tempfile import NamedTemporaryFile

from flask import Flask, Response, current_app, redirect, request

from statpub.dashboards.api.state import RateLimiter
from statpub.dashboards.components.publisher import agency_of, licence_line, publisher
from statpub.dashboards.filecache import FileCache
from statpub.dashboards.formats import FORMATS, ExportTable
from statpub.dashboards.http import immutable_file, too_many
from statpub.dashboards.i18n import href
from statpub.dashboards.pages.explorer_model import (
    ExplorerView,
    compute_view,
    parse_vintage,
    state_from_inputs,
    view_arrow,
    vintage_code,
)
from statpub.dashboards.services import current_gate, note_served_file, services
from statpub.kernel.errors import NotFound
from statpub.kernel.transforms import LABELS
from statpub.warehouse.reader import SeriesInfo

CACHE_KEY = "statpub.downloads"
SITE_FORMATS = "any(csv, xlsx, parquet, zip)"


def file_cache() -> FileCache:
    cache = current_app.extensions.get(CACHE_KEY)
    if cache is None:
        cache = current_app.extensions[CACHE_KEY] = FileCache(services().settings.warehouse_dir / "cache" / "downloads")
    return cache


def _sources(series: list[SeriesInfo]) -> tuple[str, str]:
    zh = "；".join(dict.fromkeys(s.source_zh for s in series))
    en = "; ".join(dict.fromkeys(s.source_en for s in series))
    return zh, en


def _citation(office_en: str, what: str, vintage: str, url: str) -> str:
    return f"{office_en}. {what}. Vintage {vintage}. {url}"


def view_file_name(view: ExplorerView, fmt: str) -> str:
    codes = [s.info.code for s in view.series]
    shown = "+".join(codes[:4]) + (f"+{len(codes) - 4}more" if len(codes) > 4 else "")
    first = view.state.start or (view.periods[0] if view.periods else "")
    last = view.state.end or (view.periods[-1] if view.periods else "")
    vintage = vintage_code(view.vintage) if view.vintage else "none"
    return f"{shown}_{view.state.transform}_{first}_{last}_v{vintage}.{fmt}"


def view_export(view: ExplorerView, url: str) -> ExportTable:
    infos = [s.info for s in view.series]
    label = LABELS[view.state.transform]
    source_zh, source_en = _sources(infos)
    pub = publisher()
    vintage = vintage_code(view.vintage) if view.vintage else ""
    return ExportTable(
        rows=view_arrow(view), series={s.code: s for s in infos},
        title_zh="、".join(s.name_zh for s in infos) + f"（{label['zh']}）",
        title_en="; ".join(s.name_en for s in infos) + f" ({label['en']})",
        source_zh=source_zh, source_en=source_en,
        citation=_citation(pub.office_en, ", ".join(s.code for s in infos), vintage, pub.base_url + url),
        agency=agency_of(pub), transform=view.state.transform,
        extra_metadata={"transform": view.state.transform, "vintage": vintage,
                        "start": view.state.start or "", "end": view.state.end or ""},
        licence=licence_line(pub))


def view_download(fmt: str) -> Response:
    args = request.args
    state = state_from_inputs(args.get("series"), args.get("transform"), args.get("start"), args.get("end"), None,
                              None, args.get("last_n"))
    if not state.series:
        raise NotFound("no series chosen")
    gate = current_gate()
    query = {k: v for k, v in state.query().items() if k not in ("chart", "topic")}
    if "vintage" not in args:
        view = compute_view(gate, state)
        if view.vintage is None or view.empty:
            raise NotFound("no published figures for this choice")
        return redirect(href(f"/download/view.{fmt}", "zh", **query, vintage=vintage_code(view.vintage)))
    asked = parse_vintage(args.get("vintage"))
    if asked > gate.now:
        # A vintage that has not been published does not exist, whatever the warehouse holds.
        raise NotFound("no such vintage")
    answered = gate.vintage_at(asked)
    if answered is None:
        raise NotFound("no published figures for this choice")
    # Named by the second (the address's precision), rounded up so that it still includes the
    # publication it names; the file shows the state at that second.
    as_of = answered if not answered.microsecond else answered.replace(microsecond=0) + timedelta(seconds=1)
    url = href(f"/download/view.{fmt}", "zh", **query, vintage=vintage_code(as_of))
    if vintage_code(as_of) != args.get("vintage"):
        # Any instant names the last publication before it: one file per published state, not one
        # per instant a client can spell (the cache would grow without bound).
        return redirect(url, code=302)
    key = FileCache.key("view", ",".join(state.series), state.transform, state.start, state.end, fmt,
                        vintage_code(as_of), *([f"last_n={state.last_n}"] if state.last_n else []))
    holder: dict[str, ExplorerView] = {}

    def build(path):
        view = holder["view"] = compute_view(gate, state, as_of=as_of)
        if view.empty:
            raise NotFound("no published figures for this choice")
        FORMATS[fmt].write(view_export(view, url), path)

    cached = file_cache().get_or_build(key, FORMATS[fmt].suffix, build)
    # The name depends on the periods shown, known once built: kept beside the file, so a cached
    # answer reads two small files and computes nothing.
    name_file = cached.path.with_name(cached.path.name + ".name")
    if "view" in holder or not name_file.is_file():
        view = holder.get("view") or compute_view(gate, state, as_of=as_of)
        tmp = name_file.with_name(f".{name_file.name}.{os.getpid()}.tmp")
        tmp.write_text(view_file_name(view, fmt), encoding="utf-8")
        os.replace(tmp, name_file)
    return immutable_file(cached.path, cached.sha256, mimetype=FORMATS[fmt].mimetype,
                          download_name=name_file.read_text(encoding="utf-8"))


def release_download(release_id: str, fmt: str) -> Response:
    gate = current_gate()
    release = gate.calendar_entry(release_id)
    if release is None or not gate.can_see(release_id):
        raise NotFound("no published release with this id")
    vintage = vintage_code(gate.public_since(release) or release.instant)

    def build(path):
        rows = gate.release_observations(release_id)
        carried = set(rows.column("series_code").to_pylist())
        infos = {s.code: s for s in gate.series() if s.code in carried}
        source_zh, source_en = _sources(list(infos.values()))
        pub = publisher()
        FORMATS[fmt].write(ExportTable(rows=rows, series=infos, title_zh=release.title_zh, title_en=release.title_en,
                                       source_zh=source_zh, source_en=source_en,
                                       citation=_citation(pub.office_en, release.title_en, vintage,
                                                          pub.base_url + f"/release/{release_id}"),
                                       extra_metadata={"release_id": release_id, "vintage": vintage},
                                       licence=licence_line(pub), agency=agency_of(pub)), path)

    if not gate.is_public(release):
        # Seen inside a pre-release window: never cached anywhere, never written to the shared cache,
        # and logged (with the file's sha256) before a byte is handed out.
        with NamedTemporaryFile(suffix=FORMATS[fmt].suffix) as tmp:
            build(Path(tmp.name))
            data = Path(tmp.name).read_bytes()
        name = f"EMBARGOED_{release_id}_v{vintage}.{fmt}"
        note_served_file(name, hashlib.sha256(data).hexdigest())  # logged after the answer is built
        response = Response(data, mimetype=FORMATS[fmt].mimetype)
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Content-Disposition"] = f"attachment; filename={name}"
        return response
    key = FileCache.key("release", release_id, fmt, vintage)
    cached = file_cache().get_or_build(key, FORMATS[fmt].suffix, build)
    return immutable_file(cached.path, cached.sha256, mimetype=FORMATS[fmt].mimetype,
                          download_name=f"{release_id}_v{vintage}.{fmt}")


ENV_RATE = "STATPUB_DOWNLOAD_RATE"
DEFAULT_RATE = "120/60"  # files per client address and server process: a person, not a crawler
LIMITED = ("/download/", "/packs/")


def _limit_downloads():
    """Each download may build a file: per client address, at most so many per window (429)."""
    limiter = current_app.extensions.get(ENV_RATE)
    if limiter is None or not request.path.startswith(LIMITED):
        return None
    return too_many(limiter, "Too many downloads from this address")


def register(server: Flask) -> None:
    # Read from the server's environment at start, like the clock; never from a request.
    server.extensions[ENV_RATE] = RateLimiter.from_setting(os.environ.get(ENV_RATE), ENV_RATE, DEFAULT_RATE)
    server.before_request(_limit_downloads)
    server.add_url_rule(f"/download/view.<{SITE_FORMATS}:fmt>", "download_view", view_download)
    server.add_url_rule(f"/download/release/<release_id>.<{SITE_FORMATS}:fmt>", "download_release",
                        release_download)
