"""A release's pack charts drawn when its pre-release window opens, so the first press account
that asks for the briefing pack finds every chart in the chart cache (drawing them is nearly all of
a pack's build: seconds per release on a busy machine).

The charts are drawn through the gate, for a press reader at the window's opening: exactly the
figures, labels and embargo mark a press account's pack shows then (the chart cache keys each
picture by all of these, so nothing drawn here can be handed to a reader it was not drawn for).
Nothing is shown to anyone, so nothing enters the pre-release access log; the pack itself is still
built and logged per account when asked for.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from statpub.features.press.pack import charts as chart_images
from statpub.features.press.pack.content import gather
from statpub.features.press.service import chart_cache, office_of
from statpub.kernel.config import Settings
from statpub.kernel.jobs import Job, at_instants
from statpub.warehouse.gate import Gate, Reader
from statpub.warehouse.instants import window_openings
from statpub.warehouse.reader import WarehouseReader

log = logging.getLogger("statpub.press.warm")
# What a press account sees inside a window (its name takes no part in what a pack's charts show).
CHART_READER = Reader("statpub-chart-warming", "press")


def draw_window_charts(settings: Settings, reader: WarehouseReader, at: datetime) -> list[str]:
    """Draw into the chart cache the pack charts of every release whose pre-release window opens at
    `at`; returns their ids. A release a press account may not see then (not approved yet) is left
    to the first pack request."""
    snapshot = reader.snapshot()
    drawn = []
    for release in snapshot.releases.values():
        if not release.publishable_state or release.instant - release.window != at:
            continue
        gate = Gate(snapshot, at, CHART_READER)
        if not gate.can_see(release.id):
            log.info("pack charts of %s not drawn at its window: not visible to press accounts yet", release.id)
            continue
        content = gather(gate, release.id, office_of(settings, gate))
        chart_images.render(list(content.charts), content.notice, chart_cache(settings))
        drawn.append(release.id)
    return drawn


def chart_jobs(settings: Settings) -> list[Job]:
    reader = WarehouseReader(settings.warehouse_dir)
    return [Job("press.charts", at_instants(window_openings(reader)),
                lambda occurrence: draw_window_charts(settings, reader, occurrence.due),
                catch_up=timedelta(hours=1), lease_seconds=300,
                description="when a pre-release window opens: draw the release's pack charts into the cache")]

