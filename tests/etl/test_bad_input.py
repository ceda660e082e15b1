"""Each folder in tests/etl/cases/ is a release a statistician might drop by mistake. Loading it
must fail with exactly the expected problems (file, sheet, row, column, message) and change
nothing: the previous snapshot keeps serving, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from statpub.etl.load import load
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.kernel.errors import Problem, ValidationFailed
from statpub.warehouse.snapshots import SnapshotStore

CASES = Path(__file__).resolve().parent / "cases"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "case.yaml").is_file())
GOOD = "series_code,period,value,status,note\nGDP,2024-Q1,100,p,\nPART_A,2024-Q1,40,p,\nPART_B,2024-Q1,60,p,\n"


def write_root(root: Path, bad_spec: dict | None = None) -> Settings:
    (root / "releases" / "good").mkdir(parents=True, exist_ok=True)
    shutil.copy(CASES / "catalogue.yaml", root / "releases" / "catalogue.yaml")
    (root / "releases" / "good" / "data.csv").write_text(GOOD, encoding="utf-8")
    releases = [{
        "id": "good", "title": {"zh": "一季度", "en": "Q1"}, "kind": "quarterly",
        "instant": "2024-04-19T10:00:00+08:00", "state": "confirmed",
        "series": ["GDP", "PART_A", "PART_B"], "sources": [{"file": "data.csv", "layout": "long"}],
    }]
    if bad_spec is not None:
        releases.append({
            "id": "bad", "title": {"zh": "上半年", "en": "H1"}, "kind": "quarterly",
            "instant": "2024-07-19T10:00:00+08:00", "state": "confirmed",
            "series": bad_spec["series"], "sources": bad_spec["sources"], **bad_spec.get("entry", {}),
        })
    (root / "calendar.yaml").write_text(yaml.safe_dump({"releases": releases}, allow_unicode=True), encoding="utf-8")
    return Settings(root=root, warehouse_dir=root / "warehouse" / "data")


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_input_is_reported_precisely_and_changes_nothing(tmp_path: Path, name: str):
    spec = yaml.safe_load((CASES / name / "case.yaml").read_text(encoding="utf-8"))
    clock = Clock()
    settings = write_root(tmp_path)
    load(settings, clock=clock)
    store = SnapshotStore(settings.warehouse_dir)
    before_path = store.current()
    before_bytes = before_path.read_bytes()

    settings = write_root(tmp_path, spec)
    bad_dir = settings.root / "releases" / "bad"
    shutil.copytree(CASES / name, bad_dir, ignore=shutil.ignore_patterns("case.yaml", "catalogue.yaml"))
    if (CASES / name / "catalogue.yaml").is_file():  # a mistake in the catalogue itself
        shutil.copy(CASES / name / "catalogue.yaml", settings.root / "releases" / "catalogue.yaml")

    with pytest.raises(ValidationFailed) as info:
        load(settings, clock=clock)

    def located(p: dict) -> Problem:
        whole_root = p["file"] in ("calendar.yaml", "releases/catalogue.yaml")
        file = p["file"] if whole_root else f"releases/bad/{p['file']}"
        return Problem(file, p["sheet"], p["row"], p["column"], p["message"])

    expected = sorted(located(p) for p in spec["expected"])
    assert sorted(info.value.problems) == expected, spec["description"]
    # Nothing changed: same current snapshot, same bytes, no orphan files left behind.
    assert store.current().name == before_path.name
    assert store.current().read_bytes() == before_bytes
    assert store.versions() == [int(before_path.stem.split("_v")[1])]
