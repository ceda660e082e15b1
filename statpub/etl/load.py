"""Loading releases atomically: stage → validate → write a new snapshot → swap it in.

The whole load is one snapshot: if any release has a problem, nothing is written and the previous
snapshot keeps serving. Releases whose files and calendar entry did not change are skipped; a
release that has gone public can never be overwritten (a later release revises it instead).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from statpub.etl import checking, onepass, register_load
from statpub.etl import review_stages as review
from statpub.etl.interpretations import check_and_load
from statpub.etl.review_config import ReviewConfig, load_review_config
from statpub.etl.staging import SourceContext
from statpub.etl.sync import entry_json, refresh_counts, sync_calendar, sync_catalogue
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.kernel.content import Calendar, Catalogue, ContentRoot, Release
from statpub.kernel.errors import Problem, ValidationFailed
from statpub.kernel.hashing import sha256_of
from statpub.kernel.office import load_office, office_path
from statpub.warehouse.snapshots import SnapshotStore

# progress(message, done, total): `done` releases of `total` written so far.
Progress = Callable[[str, int, int], None]


@dataclass
class LoadResult:
    snapshot: str | None
    loaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    awaiting: list[str] = field(default_factory=list)
    rows: int = 0
    seconds: float = 0.0
    planned: int = 0  # releases to load (for progress)


@dataclass(frozen=True)
class PreviousState:
    files: dict[str, str]  # release id → fingerprint of its files and entry
    public: dict[str, tuple[datetime, str, datetime, datetime]]  # gone public: id → (instant, state, since, known)
    content: dict[str, str]


def release_fingerprint(root: Path, release: Release, catalogue_sha: str) -> str:
    """What a release's load depends on, as `<data files>:<data files + entry + catalogue>`.
    For a release that has gone public only the first half may not change: a later catalogue or
    calendar edit is metadata, not an attempt to rewrite published figures."""
    files = hashlib.sha256()
    folder = root / "releases" / release.id
    if folder.is_dir():
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            files.update(f"{path.name}:{sha256_of(path)}\n".encode())
    data = files.hexdigest()
    full = hashlib.sha256(f"{data}\n{entry_json(release)}\n{catalogue_sha}".encode()).hexdigest()
    return f"{data}:{full}"


def _previous_state(path: Path | None, now: datetime) -> PreviousState:
    if path is None:
        return PreviousState({}, {}, {})
    con = duckdb.connect(str(path), read_only=True)
    try:
        content = dict(con.execute("SELECT key, value FROM content_state").fetchall())
        files = {k.removeprefix("release:"): v for k, v in content.items() if k.startswith("release:")}
    finally:
        con.close()
    # Gone public = public per that snapshot's gate rules (instant passed and approved).
    return PreviousState(files, review.previously_public(path, now), content)


def _guard_published(calendar: Calendar, previous: PreviousState) -> list[Problem]:
    problems = []
    for rid, (instant, *_rest) in previous.public.items():
        entry = calendar.by_id.get(rid)
        if entry is None:
            problems.append(Problem("calendar.yaml", None, None, None,
                                    f"release {rid} has gone public and cannot be removed from the calendar"))
        elif entry.instant != instant or not entry.publishable_state:
            problems.append(Problem("calendar.yaml", None, None, f"releases[{rid}]",
                                    f"release {rid} went public at {instant.isoformat()}; its instant and "
                                    "state can no longer change"))
    return problems


@dataclass
class Plan:
    """What a load will do, decided before anything is written."""

    to_load: list[Release]
    fingerprints: dict[str, str]
    state: dict[str, str]  # content_state of the new snapshot, but for per-release fingerprints
    unchanged: bool  # nothing to load and no metadata changed: keep the current snapshot


def load(settings: Settings, release_ids: list[str] | None = None, *, clock: Clock,
         user: str | None = None, progress: Progress | None = None) -> LoadResult:
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    content = settings.content
    catalogue, calendar = _content_or_every_problem(content, settings.warehouse_dir / "tmp")
    if office_path(content).is_file():  # who publishes: a bad office.yaml stops the load (line and field)
        load_office(content, catalogue)
    calendar.require(release_ids or [])
    store = SnapshotStore(settings.warehouse_dir)
    now = clock.now()
    result = LoadResult(snapshot=None)
    log = {"load_id": uuid.uuid4().hex, "started_at": started_at.isoformat(), "user": user or getpass.getuser(),
           "host": socket.gethostname(), "releases": [], "files": [], "rows": 0}
    say = _reporter(progress, result)
    try:
        with store.writer_lock():
            store.collect_garbage()  # what killed loads left, even when this load has nothing to do
            previous = _previous_state(store.current(), now)
            plan = _plan(content, calendar, release_ids, previous, result)
            if plan.unchanged:
                say("warehouse up to date")
                result.snapshot = store.current().name if store.current() else None
                result.seconds = time.perf_counter() - started
                return result
            with store.build() as (con, path):
                say(f"building {path.name}")
                _build(con, settings, catalogue, calendar, plan, previous, now, result, log, say)
                con.execute(
                    "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ok', NULL, ?)",
                    [log["load_id"], started_at, datetime.now(UTC), log["user"], log["host"], result.loaded,
                     json.dumps(log["files"], ensure_ascii=False), result.rows, path.name],
                )
                result.snapshot = path.name
    except Exception as exc:
        log.update(result="failed", message=getattr(exc, "message", str(exc)),
                   finished_at=datetime.now(UTC).isoformat())
        _append_log(store, log)
        raise
    log.update(result="ok", snapshot=result.snapshot, finished_at=datetime.now(UTC).isoformat())
    _append_log(store, log)
    result.seconds = time.perf_counter() - started
    return result


def _reporter(progress: Progress | None, result: LoadResult) -> Callable[[str], None]:
    def say(message: str) -> None:
        if progress is not None:
            progress(message, len(result.loaded), result.planned)
    return say


def _plan(content: ContentRoot, calendar: Calendar, release_ids: list[str] | None, previous: PreviousState,
          result: LoadResult) -> Plan:
    """Which releases to load (files or entry changed), which to skip, and what refuses the load:
    a release that has gone public may not change its files, instant or state."""
    problems = _guard_published(calendar, previous)
    catalogue_sha = sha256_of(content.catalogue_path)
    calendar_sha = sha256_of(content.calendar_path)
    review_state = review.state_entries(content)
    # Disclosure rules shape the published rows: a change reloads what is not public.
    rules_sha = f"{catalogue_sha}+{review_state['review']}"
    to_load, fingerprints = [], {}
    for release in (r for r in calendar.releases if not release_ids or r.id in release_ids):
        if not content.release_dir(release.id).is_dir() or not release.sources:
            result.awaiting.append(release.id)  # announced; its data has not arrived yet
            continue
        fp = fingerprints[release.id] = release_fingerprint(content.root, release, rules_sha)
        before = previous.files.get(release.id, ":")
        if before == fp or (release.id in previous.public and before.split(":")[0] == fp.split(":")[0]):
            result.skipped.append(release.id)
            fingerprints[release.id] = before
        elif release.id in previous.public:
            problems.append(Problem(f"releases/{release.id}", None, None, None,
                                    f"release {release.id} has gone public; its files changed, but "
                                    "published figures are never overwritten (publish a revision, or "
                                    f"a correction with `statpub correct {release.id}`)"))
        else:
            to_load.append(release)
    if problems:
        raise ValidationFailed(problems, context="load refused")
    state = {"catalogue": catalogue_sha, "calendar": calendar_sha, **review_state,
             "register": register_load.fingerprint(content.root)}
    office = office_path(content)
    if office.is_file():  # public metadata too: a change makes a new snapshot (to be reviewed)
        state["office"] = sha256_of(office)
    unchanged = not to_load and all(previous.content.get(k) == v for k, v in state.items())
    result.planned = len(to_load)
    return Plan(sorted(to_load, key=lambda r: (r.instant, r.id)), fingerprints, state, unchanged)


def _build(con: duckdb.DuckDBPyConnection, settings: Settings, catalogue: Catalogue, calendar: Calendar,
           plan: Plan, previous: PreviousState, now: datetime, result: LoadResult, log: dict,
           say: Callable[[str], None]) -> None:
    """Write the new snapshot: metadata, each release to load (all of them or none), then the
    review stages and the content state."""
    content = settings.content
    review_config = load_review_config(content)
    con.execute("SET TimeZone = 'UTC'")
    sync_catalogue(con, catalogue)
    review.record_schedule_changes(con, calendar, now)
    sync_calendar(con, calendar)
    for (rid,) in con.execute("SELECT DISTINCT release_id FROM observations").fetchall():
        if rid not in calendar.by_id:
            _delete_release(con, rid)
    all_problems: list[Problem] = []
    source_index = 0
    data_hashes: dict[str, str] = {}  # `data` parts taken by the single pass
    for release in plan.to_load:
        say(f"reading, checking and writing {release.id}")
        tmp_dir = settings.warehouse_dir / "tmp"
        written = _single_pass(con, content, release, catalogue, review_config, source_index, tmp_dir)
        if written is not None:
            contexts, data_hashes[release.id] = written
            rows = sum(c.rows for c in contexts)  # counted in the snapshot, per file
        else:  # something is off (or the files are not long-layout CSV): check every row, say where
            contexts, problems = checking.checked_release(con, content, release, catalogue, source_index, tmp_dir)
            if problems:
                all_problems += problems
                source_index += len(release.sources)
                continue
            say(f"writing {release.id}")
            rows = _write_release(con, release, contexts)
            review.after_write(con, release.id, catalogue, review_config)
            _drop_stage(con, contexts)
        source_index += len(release.sources)
        result.rows += rows
        result.loaded.append(release.id)
        log["files"] += [{"release": release.id, "file": c.file, "sha256": c.sha256,
                          "rows": c.rows, "encoding": c.encoding} for c in contexts]
    if all_problems:
        raise ValidationFailed(all_problems, context="load failed; nothing was changed")
    refresh_counts(con)
    review.finish(con, content, catalogue, calendar, review_config, result.loaded, previous.public, now,
                  data_hashes)
    say("register")
    register_load.sync_register(con, content.root, now)
    state = dict(plan.state)
    for rid in calendar.by_id:
        kept = rid in result.loaded or rid in result.skipped
        fp = plan.fingerprints.get(rid) if kept else previous.files.get(rid)
        if fp is not None:
            state[f"release:{rid}"] = fp
    con.execute("DELETE FROM content_state")
    con.executemany("INSERT INTO content_state VALUES (?, ?)", [[k, v] for k, v in state.items()])
    log.update(releases=result.loaded, rows=result.rows)


def _content_or_every_problem(content: ContentRoot, tmp_dir: Path) -> tuple[Catalogue, Calendar]:
    """The catalogue and calendar; when the catalogue is wrong but the calendar reads, the source
    files are still read (encodings, CSV rows, headers, mappings, provenance need no catalogue) so
    that their problems come with the catalogue's, not one fix later."""
    try:
        return content.load_content()
    except ValidationFailed as exc:
        problems = list(exc.problems)
        try:
            calendar = content.load_calendar()
        except ValidationFailed:
            raise exc from None
    con = duckdb.connect()
    try:
        index = 0
        for release in calendar.releases:
            if content.release_dir(release.id).is_dir():
                _contexts, read, provenance = checking.stage_release(con, content.root, release, index, tmp_dir)
                problems += read + provenance
            index += len(release.sources)
    finally:
        con.close()
    raise ValidationFailed(problems, context="content")


