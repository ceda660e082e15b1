"""How the board plugs into the site (`statpub.dashboards.hooks`): its routes, the sections on
release, series and topic pages, a navigation link, and its part of the OpenAPI document; and its
jobs with the one scheduler (`jobs.py`: the daily summary, the retention of personal data)."""

from __future__ import annotations

from statpub.dashboards.hooks import hookimpl
from statpub.dashboards.services import services
from statpub.features.messages import api, blocks, public_texts, public_web, staff_apps, staff_web
from statpub.features.messages.board import STAFF
from statpub.features.messages.jobs import message_jobs
from statpub.features.messages.records import public_version
from statpub.features.messages.service import Office, store_for
from statpub.features.messages.words import w


@hookimpl
def install_site(app):
    server = app.server
    server.register_blueprint(public_web.blueprint)
    server.register_blueprint(api.blueprint)
    server.register_blueprint(staff_web.blueprint)
    server.register_blueprint(staff_apps.blueprint)


@hookimpl
def page_blocks(gate, lang, subject):
    return blocks.blocks(Office(services().settings), gate, lang, subject)


@hookimpl
def page_state():
    """The version of the replies and FAQ entries the pages show (the page memo's key)."""
    return ("messages", public_version(store_for(services().settings)))


@hookimpl
def nav_links(lang):
    return [(w("board", lang), "/messages")]


@hookimpl
def staff_links(reader):
    """The board's staff pages on the staff home, for the roles that work on them."""
    if reader.role not in STAFF:
        return []
    return [(path, *label.split(" ", 1)) for label, path in staff_web.STAFF_NAV]


@hookimpl
def api_paths():
    return api.openapi_paths()


@hookimpl
def searchable_documents(settings, gate):
    return public_texts.faq_documents(Office(settings), gate)


@hookimpl
def annual_report_sections(settings, year):
    return public_texts.report_sections(Office(settings), year)


@hookimpl
def scheduled_jobs(settings):
    return message_jobs(settings)
