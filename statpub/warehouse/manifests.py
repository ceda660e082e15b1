"""Verification manifests: what each vintage was when it was published, kept apart from the snapshots.

At publication a manifest records, for one release: the content hash its approval bound (as the
loader computed it), its own digest of every published row, per series, computed here and not by
the loader (`statpub-rows/1`: per row sha256 of `period TAB value TAB status TAB note`, the value
printed with 17 significant digits; per series sha256 of the row digests in period order), the
sha256 of both interpretation texts, and the sha256 of every pinned file as served with its file
format's version. A sidecar Parquet file (one per recording) keeps a 32-bit digest per (release,
series, period), so a drift found in a release's digest is traced to its series and period.

The record is append-only JSON lines (`manifests.jsonl`) in `<warehouse>/manifests/` (or
`STATPUB_MANIFESTS`): each line carries the sha256 of the line before it, so an edited, removed or
reordered line breaks the chain and `verify` says so. Nothing here is read back from a snapshot's
own tables to vouch for that snapshot: `verify` recomputes from the rows and compares with lines
written when the release went out.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from statpub.kernel.config import Settings
from statpub.kernel.errors import UserError

ENV_MANIFESTS = "STATPUB_MANIFESTS"
RECORD = "manifests.jsonl"
MANIFEST_VERSION = "statpub-manifest/1"
ROWS_DIGEST = "statpub-rows/1"
GENESIS = "0" * 64
EMPTY = hashlib.sha256(b"").hexdigest()  # the digest of a release without rows

# Row digests of the releases at hand, computed in one pass over the observations (a snapshot of
# ten million rows and hundreds of releases is scanned once, not once per release).
_PREPARE = (
    "CREATE OR REPLACE TEMP TABLE manifest_rows AS SELECT release_id, series_code, period, "
    "sha256(concat_ws(chr(9), period, coalesce(printf('%.17g', value), ''), status, coalesce(note, ''))) AS h "
    "FROM observations WHERE list_contains(?, release_id) ORDER BY release_id, series_code, period")


def prepare(cur: duckdb.DuckDBPyConnection, release_ids: list[str]) -> None:
    """Digest the rows of `release_ids` (call before the functions below, on the same cursor)."""
    cur.execute(_PREPARE, [sorted(release_ids)])


def manifests_dir(settings: Settings) -> Path:
    configured = os.environ.get(ENV_MANIFESTS)
    return Path(configured).resolve() if configured else settings.warehouse_dir / "manifests"


@dataclass(frozen=True)
class Drift:
    release: str
    what: str  # value | missing-row | added-row | rows | texts | file | record
    series: str | None = None
    period: str | None = None
    detail: str = ""

    def as_json(self) -> dict:
        return {"release": self.release, "what": self.what, "series": self.series, "period": self.period,
                "detail": self.detail}

    def __str__(self) -> str:
        where = " ".join(x for x in (self.release, self.series, self.period) if x)
        return f"{where}: {self.what}: {self.detail}"


@dataclass
class ManifestRecord:
    """The append-only record of manifests, one JSON object per line."""

    folder: Path
    lines: list[dict] = field(default_factory=list)
    problems: list[Drift] = field(default_factory=list)

    @classmethod
    def open(cls, folder: Path) -> ManifestRecord:
        record = cls(folder)
        path = folder / RECORD
        if not path.is_file():
            return record
        previous = GENESIS
        for number, raw in enumerate(path.read_bytes().splitlines(), start=1):
            try:
                line = json.loads(raw)
            except ValueError:
                record.problems.append(Drift("-", "record", detail=f"{RECORD} line {number} is not JSON"))
                break
            if line.get("prev") != previous:
                record.problems.append(Drift(line.get("release", "-"), "record", detail=(
                    f"{RECORD} line {number}: the chain of line hashes is broken (a line was edited, removed "
                    "or reordered)")))
            previous = hashlib.sha256(raw).hexdigest()
            record.lines.append(line)
        return record

    @property
    def head(self) -> str:
        path = self.folder / RECORD
        if not path.is_file() or not path.stat().st_size:
            return GENESIS
        return hashlib.sha256(path.read_bytes().splitlines()[-1]).hexdigest()

    def latest(self) -> dict[str, dict]:
        """Release id → its publication manifest (the first one: what went out)."""
        out: dict[str, dict] = {}
        for line in self.lines:
            if line.get("kind") == "publication":
                out.setdefault(line["release"], line)
        return out

    def files(self, release_id: str) -> dict[str, dict]:
        """Pinned path → its newest recorded entry (a newer format version supersedes an older)."""
        out: dict[str, dict] = {}
        for line in self.lines:
            if line.get("release") == release_id:
                for entry in line.get("files", []):
                    out[entry["path"]] = entry
        return out

    def append(self, line: dict) -> dict:
        """Append one line (fsynced), chained to the line before it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        line = {**line, "prev": self.head}
        raw = json.dumps(line, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        with open(self.folder / RECORD, "ab") as handle:
            handle.write(raw + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.lines.append(line)
        return line


def release_digests(cur: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, str]]:
    """Release id → (rows, series, digest) of every prepared release, in one pass: per series the
    sha256 of its row digests in period order, per release the sha256 of `code:digest` lines in
    code order (this module's rule, `statpub-rows/1`)."""
    rows = cur.execute(
        "WITH per_series AS (SELECT release_id, series_code, count(*) AS n, "
        "  sha256(string_agg(h, '' ORDER BY period)) AS d FROM manifest_rows GROUP BY release_id, series_code) "
        "SELECT release_id, sum(n)::BIGINT, count(*), sha256(string_agg(series_code || ':' || d, chr(10) "
        "ORDER BY series_code)) FROM per_series GROUP BY release_id").fetchall()
    return {rid: (int(n), int(series), digest) for rid, n, series, digest in rows}


def text_digests(cur: duckdb.DuckDBPyConnection, release_id: str) -> dict[str, str]:
    found = {lang: hashlib.sha256(text.encode()).hexdigest() for lang, text in cur.execute(
        "SELECT lang, markdown FROM interpretations WHERE release_id = ?", [release_id]).fetchall()}
    return {lang: found.get(lang, "-") for lang in ("zh", "en")}


def write_rows_sidecar(cur: duckdb.DuckDBPyConnection, release_ids: list[str], path: Path) -> str:
    """The 32-bit digest of each (release, series, period) of `release_ids` (prepared), as one
    Parquet file; returns its sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        cur.execute(
            # A file path cannot be a bound parameter of COPY; ours is the server's own, quotes refused.
            "COPY (SELECT release_id, series_code, period, ('0x' || left(h, 8))::UINTEGER AS digest "  # noqa: S608 - the path is ours (see _sql_path)
            "FROM manifest_rows WHERE list_contains(?, release_id) ORDER BY release_id, series_code, period) "
            f"TO '{_sql_path(tmp)}' (FORMAT parquet, COMPRESSION zstd)", [sorted(release_ids)])
        digest = file_sha256(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return digest


def locate(cur: duckdb.DuckDBPyConnection, release_id: str, sidecar: Path) -> list[Drift]:
    """Each (series, period) of the release whose row differs from the sidecar recorded at publication."""
    rows = cur.execute(
        "WITH now_rows AS (SELECT series_code, period, ('0x' || left(h, 8))::UINTEGER AS digest "  # noqa: S608 - the path is ours (see _sql_path)
        "  FROM manifest_rows WHERE release_id = ?), "
        f"then_rows AS (SELECT series_code, period, digest FROM read_parquet('{_sql_path(sidecar)}') "
        "  WHERE release_id = ?) "
        "SELECT coalesce(a.series_code, b.series_code), coalesce(a.period, b.period), a.digest, b.digest "
        "FROM then_rows a FULL JOIN now_rows b ON a.series_code = b.series_code AND a.period = b.period "
        "WHERE a.digest IS DISTINCT FROM b.digest ORDER BY 1, 2", [release_id, release_id]).fetchall()  # noqa: S608
    out = []
    for code, period, then, now in rows:
        if now is None:
            out.append(Drift(release_id, "missing-row", code, period, "published then, absent from the snapshot now"))
        elif then is None:
            out.append(Drift(release_id, "added-row", code, period, "in the snapshot now, not published then"))
        else:
            out.append(Drift(release_id, "value", code, period, "the value, flag or note differs from what was "
                                                                 "published"))
    return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _sql_path(path: Path) -> str:
    text = str(path)
    if "'" in text:
        raise UserError(f"{text}: a manifests folder path may not contain a quote")
    return text


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """One writer of the record at a time (records are rare; a second one waits)."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".record.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
