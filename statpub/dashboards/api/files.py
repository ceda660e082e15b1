"""Files for researchers, under `/api/v1/files/<vintage>/...`, where `<vintage>` is either the id
of a published release (pinned: what statpub had shown once that release was out; immutable,
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
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response, current_app, redirect

from statpub.dashboards.api import shapes
from statpub.dashboards.api.datapackage import build_datapackage
from statpub.dashboards.api.respond import (
    current_gate,
    file_answer,
    fingerprint,
    not_found,
    parts,
)
from statpub.dashboards.api.state import PublicView, releases_identity
from statpub.dashboards.components.publisher import agency_of
from statpub.dashboards.formats import FORMATS, PINNED_FORMAT_VERSIONS, write_csv_stream
from statpub.dashboards.sdmx import data as sdmx_data
from statpub.dashboards.sdmx import model as sdmx_model
from statpub.kernel.clock import format_beijing
from statpub.warehouse import publication
from statpub.warehouse.gate import Gate
from statpub.warehouse.objectstore import FOLLOWER_KEY
from statpub.warehouse.reader import ReleaseInfo

files_bp = Blueprint("api_v1_files", __name__, url_prefix="/api/v1/files")

VINTAGE = re.compile(r"^(latest|[a-z0-9][a-z0-9-]{1,63})$")
ITEM = re.compile(r"^(?P<id>[A-Za-z0-9][A-Za-z0-9_-]{1,63})\.(?P<ext>parquet|csv|jsonstat\.json|sdmx\.csv|sdmx\.xml|zip)$")
EXT_FORMAT = {"parquet": "parquet", "csv": "csv", "jsonstat.json": "jsonstat", "sdmx.csv": "sdmx-csv",
              "sdmx.xml": "sdmx-ml", "zip": "zip"}
VALUES_EXT = {"parquet": "parquet", "csv": "csv", "sdmx.csv": "sdmx-csv", "sdmx.xml": "sdmx-ml"}


@dataclass(frozen=True)
class Vintage:
    """A state of publication: everything statpub had made public once `release` was out
    (`Gate.shown_by`), so a pinned vintage never changes, not even when older history is imported."""

    name: str  # "latest" or the release id
    release: ReleaseInfo
    releases: tuple[ReleaseInfo, ...]  # in the order of publication
    key: str

    @property
    def pinned(self) -> bool:
        return self.name != "latest"

    @property
    def as_of(self) -> datetime:
        """When the release became public (publication.public_since): its figures' vintage."""
        return publication.public_since(self.release) or self.release.instant

    def url(self, rest: str) -> str:
        return f"{shapes.FILES}/{self.release.id}/{rest}"


def resolve_vintage(gate: Gate, view: PublicView, name: str) -> Vintage:
    if not VINTAGE.match(name):
        raise not_found()
    rid = view.latest_release if name == "latest" else name
    release = gate.calendar_entry(rid) if rid else None
    if release is None or not gate.can_see(rid) or not release.observation_count:
        raise not_found()
    releases = gate.shown_by(release)
    return Vintage(name, release, releases, releases_identity(releases, parts().state.catalogue(gate)))


def _publisher() -> shapes.Publisher:
    return shapes.publisher()


def _metadata(vintage: Vintage, what: str, pub: shapes.Publisher) -> dict[str, str]:
    return {
        "title": json.dumps({"zh": f"{pub.office_zh}：{what}", "en": f"{pub.office_en}: {what}"}, ensure_ascii=False),
        "vintage": vintage.release.id, "vintage_instant": shapes.iso(vintage.as_of) or "",
        "licence": pub.licence_en, "licence_url": pub.licence.url or "", "source": pub.office_en,
        "publisher": json.dumps({"zh": pub.office_zh, "en": pub.office_en}, ensure_ascii=False),
        "citation": f"{pub.office_en}. {what}. Vintage {vintage.release.id}, released "
                    f"{format_beijing(vintage.as_of, 'en')}. {pub.base_url}{vintage.url('')}",
    }


def _serve(vintage: Vintage, key: str, suffix: str, build, mimetype: str, rest: str) -> Response:
    """`rest`: the file's path under the vintage (its pinned twin has the same bytes). A pinned
    file already on the object store / CDN (STATPUB_FILES_BASE_URL) is a redirect there."""
    follower = current_app.extensions.get(FOLLOWER_KEY)
    target = follower.file_url(vintage.release.id, rest) if follower is not None and vintage.pinned else None
    if target and current_gate()[0].is_public(vintage.release):  # listed complete and public now
        response = redirect(target, code=302)
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response
    return file_answer(key, suffix, build, mimetype=mimetype, download_name=rest.rsplit("/", 1)[-1],
                       immutable=vintage.pinned, canonical=None if vintage.pinned else vintage.url(rest))


@files_bp.get("/<vintage_name>/history.parquet")
def history(vintage_name: str) -> Response:
    gate, view = current_gate()
    vintage = resolve_vintage(gate, view, vintage_name)
    pub = _publisher()
    key = fingerprint("history", vintage.key, pub, PINNED_FORMAT_VERSIONS["history-parquet"])

    def build(path: Path) -> None:
        gate.copy_history(path, within=vintage.releases,
                          metadata=_metadata(vintage, "every vintage of every series", pub))
    return _serve(vintage, key, ".parquet", build, FORMATS["parquet"].mimetype, "history.parquet")


