"""The repository checks itself: every calendar entry has its content, every catalogue series is
carried, every source file's provenance matches, and the demo content is what its generator makes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from statpub.kernel.content import ContentRoot
from tests.paths import REPO_ROOT

CONTENT = ContentRoot(REPO_ROOT)
CATALOGUE = CONTENT.load_catalogue()
CALENDAR = CONTENT.load_calendar(CATALOGUE)


@pytest.mark.parametrize("release", CALENDAR.releases, ids=lambda r: r.id)
def test_every_calendar_entry_has_its_folder_and_files(release):
    folder = CONTENT.release_dir(release.id)
    assert folder.is_dir()
    for source in release.sources:
        assert (folder / source.file).is_file(), source.file
        if source.layout == "wide":
            assert (folder / source.mapping_name).is_file(), source.mapping_name


def test_every_release_folder_is_in_the_calendar():
    folders = {p.name for p in CONTENT.releases_dir.iterdir() if p.is_dir()}
    assert folders == set(CALENDAR.by_id)


def test_every_catalogue_series_is_carried_by_some_release():
    carried = {code for r in CALENDAR.releases for code in r.series}
    assert {s.code for s in CATALOGUE.series} <= carried


def test_every_source_file_has_matching_provenance():
    for release in CALENDAR.releases:
        for source in release.sources:
            path = CONTENT.release_dir(release.id) / source.file
            sidecar = yaml.safe_load(path.with_name(path.name + ".provenance.yaml").read_text(encoding="utf-8"))
            assert sidecar["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), path
            assert sidecar["source"] and sidecar["producer"] and sidecar["date"]


def test_demo_has_upcoming_releases_one_with_an_interpretation():
    cutoff = datetime(2026, 11, 26, tzinfo=UTC)
    upcoming = [r for r in CALENDAR.releases if r.instant > cutoff]
    assert len(upcoming) >= 2
    assert any((CONTENT.release_dir(r.id) / "interpretation.zh.md").is_file() for r in upcoming)


def test_interpretations_come_in_both_languages():
    for release in CALENDAR.releases:
        folder = CONTENT.release_dir(release.id)
        assert (folder / "interpretation.zh.md").is_file() == (folder / "interpretation.en.md").is_file()


def test_demo_content_covers_the_required_shapes():
    codes = {s.code for s in CATALOGUE.series}
    assert {"GDP", "GDP_PRIMARY", "GDP_SECONDARY", "GDP_TERTIARY", "GDP_GROWTH", "IVA_GROWTH", "FAI_GROWTH",
            "RETAIL", "RETAIL_GROWTH", "CPI", "INCOME_URBAN", "INCOME_RURAL", "EXPORTS", "IMPORTS",
            "BUDGET_REVENUE", "POPULATION", "EMPLOYMENT"} <= codes
    layouts = {(s.layout, Path(s.file).suffix, s.encoding) for r in CALENDAR.releases for s in r.sources}
    assert ("wide", ".xlsx", None) in layouts and ("long", ".csv", "gbk") in layouts
    assert any(r.revision for r in CALENDAR.releases)
    assert {r.kind for r in CALENDAR.releases} >= {"quarterly", "annual"}


@pytest.mark.slow
def test_demo_generator_reproduces_the_committed_content(tmp_path: Path):
    from tools.make_demo_content import generate

    generate(tmp_path)

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file() and p.name != "README.md"}

    assert (tmp_path / "calendar.yaml").read_bytes() == (REPO_ROOT / "calendar.yaml").read_bytes()
    generated, committed = files(tmp_path / "releases"), files(REPO_ROOT / "releases")
    assert sorted(generated) == sorted(committed)
    assert [name for name in generated if generated[name] != committed[name]] == []
