"""The public site's side of the pre-release area. A signed-in press or reviewer account inside a
release's window sees that release on the ordinary pages (the gate widens for its reader); here
every such page view and download is logged in the append-only access log, and every page carries
the EMBARGOED banner with the instant in Beijing time."""

from __future__ import annotations

from dash import html

from dashboards.services import current_gate, services
from warehouse.gate import Gate


def embargoed_in_view(gate: Gate) -> list:
    if not gate.reader.has_prerelease_rights:
        return []
    return [r for r in gate.visible_releases() if not gate.is_public(r)]


def page_banners(path: str) -> list[html.Div]:
    """Banners for the releases this reader sees before their instant; each view is logged."""
    from press.pages import embargo_banner
    from press.web import log_view

    gate = current_gate()
    embargoed = embargoed_in_view(gate)
    for release in embargoed:
        log_view(gate, release.id, "page")
    return [embargo_banner(r) for r in embargoed]


def log_download(gate: Gate, release_id: str, file_name: str, sha256: str) -> None:
    """Record an embargoed file handed out; raises if it cannot be written (then nothing is sent)."""
    from press.service import access_log_for

    access_log_for(services().settings).record(gate.reader, release_id, "download", gate.now,
                                               file_name=file_name, sha256=sha256)


def access_holders(release_id: str) -> list | None:
    """Who had pre-release access (names and roles), once the release is public; None before."""
    from press.web import prerelease_access

    return prerelease_access(release_id)
