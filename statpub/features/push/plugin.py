"""How push plugs in: its pages and API on the site, the WebSub hubs the Atom feeds declare, and its
jobs with the one scheduler — a weekly digest on Mondays at 09:00; build the outbox at each instant a release goes public (the
calendar's `publication_instants`), and every 15 s deliver what is queued (confirmations, retries,
notices of schedule changes, webhooks, WebSub pings)."""

from __future__ import annotations

from datetime import timedelta

from statpub.dashboards.hooks import hookimpl
from statpub.features.push import web
from statpub.features.push.config import push_config
from statpub.kernel.jobs import Job, at_instants, every, weekly_at

DELIVER_EVERY = timedelta(seconds=15)


@hookimpl
def install_site(app):
    web.install(app)


@hookimpl
def feed_hubs():
    return list(push_config().hubs)


@hookimpl
def nav_links(lang):
    return [("订阅推送" if lang == "zh" else "Subscribe", "/subscribe")]


@hookimpl
def api_paths():
    return web.openapi_paths()


def push_jobs(settings, clock=None, service=None) -> list[Job]:
    from statpub.features.push.service import Push
    from statpub.kernel.clock import clock_from_env
    from statpub.warehouse.instants import publication_instants

    service = service or Push(settings, clock or clock_from_env())
    run = lambda occurrence: service.run_once()  # noqa: E731 - both jobs do the same: build what is due, deliver
    return [
        Job("push.instant", at_instants(publication_instants(service.reader)), run, catch_up=timedelta(days=1),
            lease_seconds=120, description="at each release instant: build the outbox through the gate, deliver it"),
        Job("push.deliver", every(DELIVER_EVERY), run, catch_up=timedelta(minutes=1), max_attempts=2,
            description="deliver queued messages, retries, notices, webhooks and WebSub pings"),
        Job("push.digest", weekly_at(0, "09:00"), lambda occurrence: (service.build_digest(occurrence.due),
                                                                      service.deliver()),
            catch_up=timedelta(days=1), description="Mondays 09:00: the weekly digest of the week's releases"),
    ]


@hookimpl
def scheduled_jobs(settings):
    return push_jobs(settings)
