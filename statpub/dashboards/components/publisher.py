"""Who publishes: the office's name, licence and address, from the content root's catalogue
(not the warehouse: it is public metadata). Read once per app and re-read when the file changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from statpub.dashboards.i18n import format_instant
from statpub.dashboards.sdmx.model import Agency, agency_id
from statpub.dashboards.services import services

CACHE_KEY = "statpub.publisher"


@dataclass(frozen=True)
class Publisher:
    office_zh: str
    office_en: str
    licence_zh: str
    licence_en: str
    base_url: str

    def office(self, lang: str) -> str:
        return self.office_zh if lang == "zh" else self.office_en

    def licence(self, lang: str) -> str:
        return self.licence_zh if lang == "zh" else self.licence_en

    @property
    def agency(self) -> Agency:
        """The office as the maintenance agency of its SDMX structures."""
        return Agency(agency_id(self.base_url), self.office_zh, self.office_en)


def publisher() -> Publisher:
    path = services().settings.content.catalogue_path
    stamp = path.stat().st_mtime_ns
    cached = current_app.extensions.get(CACHE_KEY)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    catalogue = services().settings.content.load_catalogue()
    value = Publisher(catalogue.office.zh, catalogue.office.en, catalogue.licence.zh,
                      catalogue.licence.en, catalogue.base_url.rstrip("/"))
    current_app.extensions[CACHE_KEY] = (stamp, value)
    return value


def series_citation(pub: Publisher, code: str, name: str, vintage: datetime | None, lang: str) -> str:
    """A citation naming the office, the series, the vintage and a stable address."""
    when = format_instant(vintage, lang) if vintage else ""
    if lang == "zh":
        return f"{pub.office_zh}。{name}（{code}），{when}发布版本。{pub.base_url}/series/{code}"
    return f"{pub.office_en}. {name} ({code}), vintage of {when}. {pub.base_url}/series/{code}"
