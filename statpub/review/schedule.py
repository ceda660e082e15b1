"""Schedule changes with public notices: reschedule, cancel, correct.

Each edits calendar.yaml surgically — only the lines of the entry concerned change (its instant
or state, plus a new history item with the date, the reason and the previous instant) — so the
file people read and review in version control stays as it was written. The edited file is
validated before it replaces the old one (atomically), and the warehouse is reloaded; if the load
fails, the previous calendar is put back and nothing has changed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from statpub.kernel.clock import BEIJING, Clock
from statpub.kernel.config import Settings
from statpub.kernel.content import Calendar
from statpub.kernel.errors import UserError
from statpub.kernel.yamlfile import load_model

LoadFn = Callable[[Settings, Clock], object]


@dataclass(frozen=True)
class Reason:
    zh: str
    en: str

    @classmethod
    def from_args(cls, zh: str | None, en: str | None) -> Reason:
        zh, en = (zh or "").strip(), (en or "").strip()
        if not zh and not en:
            raise UserError("a schedule change needs a public reason: --reason (Chinese) and --reason-en")
        return cls(zh or en, en or zh)

    def as_dict(self) -> dict:
        return {"zh": self.zh, "en": self.en}


def beijing_text(instant: datetime) -> str:
    return instant.astimezone(BEIJING).isoformat(timespec="seconds")


class CalendarEditor:
    """Text edits of calendar.yaml located through the YAML node tree (positions, not guesses)."""

    def __init__(self, path: Path):
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.edits: list[tuple[int, int, str]] = []
        root = yaml.compose(self.text)
        self.releases = next(v for k, v in root.value if k.value == "releases")

    def entry(self, release_id: str) -> yaml.MappingNode:
        for node in self.releases.value:
            if any(k.value == "id" and v.value == release_id for k, v in node.value):
                return node
        raise UserError(f"calendar.yaml has no release {release_id!r}")

    @staticmethod
    def _field(entry: yaml.MappingNode, name: str) -> tuple[yaml.Node, yaml.Node] | None:
        return next(((k, v) for k, v in entry.value if k.value == name), None)

    def set_scalar(self, entry: yaml.MappingNode, name: str, value: str) -> None:
        key, node = self._field(entry, name)
        self.edits.append((node.start_mark.index, node.end_mark.index, value))

    def add_history(self, entry: yaml.MappingNode, item: dict) -> None:
        self.add_item(entry, "history", item)

    def add_item(self, entry: yaml.MappingNode, name: str, item: dict) -> None:
        """Append `item` to the list `name` of an entry (the list is made when missing)."""
        found = self._field(entry, name)
        indent = entry.value[0][0].start_mark.column
        if found is not None and (found[1].flow_style or not found[1].value):
            # `sources: []` or `[{...}]` written on one line: rewrite that list as one line again
            items = [*yaml.safe_load(self.text[found[1].start_mark.index:found[1].end_mark.index]), item]
            text = yaml.safe_dump(items, allow_unicode=True, sort_keys=False, default_flow_style=True, width=1000)
            self.edits.append((found[1].start_mark.index, found[1].end_mark.index, text.strip()))
            return
        body = yaml.safe_dump([item], allow_unicode=True, sort_keys=False, width=110)
        block = "".join(" " * indent + line + "\n" for line in body.splitlines())
        if found is None:
            block = " " * indent + f"{name}:\n" + block
            at = entry.end_mark.index
        else:
            at = found[1].end_mark.index
        if at > 0 and self.text[at - 1] != "\n":
            block = "\n" + block
        self.edits.append((at, at, block))

    def append_entry(self, item: dict) -> None:
        if self.releases.flow_style or not self.releases.value:  # `releases: []`
            items = [*yaml.safe_load(self.text[self.releases.start_mark.index:self.releases.end_mark.index]), item]
            body = yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=110)
            self.edits.append((self.releases.start_mark.index, self.releases.end_mark.index, "\n" + body.rstrip("\n")))
            return
        indent = self.releases.start_mark.column
        body = yaml.safe_dump([item], allow_unicode=True, sort_keys=False, width=110)
        block = "".join(" " * indent + line + "\n" for line in body.splitlines())
        at = self.releases.end_mark.index
        self.edits.append((at, at, ("" if self.text.endswith("\n") else "\n") + block))

    def result(self) -> str:
        text = self.text
        for start, end, new in sorted(self.edits, reverse=True):
            text = text[:start] + new + text[end:]
        return text


def _write_validated(settings: Settings, text: str, load_fn: LoadFn, clock: Clock) -> Calendar:
    path = settings.content.calendar_path
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        calendar = load_model(tmp, Calendar, display_name="calendar.yaml (edited)")
    except Exception:
        tmp.unlink()
        raise
    backup = path.read_bytes()
    os.replace(tmp, path)
    try:
        load_fn(settings, clock)
    except Exception:
        path.write_bytes(backup)  # nothing changed: the load refused, the calendar goes back
        raise
    return calendar


def _gone_public(settings: Settings, release_id: str, clock: Clock) -> bool:
    from statpub.etl.review_stages import previously_public
    from statpub.warehouse.snapshots import SnapshotStore

    return release_id in previously_public(SnapshotStore(settings.warehouse_dir).current(), clock.now())


def reschedule(settings: Settings, release_id: str, new_instant: datetime, reason: Reason, clock: Clock,
               load_fn: LoadFn) -> Calendar:
    calendar = settings.content.load_calendar()
    [release] = calendar.require([release_id])
    if _gone_public(settings, release_id, clock):
        raise UserError(f"release {release_id} has gone public; its instant can no longer change "
                        f"(an error in it is corrected with `statpub correct {release_id}`)")
    if release.state == "cancelled":
        raise UserError(f"release {release_id} is cancelled; announce a new release instead")
    if new_instant == release.instant:
        raise UserError(f"release {release_id} is already scheduled at {beijing_text(new_instant)}")
    editor = CalendarEditor(settings.content.calendar_path)
    entry = editor.entry(release_id)
    editor.set_scalar(entry, "instant", f"'{beijing_text(new_instant)}'")
    if release.state == "postponed":
        editor.set_scalar(entry, "state", "confirmed")
    editor.add_history(entry, {"date": clock.now().astimezone(BEIJING).date().isoformat(),
                               "change": "rescheduled", "reason": reason.as_dict(),
                               "previous_instant": beijing_text(release.instant)})
    return _write_validated(settings, editor.result(), load_fn, clock)


def cancel(settings: Settings, release_id: str, reason: Reason, clock: Clock, load_fn: LoadFn) -> Calendar:
    calendar = settings.content.load_calendar()
    [release] = calendar.require([release_id])
    if _gone_public(settings, release_id, clock):
        raise UserError(f"release {release_id} has gone public and cannot be cancelled "
                        f"(an error in it is corrected with `statpub correct {release_id}`)")
    if release.state == "cancelled":
        raise UserError(f"release {release_id} is already cancelled")
    editor = CalendarEditor(settings.content.calendar_path)
    entry = editor.entry(release_id)
    editor.set_scalar(entry, "state", "cancelled")
    editor.add_history(entry, {"date": clock.now().astimezone(BEIJING).date().isoformat(),
                               "change": "cancelled", "reason": reason.as_dict()})
    return _write_validated(settings, editor.result(), load_fn, clock)


def correct(settings: Settings, release_id: str, reason: Reason, clock: Clock, load_fn: LoadFn,
            instant: datetime | None = None) -> str:
    """Open a correction of a published release: a new calendar entry (revision stage
    `correction`) with a copy of the release's files to fix, and a `corrected` notice on the
    original. Nothing is public until the correction is checked and approved; its instant defaults
    to now, so it goes out as soon as it is approved."""
    content = settings.content
    calendar = content.load_calendar()
    [release] = calendar.require([release_id])
    if not _gone_public(settings, release_id, clock):
        raise UserError(f"release {release_id} has not gone public: fix its files, check and approve it again")
    when = instant or clock.now()
    if when <= release.instant:
        raise UserError("a correction goes out after the release it corrects")
    number = 1
    while f"{release_id}-correction-{number}" in calendar.by_id or content.release_dir(
            f"{release_id}-correction-{number}").exists():
        number += 1
    new_id = f"{release_id}-correction-{number}"
    today = clock.now().astimezone(BEIJING).date().isoformat()
    original = yaml.safe_load(content.calendar_path.read_text(encoding="utf-8"))
    source = next(r for r in original["releases"] if r["id"] == release_id)
    entry = {"id": new_id,
             "title": {"zh": f"更正：{release.title.zh}", "en": f"Correction: {release.title.en}"},
             "kind": release.kind, "instant": beijing_text(when), "state": "confirmed",
             "series": list(release.series), "sources": source["sources"],
             "revision": {"stage": "correction", "reason": reason.as_dict(), "corrects": release_id},
             "history": [{"date": today, "change": "announced", "reason": reason.as_dict()}]}
    editor = CalendarEditor(content.calendar_path)
    editor.add_history(editor.entry(release_id), {"date": today, "change": "corrected",
                                                  "reason": reason.as_dict()})
    editor.append_entry(entry)
    shutil.copytree(content.release_dir(release_id), content.release_dir(new_id))
    try:
        _write_validated(settings, editor.result(), load_fn, clock)
    except Exception:
        shutil.rmtree(content.release_dir(new_id), ignore_errors=True)
        raise
    return new_id
