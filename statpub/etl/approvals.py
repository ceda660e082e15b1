"""Approvals (一事一审): who approved exactly which content, when. Kept for ever, never edited.

They live in the content root as `releases/approvals.yaml`, one record per line, appended by
`statpub approve` (and by the demo generator for the demo content). Keeping them beside the
content, under version control, means a fresh machine reproduces the same public site; the loader
syncs them into every snapshot and refuses a file in which a record it already holds was changed or
removed. An approval is valid while every part of the content hash its version covers equals the
loaded content's (statpub/etl/content_hash.py): an approval made under an older version stays
valid for what it approved.

Two kinds of record: a release's approval (`release`, its content hash, the parts, and from hash
version 2 the metadata part with the item versions it approved), and an approval of public
metadata alone (`items`, no release), made by `statpub approve --metadata`.
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
from statpub.kernel.errors import Problem
from statpub.kernel.explain import explain, yaml_syntax_message

HEADER = ("# Approvals (先审查、后公开, 一事一审): appended by `statpub approve`, one record per line.\n"
          "# Never edit or remove a line: the loader refuses the file if a recorded approval changed.\n")
_HASH = r"^[0-9a-f]{64}$"


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    release: str | None = Field(default=None, min_length=1)  # None: public metadata alone
    reviewer: str = Field(min_length=1)
    approved_at: datetime
    content_hash: str | None = Field(default=None, pattern=_HASH)
    data: str | None = Field(default=None, pattern=_HASH)
    texts: str | None = Field(default=None, pattern=_HASH)
    entry: str | None = Field(default=None, pattern=_HASH)
    user: str | None = None  # the account that ran the command
    # `import`: history (published before the office adopted statpub) brought in by
    # `statpub import-history`; `published_at` is its original instant, which it keeps as its
    # vintage, while `approved_at` is when the reviewer really approved it. Absent for a live release.
    kind: Literal["import"] | None = None
    published_at: datetime | None = None
    # Absent in records made before the hash was versioned (version 1).
    hash_version: int | None = None
    metadata: str | None = Field(default=None, pattern=_HASH)
    items: dict[str, str] | None = None  # metadata item → the version (hash) approved

    @model_validator(mode="after")
    def _kind(self) -> Approval:
        from statpub.warehouse.hash_versions import VERSIONS

        if self.hash_version is not None and self.hash_version not in VERSIONS:
            raise ValueError(f"hash_version {self.hash_version}: this statpub knows {sorted(VERSIONS)}")
        if self.release is None:
            if not self.items:
                raise ValueError("an approval names a release, or the metadata items it approves")
            return self
        needed = VERSIONS[self.version].parts
        missing = [name for name in ("content_hash", *needed) if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a release's approval needs {', '.join(missing)}")
        return self

    @property
    def version(self) -> int:
        return self.hash_version or 1

    def parts(self) -> dict[str, str | None]:
        return {"data": self.data, "texts": self.texts, "entry": self.entry, "metadata": self.metadata}

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
                                    f"the approval of {old.get('release') or 'metadata'} by {old['reviewer']} at "
                                    f"{old['approved_at']} was changed or removed; approvals are kept "
                                    "for ever and never edited (restore it; approve again to add one)"))
    if problems:
        return problems
    new = [(i, a) for i, a in enumerate(approvals) if i >= len(held)]
    if new:
        con.executemany(
            "INSERT INTO approvals (position, release_id, reviewer, approved_at, content_hash, data_hash, texts_hash, "
            "entry_hash, user_name, record, hash_version, metadata_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[i, a.release, a.reviewer, a.approved_at, a.content_hash, a.data, a.texts, a.entry, a.user, a.record(),
              a.hash_version, a.metadata] for i, a in new])
        items = [[i, item, h] for i, a in new for item, h in sorted((a.items or {}).items())]
        if items:
            con.executemany("INSERT INTO approval_items VALUES (?, ?, ?)", items)
    return []


def for_release(con: duckdb.DuckDBPyConnection, release_id: str, reviewer: str, approved_at: datetime,
                user: str | None, *, kind: str | None = None, published_at: datetime | None = None) -> Approval:
    """An approval of exactly the content loaded now for a release, under the current hash version:
    its parts and the metadata item versions it carries (`kind` import: history, with its original
    instant `published_at`)."""
    from statpub.etl.metadata import release_items
    from statpub.warehouse.hash_versions import CURRENT

    content_hash, data, texts, entry, meta = con.execute(
        "SELECT content_hash, data_hash, texts_hash, entry_hash, metadata_hash FROM release_content "
        "WHERE release_id = ?", [release_id]).fetchone()
    return Approval(release=release_id, reviewer=reviewer, approved_at=approved_at, content_hash=content_hash,
                    data=data, texts=texts, entry=entry, user=user, hash_version=CURRENT, metadata=meta,
                    items=release_items(con).get(release_id, {}), kind=kind, published_at=published_at)


def for_metadata(con: duckdb.DuckDBPyConnection, reviewer: str, approved_at: datetime, user: str | None,
                 items: list[str] | None = None) -> Approval:
    """An approval of the public metadata as the content holds it now (every item, or `items`)."""
    from statpub.etl.metadata import current_items
    from statpub.warehouse.hash_versions import CURRENT

    current = current_items(con)
    chosen = {item: h for item, h in current.items() if items is None or item in items}
    return Approval(reviewer=reviewer, approved_at=approved_at, user=user, hash_version=CURRENT, items=chosen)
