"""An upgrade from the previous tagged version: a warehouse and store built by v0.1.0 (the fixture
tests/fixtures/upgrade/v0.1.0.tar.xz, made by tools/make_upgrade_fixture.py from that tag) are
migrated in place, and every published figure, flag, note, text and access-log entry reads the same."""

from __future__ import annotations

import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

import statpub
from statpub.kernel.config import Settings
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from statpub.warehouse.schema import migrations
from tests.helpers import run_cli
from tests.paths import REPO_ROOT

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "upgrade" / "v0.1.0.tar.xz"
NOW_ISO = "2025-01-01T08:00:00+08:00"


@pytest.fixture
def old_install(tmp_path: Path) -> tuple[Settings, dict]:
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path, filter="data")
    base = tmp_path / "v0.1.0"
    expected = json.loads((base / "expected.json").read_text(encoding="utf-8"))
    return Settings(root=base / "content", warehouse_dir=base / "warehouse"), expected


def _figures(settings: Settings) -> list[list]:
    gate = Gate(WarehouseReader(settings.warehouse_dir).snapshot(), datetime(2025, 1, 1, tzinfo=UTC))
    rows = gate.history().read_all().to_pylist()
    return sorted([[r["series_code"], r["period"], r["value"], r["status"], r["note"], r["release_id"]]
                   for r in rows], key=lambda r: [str(x) for x in r])


def test_the_fixture_is_small_and_versions_agree():
    assert FIXTURE.stat().st_size <= 1024 * 1024
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{statpub.__version__}"' in pyproject
    assert f"## {statpub.__version__}" in (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_upgrade_in_place_reads_every_published_figure_flag_note_and_access_the_same(old_install):
    settings, expected = old_install
    assert expected["version"] == "0.1.0"
    assert _figures(settings) == expected["figures"]  # this version reads the old snapshot as it is
    done = run_cli("upgrade", "--json", settings=settings, now=NOW_ISO)
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stdout)
    assert entry["from"] == "0.1.0 or earlier" and entry["to"] == statpub.__version__
    assert entry["schema"][1] == max(v for v, _, _ in migrations())
    assert set(entry["manifests_recorded"]) == set(expected["public"])
    assert "press" in entry["store_namespaces"]

    assert _figures(settings) == expected["figures"]
    gate = Gate(WarehouseReader(settings.warehouse_dir).snapshot(), datetime(2025, 1, 1, tzinfo=UTC))
    assert sorted(r.id for r in gate.published_releases()) == expected["public"]
    for rid, texts in expected["texts"].items():
        for lang, text in texts.items():
            assert gate.interpretation(rid, lang) == text
    log = run_cli("access-log", "q1-final", "--json", settings=settings, now=NOW_ISO)
    assert log.returncode == 0, log.stderr
    assert [{k: e[k] for k in expected["access_log"][0]} for e in json.loads(log.stdout)] == expected["access_log"]
    assert run_cli("verify", "--all", settings=settings, now=NOW_ISO).returncode == 0
    again = run_cli("upgrade", "--json", settings=settings, now=NOW_ISO)
    assert json.loads(again.stdout)["from"] == statpub.__version__  # idempotent, and remembered
    assert run_cli("load", "--quiet", settings=settings, now=NOW_ISO).returncode == 0
    assert _figures(settings) == expected["figures"]
