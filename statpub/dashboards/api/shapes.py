"""The JSON shapes of the API and what every file carries (publisher, licence, citation).

Plain functions of what the gate returned, so unit tests exercise them without a server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

import pyarrow as pa

from statpub.dashboards.components.publisher import (  # noqa: F401 - one source
    Publisher,
    agency_of,
    licence_line,
    publisher,
)
from statpub.dashboards.formats import ExportTable
from statpub.kernel.clock import format_beijing
from statpub.kernel.transforms import LABELS, Point, allowed, apply
from statpub.warehouse.publication import public_since
from statpub.warehouse.reader import ReleaseInfo, SeriesInfo

API = "/api/v1"
FILES = f"{API}/files"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def iso(instant: datetime | None) -> str | None:
    return instant.isoformat().replace("+00:00", "Z") if instant is not None else None


def bilingual(zh: str | None, en: str | None) -> dict[str, str | None]:
    return {"zh": zh, "en": en}


def series_brief(s: SeriesInfo) -> dict:
    return {
        "code": s.code, "topic": s.topic, "name": bilingual(s.name_zh, s.name_en),
        "unit": bilingual(s.unit_zh, s.unit_en), "frequency": s.frequency, "measure": s.measure,
        "cumulative": s.cumulative, "decimals": s.decimals, "prices": s.prices,
        "links": {"self": f"{API}/series/{s.code}", "observations": f"{API}/series/{s.code}/observations"},
    }


def series_full(s: SeriesInfo, vintages: list[tuple[str, datetime, datetime]]) -> dict:
    """`vintages`: (release id, calendar instant, public since) in the order of publication."""
    body = series_brief(s)
    body.update({
        "definition": bilingual(s.definition_zh, s.definition_en),
        "source": bilingual(s.source_zh, s.source_en),
        "transforms": list(allowed(s.measure, s.cumulative)),
        "vintages": [{"release_id": rid, "instant": iso(instant), "public_since": iso(at)}
                     for rid, instant, at in vintages],
    })
    body["links"].update({
        "vintages": f"{API}/series/{s.code}/vintages",
        "citation": f"{API}/series/{s.code}/citation",
        "parquet_latest": f"{FILES}/latest/series/{s.code}.parquet",
        "csv_latest": f"{FILES}/latest/series/{s.code}.csv",
    })
    return body


def release_brief(r: ReleaseInfo, *, public: bool) -> dict:
    body = {
        "id": r.id, "title": bilingual(r.title_zh, r.title_en), "kind": r.kind, "instant": iso(r.instant),
        "state": r.state, "public": public, "public_since": iso(public_since(r)) if public else None,
        "series": list(r.series),
        "revision": ({"stage": r.revision_stage, "reason": bilingual(r.revision_reason_zh, r.revision_reason_en)}
                     if r.revision_stage else None),
    }
    if public:
        body["links"] = {"self": f"{API}/releases/{r.id}", "observations": f"{API}/releases/{r.id}/observations",
                         "parquet": f"{FILES}/{r.id}/releases/{r.id}.parquet",
                         "csv": f"{FILES}/{r.id}/releases/{r.id}.csv",
                         "datapackage": f"{FILES}/{r.id}/datapackage.json"}
    return body


def calendar_entry(r: ReleaseInfo, *, public: bool, history: tuple | None = None) -> dict:
    """Calendar metadata only: public from announcement. No figure, no count of figures. `history`:
    the items told by now (the gate's `public_history`)."""
    body = release_brief(r, public=public)
    body["history"] = [{"date": h.date.isoformat(), "change": h.change, "reason": bilingual(h.reason_zh, h.reason_en),
                        "previous_instant": iso(h.previous_instant)} for h in (r.history if history is None else history)]
    return body


# -- observations --------------------------------------------------------------------------------
def transformed(rows: pa.Table, info: SeriesInfo, units: str) -> pa.Table:
    """The series' latest values with a transform applied (statpub.transforms); each derived
    value keeps the release and instant of its own period's figure."""
    if units == "lin":
        return rows
    records = rows.to_pylist()
    by_period = {r["period"]: r for r in records}
    points = [Point(r["period"], r["value"], r["status"] or "") for r in records]
    out = apply(points, units, measure=info.measure, cumulative=info.cumulative)
    return pa.table({
        "series_code": pa.array([info.code] * len(out), pa.string()),
        "period": pa.array([p.period for p in out], pa.string()),
        "value": pa.array([p.value for p in out], pa.float64()),
        "status": pa.array([p.status for p in out], pa.string()),
        "note": pa.array([by_period[p.period]["note"] for p in out], pa.string()),
        "release_id": pa.array([by_period[p.period]["release_id"] for p in out], pa.string()),
        "vintage": pa.array([by_period[p.period]["vintage"] for p in out], pa.timestamp("us", tz="UTC")),
    })


def observation_records(rows: pa.Table, *, all_vintages: bool) -> list[dict]:
    """Compact rows; with every vintage, each also says until when it was the published value
    (`valid_to`, the next vintage's instant; null while it still is), as ALFRED's real-time period.
    Built column by column, each vintage's instant formatted once (the uncached API's hot path)."""
    periods = rows.column("period").to_pylist()
    releases = rows.column("release_id").to_pylist()
    vintages = _vintage_texts(rows, releases)
    out = [{"period": period, "value": value, "status": status or "", "note": note, "release_id": release,
            "vintage": vintages[release]}
           for period, value, status, note, release in zip(
               periods, rows.column("value").to_pylist(), rows.column("status").to_pylist(),
               rows.column("note").to_pylist(), releases, strict=True)]
    if all_vintages:
        codes = rows.column("series_code").to_pylist()
        for i, item in enumerate(out):
            same = i + 1 < len(out) and periods[i + 1] == periods[i] and codes[i + 1] == codes[i]
            item["valid_to"] = vintages[releases[i + 1]] if same else None
    return out


def _vintage_texts(rows: pa.Table, releases: list[str]) -> dict[str, str | None]:
    """Release id → its vintage as text (one instant per release), from the instants as integers
    (far cheaper to hand to Python than datetimes)."""
    micros = rows.column("vintage").cast(pa.int64()).to_pylist()
    return {release: _iso_of_micros(at) for release, at in zip(releases, micros, strict=True)}


@lru_cache(maxsize=8192)
def _iso_of_micros(micros: int | None) -> str | None:
    """Vintages are release instants: a few hundred distinct ones, each formatted once."""
    return None if micros is None else iso(EPOCH + timedelta(microseconds=micros))


def units_info(units: str) -> dict:
    return {"code": units, "label": LABELS[units], "derived": units != "lin"}


# -- citation and export tables ------------------------------------------------------------------
def citation(pub: Publisher, info: SeriesInfo, vintage: ReleaseInfo | None, url: str, lang: str = "en") -> str:
    """Office, title, vintage instant, URL: what a researcher pastes into a reference list."""
    since = (public_since(vintage) or vintage.instant) if vintage else None
    if lang == "zh":
        when = f"版本：{vintage.id}，{format_beijing(since, 'zh')}发布" if vintage else "最新版本"
        return f"{pub.office_zh}。{info.name_zh}（{info.code}，{info.unit_zh}）。{when}。{url}"
    when = f"Vintage {vintage.id}, released {format_beijing(since, 'en')}" if vintage else "Latest vintage"
    return f"{pub.office_en}. {info.name_en} ({info.code}, {info.unit_en}). {when}. {url}"


def export_table(rows: pa.Table, series: dict[str, SeriesInfo], pub: Publisher, *, title_zh: str, title_en: str,
                 citation_text: str, metadata: dict[str, str] | None = None, transform: str = "lin") -> ExportTable:
    return ExportTable(rows=rows, series=series, title_zh=title_zh, title_en=title_en, source_zh=pub.office_zh,
                       source_en=pub.office_en, citation=citation_text, licence=licence_line(pub),
                       extra_metadata={"licence": pub.licence_en, "licence_url": pub.licence.url or "",
                                       **(metadata or {})}, transform=transform, agency=agency_of(pub))


def keep_periods(rows: pa.Table, *, first_n: int | None = None, last_n: int | None = None) -> pa.Table:
    """Only the first or last N periods of each series (every vintage of a period kept), so
    `last_n=8` always shows the latest eight periods whatever was published since."""
    if (first_n is None and last_n is None) or not rows.num_rows:
        return rows
    codes = rows.column("series_code").to_pylist()
    periods = rows.column("period").to_pylist()
    by_series: dict[str, list[str]] = {}
    for code, period in zip(codes, periods, strict=True):
        seen = by_series.setdefault(code, [])
        if not seen or seen[-1] != period:
            seen.append(period)
    chosen = {code: set(ps[:first_n] if first_n is not None else ps[-last_n:]) for code, ps in by_series.items()}
    keep = [period in chosen[code] for code, period in zip(codes, periods, strict=True)]
    return rows.filter(pa.array(keep, pa.bool_()))
