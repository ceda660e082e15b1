"""schema.org `Dataset` JSON-LD for search engines, in the HTML the server sends for every series
and release page (Dash serves one page shell for every path; the app puts this script into it per
path, so crawlers that run no JavaScript see it).

Through the gate: a release gets its Dataset once its figures are visible to the reader; before
that its page is a calendar entry, and nothing here names its files or figures."""

from __future__ import annotations

import json
import re

from statpub.dashboards.components.publisher import Publisher, series_citation
from statpub.dashboards.i18n import lang_or_default
from statpub.dashboards.page_paths import VARIABLE_PATTERNS
from statpub.kernel.periods import period_bounds
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import ReleaseInfo, SeriesInfo

SERIES_PATH = re.compile(r"^/series/([^/]+)/?$")
RELEASE_PATH = re.compile(r"^/release/([^/]+)/?$")
FILES = (("csv", "text/csv"), ("parquet", "application/vnd.apache.parquet"),
         ("jsonstat.json", "application/json"), ("sdmx.csv", "application/vnd.sdmx.data+csv"),
         ("sdmx.xml", "application/vnd.sdmx.structurespecificdata+xml"))


def _iso(at) -> str:
    return at.isoformat().replace("+00:00", "Z")


def _coverage(periods: list[str]) -> str | None:
    """An ISO 8601 interval from the first day of the first period to the last day of the last."""
    if not periods:
        return None
    first = min(period_bounds(p)[0] for p in periods)
    last = max(period_bounds(p)[1] for p in periods)
    return f"{first}/{last}"


def _organisation(pub: Publisher, lang: str) -> dict:
    return {"@type": "Organization", "name": pub.office(lang), "url": f"{pub.base_url}/"}


def _common(pub: Publisher, lang: str, url: str) -> dict:
    return {"@context": "https://schema.org", "@type": "Dataset", "url": url, "inLanguage": ["zh-CN", "en"],
            "isAccessibleForFree": True, "creator": _organisation(pub, lang),
            "publisher": _organisation(pub, lang),
            "license": pub.licence.url or {"@type": "CreativeWork", "name": pub.licence_text(lang),
                                           "url": f"{pub.base_url}/#licence"}}


def _downloads(pub: Publisher, paths: list[tuple[str, str]]) -> list[dict]:
    return [{"@type": "DataDownload", "encodingFormat": media, "contentUrl": f"{pub.base_url}{path}"}
            for path, media in paths]


def series_dataset(gate: Gate, pub: Publisher, info: SeriesInfo, lang: str) -> dict:
    vintages = gate.vintages(info.code)
    periods = gate.observations([info.code]).column("period").to_pylist()
    url = f"{pub.base_url}/series/{info.code}"
    body = _common(pub, lang, url)
    other = "en" if lang == "zh" else "zh"
    body.update({
        "name": info.name(lang), "alternateName": info.name(other), "identifier": info.code,
        "description": (info.definition_zh if lang == "zh" else info.definition_en) + (
            f"（单位：{info.unit_zh}）" if lang == "zh" else f" (unit: {info.unit_en})"),
        "keywords": [info.code, info.name_zh, info.name_en],
        "variableMeasured": {"@type": "PropertyValue", "name": info.name(lang), "unitText": info.unit(lang)},
        "distribution": _downloads(pub, [(f"/api/v1/files/latest/series/{info.code}.{ext}", media)
                                         for ext, media in FILES]),
        "citation": series_citation(pub, info.code, info.name(lang), vintages[-1][1] if vintages else None, lang),
    })
    if vintages:
        body.update(dateModified=_iso(vintages[-1][1]), datePublished=_iso(vintages[0][1]), version=vintages[-1][0])
    coverage = _coverage(periods)
    if coverage:
        body["temporalCoverage"] = coverage
    return body


def release_dataset(gate: Gate, pub: Publisher, release: ReleaseInfo, lang: str) -> dict:
    since = gate.public_since(release) or release.instant
    periods = list(dict.fromkeys(gate.release_observations(release.id).column("period").to_pylist()))
    url = f"{pub.base_url}/release/{release.id}"
    body = _common(pub, lang, url)
    other = "en" if lang == "zh" else "zh"
    reason = release.revision_reason(lang)
    body.update({
        "name": release.title(lang), "alternateName": release.title(other), "identifier": release.id,
        "description": release.title(lang) + ("。" if lang == "zh" else ". ") + (
            "本次发布的全部数据。" if lang == "zh" else "Every figure this release carried.") + (
            (f"修订原因：{reason}" if lang == "zh" else f" Revision: {reason}") if reason else ""),
        "datePublished": _iso(since), "dateModified": _iso(since), "version": release.id,
        "distribution": _downloads(pub, [(f"/api/v1/files/{release.id}/releases/{release.id}.{ext}", media)
                                         for ext, media in FILES]),
        "citation": (f"{pub.office_zh}。{release.title_zh}。{url}" if lang == "zh"
                     else f"{pub.office_en}. {release.title_en}. {url}"),
    })
    coverage = _coverage(periods)
    if coverage:
        body["temporalCoverage"] = coverage
    return body


def dataset_for_path(gate: Gate, pub: Publisher, path: str, lang: object) -> dict | None:
    """The Dataset a page shows, or None (other pages, unknown or not yet public ones)."""
    lang = lang_or_default(lang)
    found = SERIES_PATH.match(path)
    if found and VARIABLE_PATTERNS["code"].match(found[1]):
        info = gate.series_info(found[1])
        return series_dataset(gate, pub, info, lang) if info else None
    found = RELEASE_PATH.match(path)
    if found and VARIABLE_PATTERNS["release_id"].match(found[1]):
        release = gate.calendar_entry(found[1])
        if release is not None and gate.can_see(release.id) and release.observation_count:
            return release_dataset(gate, pub, release, lang)
    return None


def script_tag(data: dict) -> str:
    """A `<script type="application/ld+json">` that no text inside can close early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'