@files_bp.get("/<vintage_name>/values.<ext>")
def values(vintage_name: str, ext: str) -> Response:
    if ext not in VALUES_EXT:
        raise not_found()
    gate, view = current_gate()
    vintage = resolve_vintage(gate, view, vintage_name)
    pub = _publisher()
    fmt = FORMATS[VALUES_EXT[ext]]
    key = fingerprint("values", ext, vintage.key, pub, PINNED_FORMAT_VERSIONS[f"values-{ext}"])

    def build(path: Path) -> None:
        if ext == "parquet":
            gate.copy_history(path, within=vintage.releases, latest_only=True,
                              metadata=_metadata(vintage, "values of every series", pub))
        elif ext == "csv":
            write_csv_stream(gate.history(within=vintage.releases, latest_only=True), path)
        else:
            writer = sdmx_data.write_sdmx_csv if ext == "sdmx.csv" else sdmx_data.write_sdmx_ml
            writer(gate.history(within=vintage.releases, latest_only=True), path, _lookup(gate, vintage),
                   _sdmx_message(vintage, pub, "values"))
    return _serve(vintage, key, fmt.suffix, build, fmt.mimetype, f"values.{ext}")


@files_bp.get("/<vintage_name>/history.sdmx.csv")
def history_sdmx(vintage_name: str) -> Response:
    """Every vintage of every series as SDMX-CSV against the HISTORY dataflow (the release is a
    dimension there, so the vintages of one period are distinct observations)."""
    gate, view = current_gate()
    vintage = resolve_vintage(gate, view, vintage_name)
    pub = _publisher()
    key = fingerprint("history-sdmx-csv", vintage.key, pub, PINNED_FORMAT_VERSIONS["history-sdmx-csv"])

    def build(path: Path) -> None:
        message = replace(_sdmx_message(vintage, pub, "history"), dataflow=sdmx_model.HISTORY_DATAFLOW_ID)
        sdmx_data.write_sdmx_csv(gate.history(within=vintage.releases), path, _lookup(gate, vintage), message)
    return _serve(vintage, key, ".sdmx.csv", build, FORMATS["sdmx-csv"].mimetype, "history.sdmx.csv")


def _lookup(gate: Gate, vintage: Vintage) -> sdmx_data.SeriesLookup:
    codes = {c for r in vintage.releases if r.observation_count for c in r.series}
    return sdmx_data.SeriesLookup.of(s for s in gate.snapshot.series.values() if s.code in codes)


def _sdmx_message(vintage: Vintage, pub: shapes.Publisher, what: str) -> sdmx_data.Message:
    return sdmx_data.Message(agency_of(pub), "lin", vintage.as_of, f"statpub-{what}-{vintage.release.id}")


@files_bp.get("/<vintage_name>/series/<name>")
def series_file(vintage_name: str, name: str) -> Response:
    match = ITEM.match(name)
    if not match:
        raise not_found()
    gate, view = current_gate()
    vintage = resolve_vintage(gate, view, vintage_name)
    code, fmt = match["id"], FORMATS[EXT_FORMAT[match["ext"]]]
    info = gate.series_info(code)
    rows = gate.observations([code], within=vintage.releases) if info else None
    if info is None or not rows.num_rows:
        raise not_found()
    pub = _publisher()
    url = f"{pub.base_url}{vintage.url(f'series/{name}')}"
    release = vintage.release

    def build(path: Path) -> None:
        table = shapes.export_table(
            rows, {code: info}, pub, title_zh=f"{info.name_zh}（{release.id}版）",
            title_en=f"{info.name_en} (vintage {release.id})",
            citation_text=shapes.citation(pub, info, release, url),
            metadata={"vintage": release.id, "vintage_instant": shapes.iso(vintage.as_of) or ""})
        fmt.write(table, path)
    key = fingerprint("series", code, fmt.name, vintage.key, pub, PINNED_FORMAT_VERSIONS[fmt.name])
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
    since = publication.public_since(release) or release.instant

    def build(path: Path) -> None:
        table = shapes.export_table(
            rows, series, pub, title_zh=release.title_zh, title_en=release.title_en,
            citation_text=f"{pub.office_en}. {release.title_en}. Released {format_beijing(since, 'en')}. "
                          f"{pub.base_url}{shapes.FILES}/{release.id}/releases/{name}",
            metadata={"release_id": release.id, "vintage_instant": shapes.iso(since) or ""})
        fmt.write(table, path)
    key = fingerprint("release", release.id, release.observation_count, fmt.name, parts().state.catalogue(gate), pub,
                      PINNED_FORMAT_VERSIONS.get(fmt.name, 1))
    return file_answer(key, fmt.suffix, build, mimetype=fmt.mimetype, download_name=name, immutable=immutable,
                       canonical=canonical)


@files_bp.get("/<vintage_name>/datapackage.json")
def datapackage(vintage_name: str) -> Response:
    gate, view = current_gate()
    vintage = resolve_vintage(gate, view, vintage_name)
    pub = _publisher()
    key = fingerprint("datapackage", vintage.key, pub, PINNED_FORMAT_VERSIONS["datapackage"])

    def build(path: Path) -> None:
        body = build_datapackage(gate, vintage.release, vintage.releases, pub)
        path.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    return _serve(vintage, key, ".json", build, "application/json", "datapackage.json")


def pinned_files(release: ReleaseInfo) -> list[tuple[str, str]]:
    """(address, format) of every pinned file of the vintage a release opened: the data package,
    the history, the values, the release's own figures, and each series it carries — what a
    manifest records at publication. Other releases' partitions are pinned by their own vintages."""
    base = f"{shapes.FILES}/{release.id}"
    out = [(f"{base}/datapackage.json", "datapackage"), (f"{base}/history.parquet", "history-parquet"),
           (f"{base}/values.parquet", "values-parquet"), (f"{base}/values.csv", "values-csv")]
    for ext, kind in EXT_FORMAT.items():
        out.append((f"{base}/releases/{release.id}.{ext}", kind))
    for code in release.series:
        out += [(f"{base}/series/{code}.{ext}", kind) for ext, kind in EXT_FORMAT.items()]
    return out
