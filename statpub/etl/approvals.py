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

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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

    @field_validator("approved_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("approved_at needs an offset")
        return value.astimezone(UTC)

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
