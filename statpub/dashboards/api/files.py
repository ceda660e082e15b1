"""Files for researchers, under `/api/v1/files/<vintage>/...`, where `<vintage>` is either the id
of a published release (pinned: the state of publication right after that release; immutable,
cached for a year) or `latest` (follows new releases; short max-age bounded by the next release
instant, `Link: rel=canonical` to the pinned URL holding the same bytes).

    <vintage>/datapackage.json            Frictionless Data Package describing the files below
    <vintage>/history.parquet             every vintage of every series (the full ALFRED history)
    <vintage>/values.parquet | .csv       the value of every series and period at that vintage
    <vintage>/series/<CODE>.parquet|.csv|.jsonstat.json   one series at that vintage
    <vintage>/releases/<id>.parquet|.csv|.jsonstat.json   every figure one release carried
                                                          (= the history partitioned by release)

Each file is generated once per vintage (dashboards.filecache) from the gate and served with a
strong ETag and Range requests, so remote Parquet readers fetch only the row groups they need."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response

from statpub.dashboards.api import shapes
from statpub.dashboards.api.datapackage import build_datapackage
from statpub.dashboards.api.params import BadParameter
from statpub.dashboards.api.respond import (
    bad_parameter,
    current_gate,
    file_answer,
    fingerprint,
    not_found,
    parts,
)
from statpub.dashboards.api.state import PublicView, releases_identity
from statpub.dashboards.formats import FORMATS, write_csv_stream
from statpub.kernel.clock import format_beijing
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import ReleaseInfo

files_bp = Blueprint("api_v1_files", __name__, url_prefix="/api/v1/files")
files_bp.register_error_handler(BadParameter, bad_parameter)

VINTAGE = re.compile(r"^(latest|[a-z0-9][a-z0-9-]{1,63})$")
ITEM = re.compile(r"^(?P<id>[A-Za-z0-9][A-Za-z0-9_-]{1,63})\.(?P<ext>parquet|csv|jsonstat\.json)$")
EXT_FORMAT = {"parquet": "parquet", "csv": "csv", "jsonstat.json": "jsonstat"}


@dataclass(frozen=True)
class Vintage:
    """A state of publication: everything public right after `release`."""

    name: str  # "latest" or the release id
    release: ReleaseInfo
    releases: tuple[ReleaseInfo, ...]
    key: str

    @property
    def pinned(self) -> bool:
        return self.name != "latest"

    @property
    def as_of(self) -> datetime:
        return self.release.instant

    def url(self, rest: str) -> str:
        return f"{shapes.FILES}/{self.release.id}/{rest}"


def resolve_vintage(gate: Gate, view: PublicView, name: str) -> Vintage:
    if not VINTAGE.match(name):
        raise not_found()
    rid = view.latest_release if name == "latest" else name
    release = gate.calendar_entry(rid) if rid else None
    if release is None or not gate.can_see(rid) or not release.observation_count:
        raise not_found()
    releases = gate.published_releases(release.instant)
    return Vintage(name, release, releases, releases_identity(releases, parts().state.catalogue(gate)))


def _publisher() -> shapes.Publisher:
    return shapes.publisher()


def _metadata(vintage: Vintage, what: str, pub: shapes.Publisher) -> dict[str, str]:
    return {
        "title": json.dumps({"zh": f"{pub.office_zh}：{what}", "en": f"{pub.office_en}: {what}"}, ensure_ascii=False),
        "vintage": vintage.release.id, "vintage_instant": shapes.iso(vintage.as_of) or "",
        "licence": pub.licence_en, "source": pub.office_en,
        "citation": f"{pub.office_en}. {what}. Vintage {vintage.release.id}, released "
                    f"{format_beijing(vintage.as_of, 'en')}. {pub.base_url}{vintage.url('')}",
    }


def _serve(vintage: Vintage, key: str, suffix: str, build, mimetype: str, rest: str) -> Response:
    """`rest`: the file's path under the vintage (its pinned twin has the same bytes)."""
    return file_answer(key, suffix, build, mimetype=mimetype, download_name=rest.rsplit("/", 1)[-1],
                       immutable=vintage.pinned, canonical=None if vintage.pinned else vintage.url(rest))


@files_bp.get("/<vintage_name>/history.parquet")
def history(vintage_name: str) -> Response:
    gate, view = current_gate()
    vintage = resolve_vintage(gate, view, vintage_name)
    pub = _publisher()
    key = fingerprint("history", vintage.key, pub)

    def build(path: Path) -> None:
        gate.copy_history(path, as_of=vintage.as_of, metadata=_metadata(vintage, "every vintage of every series", pub))
    return _serve(vintage, key, ".parquet", build, FORMATS["parquet"].mimetype, "history.parquet")


