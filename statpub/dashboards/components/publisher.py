"""Who publishes, for the site: the office's identity (statpub.kernel.office, from the content
root's office.yaml), re-read when the file changes. One accessor for every page, route and file:
`publisher()`; the public address for absolute links: `base_url()`."""

from __future__ import annotations

from datetime import datetime

from statpub.dashboards.i18n import format_instant
from statpub.dashboards.sdmx.model import Agency, agency_id
from statpub.dashboards.services import services
from statpub.kernel.office import Office, public_office

Publisher = Office  # the name the API's shapes and the downloads use


def publisher() -> Office:
    """The office as the public sees it now: the version of office.yaml approved by now
    (先审查、后公开: an edit waits for approval), STATPUB_BASE_URL setting a test server's address."""
    svc = services()
    return public_office(svc.settings, svc.gate().metadata().office)


def base_url() -> str:
    """The site's public address, without a trailing slash: every absolute link starts here
    (STATPUB_BASE_URL, else office.yaml's `base_url`), never with a name a client sent."""
    return publisher().base_url


def site_url(path: str) -> str:
    """The absolute address of a path on this site, from the configured base URL."""
    return base_url() + (path if path.startswith("/") else "/" + path)


def agency_of(pub: Office) -> Agency:
    """The office as the maintenance agency of its SDMX structures (id from its address)."""
    return Agency(agency_id(pub.base_url), pub.office_zh, pub.office_en)


def licence_line(pub: Office) -> str:
    return pub.licence_line()


def series_citation(pub: Office, code: str, name: str, vintage: datetime | None, lang: str) -> str:
    """A citation naming the office, the series, the vintage and a stable address."""
    when = format_instant(vintage, lang) if vintage else ""
    if lang == "zh":
        return f"{pub.office_zh}。{name}（{code}），{when}发布版本。{pub.base_url}/series/{code}"
    return f"{pub.office_en}. {name} ({code}), vintage of {when}. {pub.base_url}/series/{code}"
