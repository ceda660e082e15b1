"""Approvals beside the snapshot, so that approving does not copy the warehouse.

An approval changes nothing in a release's content: it only says that a named reviewer approved
the content whose hash it carries. So it need not wait for a new snapshot. `statpub approve`
appends the record to `releases/approvals.yaml` (the record kept for ever) and writes every
record of that file to `<warehouse>/approvals.json`, atomically; readers merge it with the
approvals their snapshot holds when they open it, and re-open when it changes (one `stat` per
request). Safe to pair with any snapshot: an approval is valid only while its content hash equals
the hash of the content in that snapshot, and the overlay is used only when it extends the
snapshot's own approvals record by record (append-only). The next load syncs the approvals into
the new snapshot as before.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

OVERLAY = "approvals.json"
FORMAT = "statpub-approvals-overlay/1"
# (release_id, reviewer, approved_at, content_hash, data_hash, texts_hash, entry_hash, record)
Row = tuple[str, str, datetime, str, str, str, str, str]


def stamp(data_dir: Path) -> tuple[int, int, int] | None:
    """What identifies the overlay's current version (None when there is none)."""
    try:
        st = os.stat(data_dir / OVERLAY)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def read(data_dir: Path) -> list[Row]:
    try:
        body = json.loads((data_dir / OVERLAY).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []
    if body.get("format") != FORMAT:
        return []
    return [(r[0], r[1], datetime.fromisoformat(r[2]), *r[3:8]) for r in body["records"]]


def write(data_dir: Path, rows: list[Row]) -> None:
    """Replace the overlay atomically (write, fsync, rename)."""
    body = {"format": FORMAT, "records": [[r[0], r[1], r[2].isoformat(), *r[3:8]] for r in rows]}
    tmp = data_dir / f".{OVERLAY}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(body, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, data_dir / OVERLAY)
    finally:
        tmp.unlink(missing_ok=True)


def merged(held: list[Row], overlay: list[Row]) -> list[Row]:
    """The snapshot's approvals, extended by the overlay when it continues them record by record."""
    if len(overlay) > len(held) and all(a[7] == b[7] for a, b in zip(held, overlay, strict=False)):
        return overlay
    return held
