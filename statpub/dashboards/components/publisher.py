"""Who publishes: the office's name, licence and address, from the content root's catalogue
(not the warehouse: it is public metadata). Read once per app and re-read when the file changes.

Every absolute URL the site writes (feeds, ICS, citations, the page's canonical address) starts
with the configured base URL — never with the Host a client sent, which a cache would otherwise
keep and serve to everyone. `STATPUB_BASE_URL`, read from the server's environment at start,
overrides the content's address (local and test servers)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime

from flask import Flask, current_app

from statpub.dashboards.i18n import format_instant
from statpub.dashboards.services import services

CACHE_KEY = "statpub.publisher"
ENV_BASE_URL = "STATPUB_BASE_URL"
OVERRIDE_KEY = "statpub.base_url"


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


def publisher() -> Publisher:
    """The office's identity as approved (先审查、后公开): the snapshot's reviewed version, or — for
    a snapshot from before metadata review — the content's."""
    office = services().gate().metadata().office
    stamp = ("approved", repr(office)) if office is not None else \
        ("content", services().settings.content.catalogue_path.stat().st_mtime_ns)
    cached = current_app.extensions.get(CACHE_KEY)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if office is not None:
        top = office["catalogue"]
        value = Publisher(top["office"]["zh"], top["office"]["en"], top["licence"]["zh"], top["licence"]["en"],
                          top.get("base_url", "").rstrip("/"))
    else:
        catalogue = services().settings.content.load_catalogue()
        value = Publisher(catalogue.office.zh, catalogue.office.en, catalogue.licence.zh,
                          catalogue.licence.en, catalogue.base_url.rstrip("/"))
    override = current_app.extensions.get(OVERRIDE_KEY)
    if override:
        value = replace(value, base_url=override)
    current_app.extensions[CACHE_KEY] = (stamp, value)
    return value


def site_url(path: str) -> str:
    """The absolute address of a path on this site, from the configured base URL."""
    return publisher().base_url + (path if path.startswith("/") else "/" + path)


def install(server: Flask) -> None:
    """Take the base URL override from the server's environment, once, at start."""
    override = os.environ.get(ENV_BASE_URL, "").strip().rstrip("/")
    if override:
        server.extensions[OVERRIDE_KEY] = override


def series_citation(pub: Publisher, code: str, name: str, vintage: datetime | None, lang: str) -> str:
    """A citation naming the office, the series, the vintage and a stable address."""
    when = format_instant(vintage, lang) if vintage else ""
    if lang == "zh":
        return f"{pub.office_zh}。{name}（{code}），{when}发布版本。{pub.base_url}/series/{code}"
    return f"{pub.office_en}. {name} ({code}), vintage of {when}. {pub.base_url}/series/{code}"
