"""Snapshots on an S3-compatible object store, and app nodes that follow it.

`STATPUB_OBJECT_STORE_URL=s3://bucket/prefix` names the place; boto3 finds the endpoint and keys
in the usual variables (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
`AWS_DEFAULT_REGION`, or a profile). Layout under the prefix:

    snapshots/statpub_v000042.duckdb   a complete snapshot (PRIVATE: it holds embargoed figures),
                                       with its SHA-256 in the object's metadata
    snapshots/current.json             {"name", "sha256", "size"}: written after the snapshot, so
                                       a reader never sees a pointer to a missing or partial file
    public/…                           files the public (or a CDN) may read: only what the gate
                                       has made public (see statpub/dashboards/objectfiles.py)

Only `public/` may be readable without keys (bucket policy); everything else stays private.

A node follows the store as it follows the local `current` symlink: `SnapshotFollower.poll()`
reads `current.json`; when it names a snapshot the node does not have, it downloads it beside the
others under a temporary name, checks size and SHA-256, renames it and swaps the `current`
symlink (atomic), so readers move on at their next request. A node that cannot reach the store
keeps serving what it has; its state (`status()`) says so in /healthz and a warning is logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from statpub.kernel.errors import UserError
from statpub.warehouse.snapshots import SNAPSHOT_RE, SnapshotStore

ENV_URL = "STATPUB_OBJECT_STORE_URL"
ENV_POLL = "STATPUB_OBJECT_STORE_POLL"  # seconds between a node's looks at current.json (default 2)
# Where the public reads `public/` (the CDN, or the bucket's public address): pinned files of the
# vintages listed complete there are answered with a redirect to it.
ENV_FILES_BASE = "STATPUB_FILES_BASE_URL"
POINTER = "snapshots/current.json"
COMPLETE = "public/api/v1/files/complete.json"  # the vintages whose files are all uploaded
FOLLOWER_KEY = "statpub.snapshot_follower"
log = logging.getLogger("statpub.objectstore")


@dataclass(frozen=True)
class ObjectStore:
    bucket: str
    prefix: str  # no leading or trailing slash; may be empty

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ObjectStore | None:
        url = (os.environ if env is None else env).get(ENV_URL, "").strip()
        if not url:
            return None
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise UserError(f"{ENV_URL}={url!r}: expected s3://bucket/prefix")
        return cls(parsed.netloc, parsed.path.strip("/"))

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def client(self):
        import boto3
        from botocore.config import Config

        # Short timeouts: a node asks often and must not hang a thread on an unreachable store.
        return boto3.client("s3", config=Config(connect_timeout=3, read_timeout=30,
                                                retries={"max_attempts": 2, "mode": "standard"}))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def upload_snapshot(store: ObjectStore, data_dir: Path, client=None) -> dict | None:
    """Upload the current local snapshot if the store's pointer names another; then move the
    pointer. Returns the pointer written, or None when the store already had it."""
    snapshot = SnapshotStore(data_dir).current()
    if snapshot is None:
        raise UserError(f"no snapshot in {data_dir}: run `statpub load` first")
    client = client or store.client()
    existing = read_pointer(store, client)
    if existing and existing.get("name") == snapshot.name:
        return None
    pointer = {"name": snapshot.name, "sha256": sha256_of(snapshot), "size": snapshot.stat().st_size}
    with open(snapshot, "rb") as body:
        client.upload_fileobj(body, store.bucket, store.key(f"snapshots/{snapshot.name}"), ExtraArgs={
            "Metadata": {"sha256": pointer["sha256"]}, "ContentType": "application/vnd.duckdb",
            "CacheControl": "private, no-store"})
    client.put_object(Bucket=store.bucket, Key=store.key(POINTER), Body=json.dumps(pointer).encode(),
                      ContentType="application/json", CacheControl="private, no-store")
    log.info(json.dumps({"event": "snapshot_uploaded", **pointer}))
    return pointer


def read_pointer(store: ObjectStore, client) -> dict | None:
    return read_json(store, client, POINTER)


def read_json(store: ObjectStore, client, name: str):
    """The JSON object stored under `name`, or None when there is none."""
    from botocore.exceptions import ClientError

    try:
        body = client.get_object(Bucket=store.bucket, Key=store.key(name))["Body"].read()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise
    return json.loads(body)


class SnapshotFollower:
    """Keeps one node's local snapshot folder at the store's current snapshot."""

    def __init__(self, store: ObjectStore, data_dir: Path, poll_seconds: float = 2.0,
                 files_base: str | None = None):
        self.store = store
        self.files_base = (files_base or "").rstrip("/") or None
        self.public_vintages: frozenset[str] = frozenset()
        self.snapshots = SnapshotStore(data_dir)
        self.poll_seconds = poll_seconds
        self._client = None
        self._state = {"reachable": None, "last_ok": None, "error": None, "following": None}
        self._lock = threading.Lock()

    def file_url(self, vintage: str, rest: str) -> str | None:
        """The public address of a pinned file on the store / CDN, once its vintage is complete."""
        if self.files_base is None or vintage not in self.public_vintages:
            return None
        return f"{self.files_base}/api/v1/files/{vintage}/{rest}"

    def status(self) -> dict:
        with self._lock:
            return dict(self._state)

    def poll(self) -> bool:
        """One look at the store; True when a new snapshot was swapped in."""
        try:
            self._client = self._client or self.store.client()
            pointer = read_pointer(self.store, self._client)
            changed = pointer is not None and self._adopt(pointer)
            if self.files_base:
                self.public_vintages = frozenset(read_json(self.store, self._client, COMPLETE) or ())
        except Exception as error:  # noqa: BLE001 - any failure: keep serving what we have
            self._record_failure(error)
            return False
        with self._lock:
            if self._state["reachable"] is False:
                log.warning(json.dumps({"event": "object_store_reachable_again"}))
            self._state.update(reachable=True, last_ok=time.time(), error=None,
                               following=pointer.get("name") if pointer else None)
        return changed

    def _record_failure(self, error: Exception) -> None:
        with self._lock:
            first = self._state["reachable"] is not False
            self._state.update(reachable=False, error=f"{type(error).__name__}: {error}"[:300])
        if first:
            current = self.snapshots.current()
            log.warning(json.dumps({"event": "object_store_unreachable", "error": str(error)[:300],
                                    "serving": current.name if current else None}))

    def _adopt(self, pointer: dict) -> bool:
        name = pointer["name"]
        if not SNAPSHOT_RE.match(name):
            raise ValueError(f"store pointer names {name!r}, not a snapshot file")
        current = self.snapshots.current()
        if current is not None and current.name == name:
            return False
        try:
            lock = self.snapshots.writer_lock()
            lock.__enter__()
        except UserError:
            return False  # another worker of this node is fetching it
        try:
            current = self.snapshots.current()
            if current is not None and current.name == name:
                return False
            target = self.snapshots.data_dir / name
            if not target.exists():
                self._download(name, pointer, target)
            self.snapshots.publish(target)
            self.snapshots.collect_garbage()
        finally:
            lock.__exit__(None, None, None)
        log.info(json.dumps({"event": "snapshot_followed", "name": name, "sha256": pointer["sha256"]}))
        return True

    def _download(self, name: str, pointer: dict, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{name}.{os.getpid()}.part")
        try:
            self._client.download_file(self.store.bucket, self.store.key(f"snapshots/{name}"), str(partial))
            if partial.stat().st_size != pointer["size"] or sha256_of(partial) != pointer["sha256"]:
                raise ValueError(f"snapshot {name}: checksum mismatch after download; not swapped in")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.poll()
            stop.wait(self.poll_seconds)


_followers: dict[tuple[str, int], SnapshotFollower] = {}
_followers_lock = threading.Lock()


def follower_for(data_dir: Path, env: Mapping[str, str] | None = None) -> SnapshotFollower | None:
    """This process's follower for `data_dir` when a store is configured (started on first call,
    again after a fork), else None."""
    key = (str(data_dir), os.getpid())
    if key in _followers:
        return _followers[key]
    store = ObjectStore.from_env(env)
    if store is None:
        return None
    with _followers_lock:
        follower = _followers.get(key)
        if follower is None:
            source = os.environ if env is None else env
            follower = SnapshotFollower(store, Path(data_dir), float(source.get(ENV_POLL, "2")),
                                        source.get(ENV_FILES_BASE))
            follower.poll()  # the first look before serving, so a new node starts current
            threading.Thread(target=follower.run_forever, args=(threading.Event(),),
                             name="statpub-snapshot-follower", daemon=True).start()
            _followers[key] = follower
    return follower
