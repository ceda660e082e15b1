"""How the register plugs into the site (`statpub.dashboards.hooks`): its pages (the register, an
item, search, the annual report), its API and attachments, the staff view, navigation links, its
part of the OpenAPI document; and its jobs for the one scheduler (`statpub.kernel.jobs`)."""

from __future__ import annotations

from statpub.dashboards.hooks import hookimpl
from statpub.features.register import api, jobs, pages, report_page, search_page, staff_web
from statpub.features.register.words import w
from statpub.kernel.jobs import hookimpl as job_hookimpl
from statpub.warehouse.register_gate import STAFF_ROLES


@hookimpl
def install_site(app):
    server = app.server
    server.register_blueprint(api.blueprint)
    server.register_blueprint(staff_web.blueprint)
    pages.register_pages()
    search_page.register_page()
    report_page.register_page()


@hookimpl
def nav_links(lang):
    return [(w("register", lang), pages.PATH), (w("search", lang), search_page.PATH)]


@hookimpl
def staff_links(reader):
    """The register's deadlines on the staff home, for the openness staff (reviewers approve items,
    responders answer applications); press accounts have nothing to do here."""
    if reader.role not in STAFF_ROLES:
        return []
    return [(staff_web.PATH, "主动公开期限", "Disclosure deadlines")]


@hookimpl
def api_paths():
    return api.openapi_paths()


@job_hookimpl
def scheduled_jobs(settings):
    return jobs.jobs(settings)