@files_bp.get("/<vintage_name>/values.<ext>")
def values(vintage_name: str, ext: str) -> Response:
    if ext not in ("parquet", "csv"):
        raise not_found()
    gate, view = current_gate()
    vintage = resolve_vintage(gate, view, vintage_name)
    pub = _publisher()
    key = fingerprint("values", ext, vintage.key, pub)

    def build(path: Path) -> None:
        if ext == "parquet":
            gate.copy_history(path, as_of=vintage.as_of, latest_only=True,
                              metadata=_metadata(vintage, "values of every series", pub))
        else:
            write_csv_stream(gate.history(as_of=vintage.as_of, latest_only=True), path)
    return _serve(vintage, key, f".{ext}", build, FORMATS[ext].mimetype, f"values.{ext}")


@files_bp.get("/<vintage_name>/series/<name>")
def series_file(vintage_name: str, name: str) -> Response:
    match = ITEM.match(name)
    if not match:
        raise not_found()
    gate, view = current_gate()
    vintage = resolve_vintage(gate, view, vintage_name)
    code, fmt = match["id"], FORMATS[EXT_FORMAT[match["ext"]]]
    info = gate.series_info(code)
    rows = gate.observations([code], as_of=vintage.as_of) if info else None
    if info is None or not rows.num_rows:
        raise not_found()
    pub = _publisher()
    url = f"{pub.base_url}{vintage.url(name)}"
    release = vintage.release

    def build(path: Path) -> None:
        table = shapes.export_table(
            rows, {code: info}, pub, title_zh=f"{info.name_zh}（{release.id}版）",
            title_en=f"{info.name_en} (vintage {release.id})",
            citation_text=shapes.citation(pub, info, release, url),
            metadata={"vintage": release.id, "vintage_instant": shapes.iso(release.instant) or ""})
        fmt.write(table, path)
    key = fingerprint("series", code, fmt.name, vintage.key, pub)
    return _serve(vintage, key, fmt.suffix, build, fmt.mimetype, f"series/{name}")


@files_bp.get("/<vintage_name>/releases/<name>")
def release_file_route(vintage_name: str, name: str) -> Response:
    match = ITEM.match(name)
    if not match:
        raise not_found()
    gate, view = current_gate()
    vintage = resolve_vintage(gate, view, vintage_name)
    release = next((r for r in vintage.releases if r.id == match["id"] and r.observation_count), None)
    if release is None:
        raise not_found()
    return release_file(gate, view, release, EXT_FORMAT[match["ext"]], immutable=vintage.pinned,
                        canonical=None if vintage.pinned else vintage.url(f"releases/{name}"))


def release_file(gate: Gate, view: PublicView, release: ReleaseInfo, format_name: str, *, immutable: bool,
                 canonical: str | None = None) -> Response:
    """Every figure a release carried. A published release never changes, so the same bytes
    serve under every vintage (and the API's `format=` answers)."""
    fmt = FORMATS[format_name]
    pub = _publisher()
    rows = gate.release_observations(release.id)
    approved = gate.metadata().series
    series = {c: approved[c] for c in dict.fromkeys(rows.column("series_code").to_pylist()) if c in approved}
    name = f"{release.id}{fmt.suffix}"

    def build(path: Path) -> None:
        table = shapes.export_table(
            rows, series, pub, title_zh=release.title_zh, title_en=release.title_en,
            citation_text=f"{pub.office_en}. {release.title_en}. Released {format_beijing(release.instant, 'en')}. "
                          f"{pub.base_url}{shapes.FILES}/{release.id}/releases/{name}",
            metadata={"release_id": release.id, "vintage_instant": shapes.iso(release.instant) or ""})
        fmt.write(table, path)
    key = fingerprint("release", release.id, release.observation_count, fmt.name, parts().state.catalogue(gate), pub)
    return file_answer(key, fmt.suffix, build, mimetype=fmt.mimetype, download_name=name, immutable=immutable,
                       canonical=canonical)


@files_bp.get("/<vintage_name>/datapackage.json")
def datapackage(vintage_name: str) -> Response:
    gate, view = current_gate()
    vintage = resolve_vintage(gate, view, vintage_name)
    pub = _publisher()
    key = fingerprint("datapackage", vintage.key, pub)

    def build(path: Path) -> None:
        body = build_datapackage(gate, vintage.release, vintage.releases, pub)
        path.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    return _serve(vintage, key, ".json", build, "application/json", "datapackage.json")