def _single_pass(con: duckdb.DuckDBPyConnection, content: ContentRoot, release: Release, catalogue: Catalogue,
                 review_config: ReviewConfig, first_index: int, tmp_dir: Path) -> tuple[list[SourceContext], str] | None:
    """A clean release in one statement, then its disclosure control and one aggregate for the
    duplicate keys, the promised series and its `data` hash; None (nothing of it left written)
    when the checking path must take it."""
    _delete_release(con, release.id, keep_interpretations=True)
    written = onepass.write_release(con, content.root, release, catalogue, first_index, tmp_dir)
    if written is None:
        return None
    data_hash = None
    if not check_and_load(con, release.id, content.release_dir(release.id), f"releases/{release.id}"):
        try:
            review.after_write(con, release.id, catalogue, review_config)
            data_hash = onepass.complete(con, release)
        except ValidationFailed:
            data_hash = None
    if data_hash is None:
        onepass.discard(con, release.id)
        return None
    onepass.done(con)
    _record_sources(con, release, written.contexts)
    return written.contexts, data_hash


def _write_release(con: duckdb.DuckDBPyConnection, release: Release, contexts: list[SourceContext]) -> int:
    _delete_release(con, release.id, keep_interpretations=True)
    first = min(ctx.index for ctx in contexts)
    files = [ctx.file for ctx in sorted(contexts, key=lambda c: c.index)]
    # Sorted by series so that one series is a point lookup (zone maps skip the rest).
    con.execute(
        "INSERT INTO observations SELECT c.series_code, c.period, c.value_num * c.factor, c.status, "
        "CASE WHEN c.marks IS NULL THEN c.note ELSE concat_ws(' ', c.note, '注' || c.marks) END, "
        "c.n_units, c.top2_share, ?, (?::VARCHAR[])[c.src - ? + 1], c.row FROM checked c "
        "ORDER BY c.series_code, c.period",
        [release.id, files, first],
    )
    _record_sources(con, release, contexts)
    return con.execute("SELECT count(*) FROM observations WHERE release_id = ?", [release.id]).fetchone()[0]


