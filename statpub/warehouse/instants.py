"""The warehouse calendar's instants, for jobs of the scheduler (`statpub.kernel.jobs.at_instants`):
when releases go public (the one rule of `publication.py`: the instant, or a late approval),
their announced instants, and when their pre-release windows open. Read from the current
snapshot each time, so a load, an approval or a reschedule is followed without a restart; no
snapshot yet means no instants."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from statpub.warehouse import publication
from statpub.warehouse.reader import ReleaseInfo, WarehouseReader, WarehouseUnavailable


def _releases(reader: WarehouseReader) -> tuple[ReleaseInfo, ...]:
    try:
        return tuple(reader.snapshot().releases.values())
    except WarehouseUnavailable:
        return ()


def publication_instants(reader: WarehouseReader) -> Callable[[], list[datetime]]:
    """When each publishable release goes (or went) public."""
    return lambda: sorted({since for r in _releases(reader) if r.publishable_state
                           and (since := publication.public_since(r)) is not None})


def release_instants(reader: WarehouseReader) -> Callable[[], list[datetime]]:
    """Each publishable release's announced instant."""
    return lambda: sorted({r.instant for r in _releases(reader) if r.publishable_state})


def window_openings(reader: WarehouseReader) -> Callable[[], list[datetime]]:
    """When each publishable release's pre-release window opens."""
    return lambda: sorted({r.instant - r.window for r in _releases(reader) if r.publishable_state})
