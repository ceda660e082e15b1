"""The annual report, assembled: `annual_report()` gathers the register's tables, the features'
sections and staff's texts (written as Word by `report/word.py`). For the public page only the
report's public version counts; staff drafting get the current text, marked as a draft until the
report itself has passed review and the gate."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from statpub.features.register.report.tables import Report, build_report
from statpub.kernel.config import Settings
from statpub.kernel.workdays import work_calendar
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import Snapshot
from statpub.warehouse.register_state import state_of

TEXT_KEYS = ("overview", "problems", "other")


def annual_report(settings: Settings, snapshot: Snapshot, year: int, now: datetime, hooks, *,
                  public_only: bool) -> Report | None:
    """The report for `year`. `public_only`: as the public may see it (None unless published)."""
    view = Gate(snapshot, now).register
    # the catalogue's matters as public now: an edit of a name or time limit awaits approval
    state = replace(state_of(snapshot), matters=view.matters())
    public_item = next((i for i in view.items("annual-report") if i.data.get("year") == year), None)
    if public_only:
        if public_item is None:
            return None
        texts = {k: public_item.data.get(k) for k in TEXT_KEYS}
    else:
        current = next((v for v in state.versions if v.current and v.kind == "annual-report"
                        and v.data.get("year") == year), None)
        texts = {k: current.data.get(k) for k in TEXT_KEYS} if current else None
    sections = [s for found in hooks.annual_report_sections(settings=settings, year=year) for s in found or ()]
    public = public_item is not None and (public_only or texts == {k: public_item.data.get(k) for k in TEXT_KEYS})
    return build_report(state, work_calendar(settings.root), year, now, texts, public, sections)
