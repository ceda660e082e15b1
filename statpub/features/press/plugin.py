"""How pre-release access plugs into the site (`statpub.dashboards.hooks`): who is asking (the
session cookie), the EMBARGOED banner on every page, the access log written for every answer that
showed a release before its instant, and the published list of who had such access."""

from __future__ import annotations

from flask import g, has_request_context

from statpub.dashboards.hooks import hookimpl
from statpub.dashboards.services import services
from statpub.features.press import pages, web
from statpub.features.press.access import prerelease_access_list as access_list
from statpub.features.press.pages import INDEX_PATH
from statpub.features.press.service import access_log_for

WHATS = {"page", "figures", "callback", "download", "pack"}


@hookimpl
def install_site(app):
    web.install(app)


@hookimpl
def staff_links(reader):
    if not reader.has_prerelease_rights:
        return []
    return [(INDEX_PATH, "预发布区", "Pre-release area")]


@hookimpl
def page_banners(gate, lang):
    if not gate.reader.has_prerelease_rights:
        return []
    return [pages.embargo_banner(r) for r in gate.visible_releases() if not gate.is_public(r)]


@hookimpl
def record_prerelease_access(gate, release_ids, what, path, file_name, sha256):
    logged = g.get("press_logged", set()) if has_request_context() else set()
    log = access_log_for(services().settings)
    for release_id in release_ids:
        if release_id not in logged:  # a pack logs itself, with the pack's own name and sha256
            log.record(gate.reader, release_id, what if what in WHATS else "page", gate.now,
                       file_name=file_name, sha256=sha256)


@hookimpl
def prerelease_access_list(gate, release_id):
    holders = access_list(access_log_for(services().settings), gate, release_id)
    return None if holders is None else [(h.published(), h.role) for h in holders]


@hookimpl
def scheduled_jobs(settings):
    from statpub.features.press.warm import chart_jobs  # the pack's libraries only where jobs run

    return chart_jobs(settings)
