"""Manifests recorded at publication, and `statpub verify` against them: passes on the demo and on a
second office; fails, naming release, series and period, when a snapshot row or a byte of a pinned
file changes; notices a damaged record."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statpub.cli.verify import record, verify
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.warehouse.manifests import ManifestRecord, manifests_dir
from tests.fixtures.durable import (
    AFTER_BOTH,
    AFTER_BOTH_ISO,
    private_demo,
    small_office,
    tamper_row,
)
from tests.helpers import run_cli

DEMO_NOW = Clock(start=datetime(2026, 12, 1, 4, tzinfo=UTC))


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = small_office(tmp_path_factory.mktemp("office"))
    assert record(settings, AFTER_BOTH) == ["q1", "q1-final"]
    return settings


def test_a_manifest_per_published_release_with_rows_texts_and_pinned_files(office: Settings):
    manifests = ManifestRecord.open(manifests_dir(office)).latest()
    assert set(manifests) == {"q1", "q1-final"}
    first = manifests["q1"]
    assert first["rows"]["count"] == 3 and first["rows"]["series"] == 3 and len(first["rows"]["sha256"]) == 64
    assert first["content"]["content_hash"] and first["texts"]["zh"] != "-"
    paths = {f["path"]: f for f in first["files"]}
    assert "/api/v1/files/q1/history.parquet" in paths and "/api/v1/files/q1/series/GDP.csv" in paths
    assert all(f["format_version"] >= 1 and len(f["sha256"]) == 64 for f in first["files"])
    assert record(office, AFTER_BOTH) == []  # once per release


def test_verify_passes_then_names_release_series_and_period_of_a_changed_row(office: Settings, tmp_path: Path):
    assert run_cli("verify", "--all", settings=office, now=AFTER_BOTH_ISO).returncode == 0
    tamper_row(office, "q1", "PART_A", "2024-Q1")
    done = run_cli("verify", "--all", "--json", "--no-files", settings=office, now=AFTER_BOTH_ISO)
    assert done.returncode == 1
    drift = json.loads(done.stdout)["drift"]
    assert {"release": "q1", "what": "value", "series": "PART_A", "period": "2024-Q1"}.items() <= drift[0].items()
    assert len(drift) == 1


def test_a_broken_chain_in_the_record_is_drift(tmp_path: Path):
    settings = small_office(tmp_path)
    record(settings, AFTER_BOTH, files=False)
    path = manifests_dir(settings) / "manifests.jsonl"
    lines = path.read_bytes().splitlines()
    path.write_bytes(b"\n".join([lines[1]]) + b"\n")  # the first publication removed
    report = verify(settings, AFTER_BOTH, every=True, files=False)
    assert any(d.what == "record" for d in report.drift) and not report.ok


@pytest.mark.slow
def test_demo_verifies_and_a_flipped_byte_in_a_served_file_is_named(demo_settings: Settings, tmp_path: Path):
    settings = private_demo(demo_settings, tmp_path)
    recorded = record(settings, DEMO_NOW)
    assert "2024-gdp-final-verification" in recorded
    report = verify(settings, DEMO_NOW, release_ids=["2024-gdp-final-verification", "2026-q3-economy"])
    assert report.ok and report.files_checked > 20, report.as_json()
    # Flip one byte of the cached series file a researcher downloads.
    entry = ManifestRecord.open(manifests_dir(settings)).files("2026-q3-economy")[
        "/api/v1/files/2026-q3-economy/series/GDP.csv"]
    cached = next(p for p in (settings.warehouse_dir / "cache").rglob("*.csv")
                  if hashlib.sha256(p.read_bytes()).hexdigest() == entry["sha256"])
    data = bytearray(cached.read_bytes())
    data[-3] ^= 0x01
    cached.write_bytes(bytes(data))
    report = verify(settings, DEMO_NOW, release_ids=["2026-q3-economy"])
    assert [(d.release, d.what, d.series) for d in report.drift] == [("2026-q3-economy", "file", "GDP")]
    # And a published figure changed in the snapshot: release, series and period named.
    tamper_row(settings, "2024-q3-economy", "GDP", "2024-Q3")
    report = verify(settings, DEMO_NOW, every=True, files=False)
    assert [(d.release, d.what, d.series, d.period) for d in report.drift] == [
        ("2024-q3-economy", "value", "GDP", "2024-Q3")]


def test_the_scheduler_records_manifests_at_publication_and_runs_retention(tmp_path: Path):
    from statpub.cli.scheduler_commands import load_jobs
    from statpub.kernel.jobs import Occurrence

    settings = small_office(tmp_path)
    jobs = {job.name: job for job in load_jobs(settings, plugins=[])}
    assert {"warehouse.retention", "warehouse.manifests", "warehouse.verify"} <= set(jobs)
    due = jobs["warehouse.manifests"].next_due(datetime(2024, 12, 1, tzinfo=UTC))
    assert due == datetime(2024, 12, 10, 2, tzinfo=UTC)  # q1-final's instant
    jobs["warehouse.manifests"].run(Occurrence("warehouse.manifests", due, 1, lambda: due))
    assert set(ManifestRecord.open(manifests_dir(settings)).latest()) == {"q1", "q1-final"}
    jobs["warehouse.retention"].run(Occurrence("warehouse.retention", due, 1, lambda: due))
    jobs["warehouse.verify"].run(Occurrence("warehouse.verify", due, 1, lambda: due))
