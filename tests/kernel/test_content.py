"""The calendar and catalogue schemas: clear errors naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from statpub.kernel.content import Calendar, ContentRoot
from statpub.kernel.errors import ValidationFailed
from statpub.kernel.yamlfile import load_model

ENTRY = """\
releases:
- id: 2024-q1-economy
  title: {zh: 一季度, en: Q1}
  kind: quarterly
  instant: '2024-04-19T10:00:00+08:00'
  state: confirmed
  series: [GDP]
  sources: [{file: data.csv, layout: long}]
"""


def problems_for(tmp_path: Path, text: str) -> list:
    path = tmp_path / "calendar.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_model(path, Calendar, display_name="calendar.yaml")
    return info.value.problems


def test_valid_entry_parses_to_utc(tmp_path: Path):
    path = tmp_path / "calendar.yaml"
    path.write_text(ENTRY, encoding="utf-8")
    calendar = load_model(path, Calendar)
    release = calendar.by_id["2024-q1-economy"]
    assert release.instant.isoformat() == "2024-04-19T02:00:00+00:00"
    assert calendar.window(release).total_seconds() == 24 * 3600


def test_naive_instant_is_an_error_with_its_line(tmp_path: Path):
    problems = problems_for(tmp_path, ENTRY.replace("'2024-04-19T10:00:00+08:00'", "'2024-04-19T10:00:00'"))
    assert len(problems) == 1
    assert problems[0].row == 5
    assert problems[0].column == "releases[0].instant"
    assert "no offset" in problems[0].message


def test_duplicate_ids_unknown_state_long_window(tmp_path: Path):
    text = ENTRY + ENTRY.split("\n", 1)[1]
    assert "listed twice" in problems_for(tmp_path, text)[0].message
    problems = problems_for(tmp_path, ENTRY.replace("confirmed", "published"))
    assert problems[0].column == "releases[0].state" and problems[0].row == 6
    problems = problems_for(tmp_path, ENTRY + "  prerelease_window_hours: 48\n")
    assert problems[0].column == "releases[0].prerelease_window_hours"


def test_titles_must_be_bilingual_and_ids_plain(tmp_path: Path):
    problems = problems_for(tmp_path, ENTRY.replace("{zh: 一季度, en: Q1}", "{zh: 一季度}"))
    assert problems[0].column == "releases[0].title.en"
    problems = problems_for(tmp_path, ENTRY.replace("id: 2024-q1-economy", "id: ../etc"))
    assert problems[0].column == "releases[0].id"


def test_source_file_names_cannot_leave_the_folder(tmp_path: Path):
    problems = problems_for(tmp_path, ENTRY.replace("file: data.csv", "file: ../../secret.csv"))
    assert any("plain file name" in p.message and p.column == "releases[0].sources[0].file" for p in problems)


def test_postponed_needs_a_reason(tmp_path: Path):
    problems = problems_for(tmp_path, ENTRY.replace("state: confirmed", "state: postponed"))
    assert "needs a history entry" in problems[0].message


def test_yaml_syntax_error_names_the_line(tmp_path: Path):
    problems = problems_for(tmp_path, ENTRY.replace("kind: quarterly", "kind: [quarterly"))
    assert problems[0].row is not None and "YAML syntax" in problems[0].message


def test_demo_content_is_valid():
    root = ContentRoot(Path(__file__).resolve().parents[2])
    catalogue = root.load_catalogue()
    calendar = root.load_calendar(catalogue)
    assert len(catalogue.series) >= 25
    assert len(calendar.releases) >= 40


def test_calendar_series_must_exist_in_catalogue(tmp_path: Path):
    root = Path(__file__).resolve().parents[2]
    content = ContentRoot(tmp_path)
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "catalogue.yaml").write_bytes((root / "releases" / "catalogue.yaml").read_bytes())
    (tmp_path / "calendar.yaml").write_text(ENTRY.replace("[GDP]", "[GDP, NOPE]"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        content.load_calendar(content.load_catalogue())
    assert "unknown series 'NOPE'" in info.value.problems[0].message
    assert info.value.problems[0].column == "releases[0].series[1]"
