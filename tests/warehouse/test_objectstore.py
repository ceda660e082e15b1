"""Snapshots and files on a real S3-compatible server (SeaweedFS): upload with checksums, a node
following the store and swapping atomically, a corrupt download refused, public files only after
their instant with the site's Content-Type and Cache-Control, and the private snapshot."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.errors import UserError
from statpub.warehouse.gate import Gate
from statpub.warehouse.objectstore import ObjectStore, SnapshotFollower, sha256_of, upload_snapshot
from statpub.warehouse.reader import WarehouseReader
from statpub.warehouse.snapshots import SnapshotStore
from tests.fixtures.press import private_site
from tests.topology.objectstore import BUCKET

RELEASE = "2025-gdp-final-verification"
INSTANT = parse_instant("2026-12-10T10:00:00+08:00")


@pytest.fixture
def place(s3_server, monkeypatch) -> ObjectStore:
    for name, value in s3_server.env(prefix=f"t-{uuid.uuid4().hex[:8]}").items():
        monkeypatch.setenv(name, value)
    return ObjectStore.from_env()


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_settings):
    return private_site(tmp_path_factory.mktemp("objectstore"), demo_settings)


def test_the_url_names_bucket_and_prefix():
    assert ObjectStore.from_env({"STATPUB_OBJECT_STORE_URL": "s3://b/some/prefix/"}) == ObjectStore("b", "some/prefix")
    assert ObjectStore.from_env({}) is None
    with pytest.raises(UserError, match="s3://bucket/prefix"):
        ObjectStore.from_env({"STATPUB_OBJECT_STORE_URL": "https://b/x"})


def test_a_node_follows_the_store_and_refuses_a_corrupt_snapshot(place, site, tmp_path: Path, s3_server):
    pointer = upload_snapshot(place, site.warehouse_dir)
    assert pointer["sha256"] == sha256_of(SnapshotStore(site.warehouse_dir).current())
    assert upload_snapshot(place, site.warehouse_dir) is None  # the store has it already
    head = s3_server.client().head_object(Bucket=BUCKET, Key=place.key(f"snapshots/{pointer['name']}"))
    assert head["Metadata"]["sha256"] == pointer["sha256"]
    node = SnapshotFollower(place, tmp_path / "node")
    assert node.poll() and SnapshotStore(tmp_path / "node").current().name == pointer["name"]
    assert not node.poll() and node.status()["reachable"] is True
    # A pointer whose checksum does not match what is downloaded: nothing is swapped in.
    bad = {**pointer, "name": "statpub_v999999.duckdb"}
    client = s3_server.client()
    client.copy_object(Bucket=BUCKET, Key=place.key("snapshots/statpub_v999999.duckdb"),
                       CopySource={"Bucket": BUCKET, "Key": place.key(f"snapshots/{pointer['name']}")})
    client.put_object(Bucket=BUCKET, Key=place.key("snapshots/current.json"),
                      Body=json.dumps({**bad, "sha256": "0" * 64}).encode())
    assert not node.poll()
    assert node.status()["reachable"] is False and "checksum" in node.status()["error"]
    assert SnapshotStore(tmp_path / "node").current().name == pointer["name"]
    assert not list((tmp_path / "node").glob("*999999*")) and not list((tmp_path / "node").glob(".*part"))


def test_an_unreachable_store_keeps_what_the_node_has(tmp_path: Path):
    from tests.helpers import free_port

    node = SnapshotFollower(ObjectStore("b", "p"), tmp_path / "node")
    import os
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}"
    try:
        assert not node.poll()
    finally:
        del os.environ["AWS_ENDPOINT_URL"]
    assert node.status()["reachable"] is False and node.status()["error"]


def test_files_go_public_only_after_their_instant(place, site, s3_server):
    from statpub.dashboards.objectfiles import PUBLIC, publish_files

    client = s3_server.client()
    before = publish_files(site, Clock(start=INSTANT - timedelta(seconds=1)), place)
    assert not any(p.startswith(f"{RELEASE}/") for p in before.uploaded)
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=place.key(f"{PUBLIC}/api/v1/files/{RELEASE}/"))
    assert listed.get("KeyCount", 0) == 0
    after = publish_files(site, Clock(start=INSTANT + timedelta(seconds=1)), place)
    assert f"{RELEASE}/values.parquet" in after.uploaded and f"{RELEASE}/releases/{RELEASE}.csv" in after.uploaded
    head = client.head_object(Bucket=BUCKET, Key=place.key(f"{PUBLIC}/api/v1/files/{RELEASE}/values.csv"))
    assert head["ContentType"].startswith("text/csv") and "immutable" in head["CacheControl"]
    latest = client.head_object(Bucket=BUCKET, Key=place.key(f"{PUBLIC}/api/v1/files/latest/values.csv"))
    next_instant = Gate(WarehouseReader(site.warehouse_dir).snapshot(), INSTANT + timedelta(seconds=1)).next_instant()
    assert latest["CacheControl"] == "public" and "max-age" not in latest["CacheControl"]
    assert latest["Expires"] == next_instant  # absolute: no cache holds it past the next instant
    again = publish_files(site, Clock(start=INSTANT + timedelta(seconds=2)), place)
    assert RELEASE in again.skipped_vintages and not any(p.startswith(f"{RELEASE}/") for p in again.uploaded)
    # Without keys, nothing is readable (the bucket policy would open public/ only).
    assert requests.get(f"{s3_server.endpoint}/{BUCKET}/{place.key('snapshots/current.json')}", timeout=10).status_code == 403


def test_the_files_job_is_registered_with_the_scheduler(site, place):
    from statpub.cli.scheduler_commands import load_jobs

    jobs = {job.name: job for job in load_jobs(site, plugins=[])}  # the layers' own jobs
    assert "objectstore.files" in jobs
    assert jobs["objectstore.files"].next_due(INSTANT - timedelta(seconds=1)) == INSTANT


def test_pinned_files_redirect_to_the_store_once_complete_and_public(place, site, monkeypatch):
    from statpub.dashboards.app import create_app
    from statpub.dashboards.objectfiles import publish_files

    publish_files(site, Clock(start=INSTANT + timedelta(seconds=1)), place)
    monkeypatch.setenv("STATPUB_FILES_BASE_URL", "https://files.example.org/statpub/")
    after = create_app(site, Clock(start=INSTANT + timedelta(seconds=5))).server.test_client()
    moved = after.get(f"/api/v1/files/{RELEASE}/values.csv")
    assert moved.status_code == 302
    assert moved.headers["Location"] == f"https://files.example.org/statpub/api/v1/files/{RELEASE}/values.csv"
    assert after.get("/api/v1/files/latest/values.csv").status_code == 200  # latest stays on the site
    before = create_app(site, Clock(start=INSTANT - timedelta(seconds=5))).server.test_client()
    assert before.get(f"/api/v1/files/{RELEASE}/values.csv").status_code == 404  # the gate first
