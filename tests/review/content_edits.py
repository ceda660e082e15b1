"""Edits a statistician would make to a content root, for the review tests."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from statpub.etl.load import load
from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.config import Settings

BEFORE_FINAL = "2026-12-01T12:00:00+08:00"  # a week before the 2025 final verification goes out
FINAL = "2025-gdp-final-verification"
FINAL_INSTANT = "2026-12-10T10:00:00+08:00"


def clock_at(text: str) -> Clock:
    return Clock(start=parse_instant(text))


def reload(settings: Settings, now: str = BEFORE_FINAL):
    return load(settings, clock=clock_at(now))


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_source(path: Path, old: str, new: str) -> None:
    """Change a source file and re-state its checksum in the provenance sidecar, as the ETL asks."""
    raw = path.read_bytes()
    assert old.encode() in raw
    path.write_bytes(raw.replace(old.encode(), new.encode(), 1))
    sidecar = path.with_name(path.name + ".provenance.yaml")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    sidecar.write_text(re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", sidecar.read_text(encoding="utf-8")),
                       encoding="utf-8")
