"""The public's latest figures of every series, worked out once per snapshot and public state.

Most answers are "the latest vintage of this series, now, for the public". Through DuckDB each
costs a point query and the gate's rules in Arrow (lookup.py, about 2 ms of CPU), and right after
a release instant no memo holds any of them. Yet the answer depends only on the snapshot and on
which releases are public (it changes only at instants), so it is worked out ahead for the whole
warehouse: one Arrow IPC file per snapshot and public state, beside the snapshot
(`statpub_v000042.duckdb.views/<state>.arrow`, removed with it by retention), sorted by series and
period, memory-mapped by every web worker (the page cache holds one copy for all of them). A
lookup is then a slice of it: microseconds, no query.

The file holds what the gate's own SQL for the latest figures answers (gate_queries, the statement
the bulk files run; tests check it against the DuckDB lookup). It is built in the background when
a worker first asks for a state, together with the state after the next instant, so that when
the instant comes the file is there: no request waits for a build, and until a file exists the
gate answers through DuckDB. A large snapshot's file is built by a child process (the query's
memory is not the web worker's); a lock file keeps workers from building the same file twice.
Which state a file holds is in its name: a hash of the snapshot file and of each visible release
with the instant its figures went public. Only the public's current latest figures come from these
files; pre-release readers, `as_of`, pinned vintages and every-vintage answers keep the DuckDB
path. `STATPUB_LATEST_VIEWS=0` turns them off.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from statpub.warehouse import publication
from statpub.warehouse.gate_queries import observations_sql, vintage_params
from statpub.warehouse.reader import Snapshot

log = logging.getLogger("statpub.gate")

ENV = "STATPUB_LATEST_VIEWS"
SUFFIX = ".views"  # beside the snapshot file: statpub_v000042.duckdb.views/
LAYOUT = "1"  # part of each file's name: a change to what the file holds is a new name
BATCH_ROWS = 1 << 17
RETRY_SECONDS = 30.0  # a state whose build failed or was left to another process is asked for again after this
KEPT_PER_SNAPSHOT = 3  # views kept mapped per snapshot: the current state's, the next one's, the one before
FILES_KEPT = 3  # files kept per snapshot: the current state's, the next one's, one spare
# From this many observations a file is built by a child process: the query's memory (about 600 MB
# for 1 M latest figures out of 10 M) is then never the web worker's.
CHILD_ROWS = 200_000


def enabled() -> bool:
    return os.environ.get(ENV, "1").strip() not in ("0", "false", "no", "off")


def views_dir(snapshot_path: Path) -> Path:
    return snapshot_path.with_name(snapshot_path.name + SUFFIX)


def state_key(snapshot: Snapshot, view: publication.PublicView) -> str:
    """The file name's stem: which snapshot file (its name, inode, size and time, so a warehouse
    rebuilt from scratch never meets its predecessor's files) and which releases, in the order of
    publication, each with the instant its figures went public (their vintage)."""
    stat = snapshot.path.stat()
    digest = hashlib.sha256(f"{LAYOUT}\0{snapshot.path.name}\0{stat.st_ino}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    for release in view.visible:
        vintage = publication.public_since(release) or release.instant
        digest.update(f"\0{release.id}\0{vintage.isoformat()}".encode())
    return digest.hexdigest()[:32]


class LatestView:
    """One state's latest figures, memory-mapped, with where each series' rows are."""

    def __init__(self, table: pa.Table):
        self.table = table
        self.runs = _runs(table.column("series_code"))

    @classmethod
    def open(cls, path: Path) -> LatestView:
        return cls(pa.ipc.open_file(pa.memory_map(str(path))).read_all())

    def rows(self, codes: tuple[str, ...], start: str | None = None, end: str | None = None) -> pa.Table:
        """What `ReleaseIndex.select(latest=True)` answers for these series: sorted by series and
        period, periods within start/end."""
        parts = [self.table.slice(*self.runs[code]) for code in sorted(set(codes)) if code in self.runs]
        if not parts:
            return self.table.slice(0, 0)
        rows = parts[0] if len(parts) == 1 else pa.concat_tables(parts)
        if start is not None or end is not None:
            period = rows.column("period")
            keep = None
            if start is not None:
                keep = pc.greater_equal(period, start)
            if end is not None:
                keep = pc.less_equal(period, end) if keep is None else pc.and_(keep, pc.less_equal(period, end))
            rows = rows.filter(keep)
        return rows


def _runs(codes: pa.ChunkedArray) -> dict[str, tuple[int, int]]:
    """Each series' (first row, row count) in a column sorted by series."""
    runs: dict[str, tuple[int, int]] = {}
    offset = 0
    for chunk in codes.chunks:
        encoded = pc.run_end_encode(chunk)
        first = 0
        for code, end in zip(encoded.values.to_pylist(), encoded.run_ends.to_pylist(), strict=True):
            if code in runs:  # the run goes on from the previous chunk
                begin, length = runs[code]
                runs[code] = (begin, length + end - first)
            else:
                runs[code] = (offset + first, end - first)
            first = end
        offset += len(chunk)
    return runs


