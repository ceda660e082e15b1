"""The Frictionless Data Package (datapackage.json) of one vintage: every published file with its
schema, units (through the `series` resource, linked by foreign keys), licence and sources.

Paths are relative to the descriptor (`/api/v1/files/<vintage>/datapackage.json`), so a package
downloaded whole, or read over HTTP, resolves the same way."""

from __future__ import annotations

from statpub.dashboards.api import shapes
from statpub.dashboards.formats import COLUMNS
from statpub.warehouse.gate import Gate
from statpub.warehouse.publication import public_since
from statpub.warehouse.reader import ReleaseInfo

COMPACT_FIELDS = [
    {"name": "series_code", "type": "string", "description": "Series code (see the `series` resource for names and units)"},
    {"name": "period", "type": "string", "description": "Reference period: 2024, 2024-Q3 or 2024-07"},
    {"name": "value", "type": "number", "description": "The figure, in the series' unit; empty when suppressed (flag c)"},
    {"name": "status", "type": "string", "description": "Flags: p provisional, r revised, e estimated, b break, c confidential"},
    {"name": "note", "type": "string", "description": "Note published with the figure"},
    {"name": "release_id", "type": "string", "description": "The release that published this vintage of the figure"},
    {"name": "vintage", "type": "datetime", "description": "The instant that release went public (UTC)"},
]

_EXPORT_TYPES = {"value": "number", "vintage": "datetime"}
EXPORT_FIELDS = [{"name": name, "type": _EXPORT_TYPES.get(name, "string")} for name in COLUMNS]

SERIES_FIELDS = [
    {"name": "code", "type": "string", "constraints": {"required": True, "unique": True}},
    {"name": "topic", "type": "string"},
    {"name": "name_zh", "type": "string"}, {"name": "name_en", "type": "string"},
    {"name": "unit_zh", "type": "string", "description": "Unit (Chinese)"},
    {"name": "unit_en", "type": "string", "description": "Unit (English)"},
    {"name": "frequency", "type": "string", "constraints": {"enum": ["A", "Q", "M"]}},
    {"name": "measure", "type": "string"}, {"name": "cumulative", "type": "boolean"},
    {"name": "decimals", "type": "integer"}, {"name": "prices", "type": "string"},
    {"name": "source_zh", "type": "string"}, {"name": "source_en", "type": "string"},
]


def _fk() -> list[dict]:
    return [{"fields": "series_code", "reference": {"resource": "series", "fields": "code"}}]


def licences(pub: shapes.Publisher) -> list[dict]:
    """The content's licence (office.yaml), never one assumed by the code: SPDX id, address, title."""
    licence = pub.licence
    found = {"name": licence.spdx, "path": licence.url, "title": licence.name.en}
    return [{k: v for k, v in found.items() if v}]


def contributors(pub: shapes.Publisher) -> list[dict]:
    publisher = {"title": pub.office_en, "role": "publisher", "path": pub.base_url,
                 "organization": pub.office_zh}
    if pub.contact and pub.contact.email:
        publisher["email"] = pub.contact.email
    return [publisher]


def build_datapackage(gate: Gate, vintage: ReleaseInfo, releases: tuple[ReleaseInfo, ...],
                      pub: shapes.Publisher) -> dict:
    # The series published by this vintage (not now), so a pinned package never changes.
    codes = {c for r in releases if r.observation_count for c in r.series}
    series = [s for s in gate.metadata().series.values() if s.code in codes]
    catalogue = [{"code": s.code, "topic": s.topic, "name_zh": s.name_zh, "name_en": s.name_en,
                  "unit_zh": s.unit_zh, "unit_en": s.unit_en, "frequency": s.frequency, "measure": s.measure,
                  "cumulative": s.cumulative, "decimals": s.decimals, "prices": s.prices or "",
                  "source_zh": s.source_zh, "source_en": s.source_en} for s in series]
    sources = [{"title": pub.office_en, "path": pub.base_url}]
    resources: list[dict] = [
        {"name": "series", "title": "Series catalogue: names and units in Chinese and English",
         "data": catalogue, "schema": {"fields": SERIES_FIELDS, "primaryKey": ["code"]}},
        {"name": "history", "path": "history.parquet", "format": "parquet", "mediatype": "application/vnd.apache.parquet",
         "title": "Every vintage of every series (sorted by series, period, vintage)",
         "schema": {"fields": COMPACT_FIELDS, "foreignKeys": _fk()}},
        {"name": "values", "path": "values.csv", "format": "csv", "encoding": "utf-8-sig", "mediatype": "text/csv",
         "title": "The value of every series and period at this vintage",
         "schema": {"fields": COMPACT_FIELDS, "foreignKeys": _fk()}},
        {"name": "values-parquet", "path": "values.parquet", "format": "parquet",
         "mediatype": "application/vnd.apache.parquet", "title": "The same values as Parquet",
         "schema": {"fields": COMPACT_FIELDS, "foreignKeys": _fk()}},
    ]
    for r in releases:
        if not r.observation_count:
            continue
        resources.append({
            "name": f"release-{r.id}", "path": f"releases/{r.id}.csv", "format": "csv", "encoding": "utf-8-sig",
            "mediatype": "text/csv", "title": r.title_en, "description": r.title_zh,
            "schema": {"fields": EXPORT_FIELDS, "foreignKeys": _fk()},
        })
    return {
        "name": "statpub-observations", "profile": "data-package",
        "title": f"{pub.office_en}: published statistics, vintage {vintage.id}",
        "description": f"{pub.office_zh}：截至 {vintage.id} 发布的全部数据（含历次修订）。Every figure published up to "
                       f"release {vintage.id}, with every vintage. Units: see the `series` resource.",
        "version": vintage.id, "created": shapes.iso(public_since(vintage) or vintage.instant),
        "licenses": licences(pub), "sources": sources, "contributors": contributors(pub),
        "homepage": pub.base_url,
        "keywords": ["official statistics", "vintages", "统计数据"],
        "resources": resources,
    }
