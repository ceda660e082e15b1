"""Durability's jobs for the one scheduler (`statpub scheduler`): retention every night, a manifest
for each release at the instant it goes public, and a verification sample every morning.

Registered through `BUILTIN_JOB_MODULES` (cli/scheduler_commands.py): recording a manifest fetches
pinned files through the site, which only the top layer may build. The same work stays available
as commands (`statpub gc`, `statpub manifests record`, `statpub verify`) for cron or by hand."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from statpub.kernel.clock import Clock
from statpub.kernel.jobs import Job, Occurrence, at_instants, daily_at, hookimpl

log = logging.getLogger("statpub.durable")


def _clock(occurrence: Occurrence) -> Clock:
    """The scheduler's clock (injectable in tests), running on from the occurrence."""
    return Clock(start=occurrence.now())


@hookimpl
def scheduled_jobs(settings):
    from statpub.warehouse.instants import publication_instants
    from statpub.warehouse.reader import WarehouseReader

    def retention(occurrence: Occurrence) -> None:
        from statpub.warehouse.snapshots import SnapshotStore

        store = SnapshotStore(settings.warehouse_dir)
        with store.writer_lock():  # a load running now refuses; the scheduler retries later
            collected = store.collect_garbage()
        log.info(json.dumps({"event": "retention", **collected.as_json()}, ensure_ascii=False))

    def manifests(occurrence: Occurrence) -> None:
        from statpub.cli.verify import record

        recorded = record(settings, _clock(occurrence))
        log.info(json.dumps({"event": "manifests_recorded", "releases": recorded}, ensure_ascii=False))

    def verification(occurrence: Occurrence) -> None:
        from statpub.cli.verify import verify

        report = verify(settings, _clock(occurrence), files=True)
        level = logging.INFO if report.ok else logging.ERROR
        log.log(level, json.dumps({"event": "verify_sample", **report.as_json()}, ensure_ascii=False))
        if not report.ok:
            raise RuntimeError(f"{len(report.drift)} published figure(s) or file(s) differ from their manifests")

    reader = WarehouseReader(settings.warehouse_dir)
    return [
        Job("warehouse.retention", daily_at("03:30"), retention, catch_up=timedelta(days=1),
            description="remove snapshots beyond STATPUB_KEEP_SNAPSHOTS (never one a reader holds) and orphans"),
        Job("warehouse.manifests", at_instants(publication_instants(reader)), manifests,
            catch_up=timedelta(days=30), lease_seconds=600,
            description="record the manifest of each release as it goes public"),
        Job("warehouse.verify", daily_at("04:30"), verification, catch_up=timedelta(days=1), max_attempts=1,
            lease_seconds=600, description="verify a sample of published vintages against their manifests"),
    ]
