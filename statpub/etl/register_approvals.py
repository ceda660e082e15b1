"""Approvals of register items (一事一审): who approved exactly which content of an item, when, under
which version of the content hash. Kept for ever in `register/approvals.yaml`, one record per line,
appended by `statpub register approve`; the loader syncs them into every snapshot and refuses a file
in which a record it already holds was changed or removed."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from statpub.etl.register_hash import CURRENT, VERSIONS
from statpub.kernel.content import ID_PATTERN
from statpub.kernel.errors import Problem

DISPLAY = "register/approvals.yaml"
HEADER = ("# Register approvals (先审查、后公开, 一事一审): appended by `statpub register approve`, one per line.\n"
          "# Never edit or remove a line: the loader refuses the file if a recorded approval changed.\n")


class ItemApproval(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str = Field(pattern=ID_PATTERN)
    reviewer: str = Field(min_length=1)
    approved_at: datetime
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    hash_version: str = CURRENT
    user: str | None = None

    @field_validator("approved_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("approved_at needs an offset")
        return value.astimezone(UTC)

    @field_validator("hash_version")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in VERSIONS:
            raise ValueError(f"unknown content hash version {value!r} (known: {', '.join(VERSIONS)})")
        return value

    def record(self) -> str:
        """Canonical JSON of the record (also valid YAML), as written and as compared."""
        return json.dumps(self.model_dump(mode="json", exclude_none=True), ensure_ascii=False,
                          separators=(", ", ": "))


def read_approvals(path: Path) -> tuple[list[ItemApproval], list[Problem]]:
    if not path.is_file():
        return [], []
    approvals, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not text.startswith("- "):
            problems.append(Problem(DISPLAY, None, number, None, "expected one approval per line, `- {…}`"))
            continue
        try:
            approvals.append(ItemApproval.model_validate(yaml.safe_load(text[2:])))
        except yaml.YAMLError as exc:
            problems.append(Problem(DISPLAY, None, number, None, f"YAML syntax: {exc}"))
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"]) or None
                problems.append(Problem(DISPLAY, None, number, where, err["msg"].removeprefix("Value error, ")))
    return approvals, problems


def append_approval(path: Path, approval: ItemApproval) -> None:
    """Append one record and fsync: the file only ever grows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.is_file() or path.stat().st_size == 0
    with open(path, "a", encoding="utf-8") as handle:
        if new:
            handle.write(HEADER)
        handle.write(f"- {approval.record()}\n")
        handle.flush()
        os.fsync(handle.fileno())


def sync(con: duckdb.DuckDBPyConnection, approvals: list[ItemApproval]) -> list[Problem]:
    """Write the file's approvals into the snapshot under construction, after checking that every
    approval the snapshot already holds is still there, unchanged, at the same place."""
    held = con.execute("SELECT position, record FROM register_approvals ORDER BY position").fetchall()
    problems = []
    for position, record in held:
        now = approvals[position].record() if position < len(approvals) else None
        if now != record:
            old = json.loads(record)
            problems.append(Problem(DISPLAY, None, None, f"approval #{position + 1}",
                                    f"the approval of {old['item']} by {old['reviewer']} at {old['approved_at']} "
                                    "was changed or removed; approvals are kept for ever and never edited "
                                    "(restore it; approve again to add one)"))
    if problems:
        return problems
    rows = [[i, a.item, a.reviewer, a.approved_at, a.content_hash, a.hash_version, a.user, a.record()]
            for i, a in enumerate(approvals) if i >= len(held)]
    if rows:
        con.executemany("INSERT INTO register_approvals VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return []