def _record_sources(con: duckdb.DuckDBPyConnection, release: Release, contexts: list[SourceContext]) -> None:
    con.executemany(
        "INSERT INTO source_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [[release.id, c.file, c.sheet, c.sha256, c.bytes, c.rows, c.encoding,
          json.dumps(c.provenance, ensure_ascii=False) if c.provenance else None] for c in contexts],
    )


def _delete_release(con: duckdb.DuckDBPyConnection, release_id: str, keep_interpretations: bool = False) -> None:
    """Only ever called for releases that have not gone public (guarded by the caller)."""
    con.execute("DELETE FROM observations WHERE release_id = ?", [release_id])
    con.execute("DELETE FROM source_files WHERE release_id = ?", [release_id])
    if not keep_interpretations:
        con.execute("DELETE FROM interpretations WHERE release_id = ?", [release_id])


def _drop_stage(con: duckdb.DuckDBPyConnection, contexts: list[SourceContext]) -> None:
    for ctx in contexts:
        con.execute(f'DROP TABLE IF EXISTS "stage_{ctx.index}"')  # noqa: S608 - name is ours


def _append_log(store: SnapshotStore, entry: dict) -> None:
    """Best effort: on a full disk the log line is lost, not the load's own error (or result)."""
    try:
        store.data_dir.mkdir(parents=True, exist_ok=True)
        with open(store.data_dir / "load_log.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
    except OSError as exc:
        logging.getLogger("statpub.load").warning("load_log.jsonl not written: %s", exc)