def build(snapshot: Snapshot, view: publication.PublicView, path: Path) -> int:
    """Write the latest figures of `view` to `path` (atomically); returns the rows written."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    cur = snapshot.cursor()
    written = 0
    try:
        reader = cur.sql(observations_sql("true", latest=True),
                         params=vintage_params(view.visible)).to_arrow_reader(BATCH_ROWS)
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                written += batch.num_rows
        os.replace(tmp, path)
    finally:
        cur.close()
        tmp.unlink(missing_ok=True)
    return written


# -- per process: the views opened, and the builds asked for ------------------------------------
@dataclass
class _PerSnapshot:
    keys: dict[tuple[str, ...], str] = field(default_factory=dict)  # view.ids → state key
    opened: dict[str, LatestView] = field(default_factory=dict)
    asked: dict[str, float] = field(default_factory=dict)  # state key → when a build was last asked
    unreadable: set[str] = field(default_factory=set)  # said once; those states go through DuckDB
    next_asked: set[str] = field(default_factory=set)  # states whose next state was asked for
    off: bool = False  # the snapshot was closed, or its folder cannot be written


@dataclass(frozen=True)
class _Asked:
    snapshot: Snapshot
    view: publication.PublicView
    at: datetime  # an instant of the state (a child process finds the state from it)
    key: str


_STATE: weakref.WeakKeyDictionary[Snapshot, _PerSnapshot] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
_WAKE = threading.Condition(_LOCK)
_QUEUE: list[_Asked] = []
_builder: threading.Thread | None = None


def ready(snapshot: Snapshot, view: publication.PublicView, now: datetime) -> LatestView | None:
    """The latest view of the public state `view` (the one at `now`) if its file exists, opened
    once per process; else None, having asked for it to be built. Either way, once per state, the
    state after the next instant is asked for too, so that its file is there when the instant comes."""
    if not enabled():
        return None
    state = _STATE.get(snapshot) or _start(snapshot)
    if state.off:
        return None
    key = state.keys.get(view.ids)
    if key is None:
        key = state.keys[view.ids] = state_key(snapshot, view)
    found = state.opened.get(key)
    if found is None and key not in state.unreadable:
        path = path_of(snapshot, key)
        found = _open(state, key, path) if path.is_file() else None
        if found is None and key not in state.unreadable:
            _ask(state, _Asked(snapshot, view, now, key))
    if key not in state.next_asked and view.upcoming:
        # The state after the next instant, once per state: ready when its instant comes.
        state.next_asked.add(key)
        at = view.upcoming[0][0]
        coming = publication.public_view(snapshot, at)
        _ask(state, _Asked(snapshot, coming, at, state_key(snapshot, coming)))
    return found


def _open(state: _PerSnapshot, key: str, path: Path) -> LatestView | None:
    """Map the file of a state and find its series (16 ms for a million figures), keeping the
    KEPT_PER_SNAPSHOT last opened; None if it is gone meanwhile or cannot be read (said once)."""
    try:
        found = LatestView.open(path)
    except FileNotFoundError:  # removed meanwhile (a state gone by): asked for again
        return None
    except (OSError, pa.ArrowInvalid) as exc:
        state.unreadable.add(key)
        log.warning("latest view %s cannot be read (%s); lookups of its state go through DuckDB", path, exc)
        return None
    with _LOCK:
        while len(state.opened) >= KEPT_PER_SNAPSHOT:
            state.opened.pop(next(iter(state.opened)))
        state.opened[key] = found
    return found


def _start(snapshot: Snapshot) -> _PerSnapshot:
    with _LOCK:
        state = _STATE.get(snapshot)
        if state is None:
            state = _STATE[snapshot] = _PerSnapshot()
            # Closed (a newer snapshot serves): drop its mapped files and build nothing more for it.
            snapshot.on_close(functools.partial(_forget, weakref.ref(snapshot)))
    return state


def _forget(ref: weakref.ref) -> None:
    snapshot = ref()
    state = _STATE.pop(snapshot, None) if snapshot is not None else None
    if state is not None:
        state.off = True
        state.opened.clear()


def _ask(state: _PerSnapshot, asked: _Asked) -> None:
    global _builder
    now = time.monotonic()
    with _LOCK:
        if now - state.asked.get(asked.key, -RETRY_SECONDS) < RETRY_SECONDS:
            return
        state.asked[asked.key] = now
        _QUEUE.append(asked)
        if _builder is None or not _builder.is_alive():
            _builder = threading.Thread(target=_build_asked, name="statpub-latest-views", daemon=True)
            _builder.start()
        _WAKE.notify()


def _build_asked() -> None:
    """The background builder: one thread per process, idle when nothing is asked."""
    while True:
        with _WAKE:
            while not _QUEUE:
                _WAKE.wait()
            asked = _QUEUE.pop(0)
        state = _STATE.get(asked.snapshot)
        try:
            if state is None or state.off or asked.key in state.opened or asked.key in state.unreadable:
                continue
            path = path_of(asked.snapshot, asked.key)
            if not path.is_file() and rows_of(asked.snapshot) >= CHILD_ROWS:
                _build_in_child(asked)
            elif not path.is_file():
                build_state(asked.snapshot, asked.view, asked.key)
            if path.is_file() and not state.off:  # mapped ahead: the state's first request finds it ready
                _open(state, asked.key, path)
        except PermissionError as exc:  # a warehouse folder this process may not write: said once
            state.off = True
            log.warning("latest views of %s cannot be written (%s); its lookups go through DuckDB",
                        asked.snapshot.name, exc)
        except Exception:  # the DuckDB path goes on serving; the state is asked for again later
            if not state.off:  # (a snapshot closed while its file was built: nothing to say)
                log.warning("latest view %s of %s not built", asked.key, asked.snapshot.name, exc_info=True)
        finally:
            del asked, state


def path_of(snapshot: Snapshot, key: str) -> Path:
    return views_dir(snapshot.path) / f"{key}.arrow"


def rows_of(snapshot: Snapshot) -> int:
    return sum(r.observation_count or 0 for r in snapshot.releases.values())


def _build_in_child(asked: _Asked) -> None:
    command = [sys.executable, "-m", "statpub.warehouse.latest_view", str(asked.snapshot.path), asked.at.isoformat()]
    done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=False)  # noqa: S603 - our own module
    if done.returncode != 0:
        log.warning("latest view %s of %s: the building process exited with %s", asked.key,
                    asked.snapshot.name, done.returncode)


def build_state(snapshot: Snapshot, view: publication.PublicView, key: str | None = None) -> Path | None:
    """Build the file of this state in this process unless it exists or another process is
    building it; returns its path when it exists afterwards."""
    key = key or state_key(snapshot, view)
    path = path_of(snapshot, key)
    if path.is_file():
        return path
    path.parent.mkdir(exist_ok=True)
    lock_path = path.with_suffix(".lock")
    with open(lock_path, "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # another process builds it; asked again after RETRY_SECONDS
        if path.is_file():
            return path
        started = time.perf_counter()
        rows = build(snapshot, view, path)
        lock_path.unlink(missing_ok=True)
    log.info(json.dumps({"event": "latest_view_built", "snapshot": snapshot.name, "state": key, "rows": rows,
                         "seconds": round(time.perf_counter() - started, 3), "pid": os.getpid()}))
    _prune(path.parent)
    return path


def _prune(folder: Path) -> None:
    """Keep the FILES_KEPT newest files of a snapshot: states are built in the order of their
    instants, so older files hold states already past (a worker still mapping one keeps reading
    it; the disk space comes back when it lets go)."""
    files = []
    for path in folder.glob("*.arrow"):
        try:
            files.append((path.stat().st_mtime_ns, path))
        except FileNotFoundError:
            continue
    for _mtime, path in sorted(files, reverse=True)[FILES_KEPT:]:
        path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    """`python -m statpub.warehouse.latest_view SNAPSHOT INSTANT`: build the file of the public
    state at INSTANT (what a web worker runs for a large snapshot)."""
    from statpub.kernel import logs
    from statpub.kernel.clock import parse_instant
    from statpub.warehouse.reader import open_snapshot

    snapshot_path, instant = argv if argv is not None else sys.argv[1:]
    logs.configure()
    snapshot = open_snapshot(Path(snapshot_path))
    try:
        build_state(snapshot, publication.public_view(snapshot, parse_instant(instant)))
    finally:
        snapshot.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
