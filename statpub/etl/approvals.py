"""Approvals (一事一审): who approved exactly which content, when. Kept for ever, never edited.

They live in the content root as `releases/approvals.yaml`, one record per line, appended by
`statpub approve` (and by the demo generator for the demo content). Keeping them beside the
content, under version control, means a fresh machine reproduces the same public site; the loader
syncs them into every snapshot and refuses a file in which a record it already holds was changed or
removed. An approval is valid while its content hash equals the hash of the loaded content.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from statpub.kernel.content import Calendar
from statpub.kernel.explain import explain, yaml_syntax_message
from statpub.kernel.errors import Problem

HEADER = ("# Approvals (先审查、后公开, 一事一审): appended by `statpub approve`, one record per line.\n"
          "# Never edit or remove a line: the loader refuses the file if a recorded approval changed.\n")
_HASH = r"^[0-9a-f]{64}$"


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    release: str = Field(min_length=1)
    reviewer: str = Field(min_length=1)
    approved_at: datetime
    content_hash: str = Field(pattern=_HASH)
    data: str = Field(pattern=_HASH)
    texts: str = Field(pattern=_HASH)
    entry: str = Field(pattern=_HASH)
    user: str | None = None  # the account that ran the command
    # `import`: history (published before the office adopted statpub) brought in by
    # `statpub import-history`; `published_at` is its original instant, which it keeps as its
    # vintage, while `approved_at` is when the reviewer really approved it. Absent for a live release.
    kind: Literal["import"] | None = None
    published_at: datetime | None = None

    @field_validator("approved_at", "published_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("needs an offset, e.g. +08:00")
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _import_has_original_instant(self) -> Approval:
        if (self.kind == "import") != (self.published_at is not None):
            raise ValueError("an import names the instant the release was originally published (published_at), "
                             "and only an import does")
        if self.published_at is not None and self.published_at > self.approved_at:
            raise ValueError("an import approves history: published_at must come before approved_at")
        return self

    def record(self) -> str:
        """Canonical JSON of the record (also valid YAML), as written and as compared."""
        data = self.model_dump(mode="json", exclude_none=True)
        return json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(", ", ": "))


def read_approvals(path: Path, display: str = "releases/approvals.yaml") -> tuple[list[Approval], list[Problem]]:
    if not path.is_file():
        return [], []
    approvals, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not text.startswith("- "):
            problems.append(Problem(display, None, number, None, "expected one approval per line, `- {…}`"))
            continue
        try:
            approvals.append(Approval.model_validate(yaml.safe_load(text[2:])))
        except yaml.YAMLError as exc:
            problems.append(Problem(display, None, number, None, yaml_syntax_message(exc)))
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or None
                message = explain(Approval, err)
                if message:
                    problems.append(Problem(display, None, number, field, message))
    return approvals, problems


def check_imports(approvals: list[Approval], calendar: Calendar, display: str) -> list[Problem]:
    """An import only of history: a release whose instant is before the calendar's `adopted`, with
    that very instant as `published_at`. A live release approved late goes out at its approval,
    never backdated."""
    problems = []
    for number, approval in enumerate(approvals, start=1):
        release = calendar.by_id.get(approval.release)
        if approval.kind != "import" or release is None:
            continue
        if not calendar.is_history(release):
            problems.append(Problem(display, None, None, f"approval #{number}",
                                    f"{approval.release} is imported as history, but its instant "
                                    f"{release.instant.isoformat()} is not before calendar.yaml `adopted`: a release "
                                    "published with statpub is approved with `statpub approve` and goes public at "
                                    "its approval when that is late"))
    return problems


def append_approval(path: Path, approval: Approval) -> None:
    """Append one record and fsync: the file only ever grows."""
    new = not path.is_file() or path.stat().st_size == 0
    with open(path, "a", encoding="utf-8") as handle:
        if new:
            handle.write(HEADER)
        handle.write(f"- {approval.record()}\n")
        handle.flush()
        os.fsync(handle.fileno())


def sync(con: duckdb.DuckDBPyConnection, approvals: list[Approval], display: str) -> list[Problem]:
    """Write the file's approvals into the snapshot under construction, after checking that every
    approval the snapshot already holds is still there, unchanged, at the same place."""
    held = con.execute("SELECT position, record FROM approvals ORDER BY position").fetchall()
    problems = []
    for position, record in held:
        now = approvals[position].record() if position < len(approvals) else None
        if now != record:
            old = json.loads(record)
            problems.append(Problem(display, None, None, f"approval #{position + 1}",
                                    f"the approval of {old['release']} by {old['reviewer']} at "
                                    f"{old['approved_at']} was changed or removed; approvals are kept "
                                    "for ever and never edited (restore it; approve again to add one)"))
    if problems:
        return problems
    rows = [[i, a.release, a.reviewer, a.approved_at, a.content_hash, a.data, a.texts, a.entry, a.user,
             a.record()] for i, a in enumerate(approvals) if i >= len(held)]
    if rows:
        con.executemany("INSERT INTO approvals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return []
