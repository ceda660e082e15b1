"""The JSON Schemas in schema/ and the reference page docs/content-reference.md are what the models
generate (so neither drifts from the loader), every content file names its schema on its first line,
and the demo content passes the schemas as an editor would check it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from statpub.etl.content_reference import reference_markdown
from statpub.etl.content_schema import CONTENT_FILES, json_schema, schema_text
from statpub.kernel.modeline import kind_of, modeline, schema_file
from tests.paths import REPO_ROOT


class EditorLoader(yaml.SafeLoader):
    """YAML as the YAML language server reads it (1.2 core: a date is text, not a timestamp)."""


EditorLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def content_files() -> list[Path]:
    files = [REPO_ROOT / "calendar.yaml", REPO_ROOT / "workdays.yaml"]
    files += [p for p in sorted((REPO_ROOT / "releases").rglob("*.yaml")) if kind_of(p.name)]
    return files


@pytest.mark.parametrize("kind", list(CONTENT_FILES))
def test_committed_schema_is_what_the_models_generate(kind: str):
    committed = (REPO_ROOT / "schema" / schema_file(kind)).read_text(encoding="utf-8")
    assert committed == schema_text(kind), f"run `statpub schema` to update schema/{schema_file(kind)}"
    jsonschema.Draft202012Validator.check_schema(json.loads(committed))


def test_committed_reference_is_what_the_models_generate():
    committed = (REPO_ROOT / "docs" / "content-reference.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), "run `statpub schema --reference docs/content-reference.md`"


def test_reference_documents_every_field_in_both_languages():
    text = reference_markdown()
    for kind in CONTENT_FILES:
        schema = json_schema(kind)
        for model in [schema, *schema.get("$defs", {}).values()]:
            for field, prop in model.get("properties", {}).items():
                assert prop.get("x-zh") and prop.get("x-en") and prop.get("examples"), (kind, field)
                assert f"| `{field}` |" in text


def test_every_demo_content_file_names_its_schema_and_passes_it():
    validators = {kind: jsonschema.Draft202012Validator(json_schema(kind)) for kind in CONTENT_FILES}
    files = content_files()
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8")
        line = modeline(path.name)
        assert text.startswith(line), path
        target = (path.parent / line.split("$schema=", 1)[1].strip()).resolve()
        assert target == (REPO_ROOT / "schema" / schema_file(kind_of(path.name))).resolve()
        errors = list(validators[kind_of(path.name)].iter_errors(yaml.load(text, Loader=EditorLoader)))  # noqa: S506
        assert errors == [], (path, [e.message for e in errors])


@pytest.mark.parametrize(("kind", "text"), [
    ("calendar", "releases:\n- {id: x-1, title: {zh: a, en: b}, kind: quaterly, instant: '2024-01-01T10:00:00+08:00',"
                 " state: confirmed, series: [GDP], sources: [{file: a.csv, layout: long}]}\n"),
    ("catalogue", "- code: GDP\n"),
    ("mapping", "columns: {a: value}\nrows: {x: {value: GDP}}\nyaer: 2024\n"),
    ("provenance", "source: s\nproducer: p\ndate: '2024-01-01'\nsha256: abc\n"),
    ("review", "disclosure: {min_units: 0}\n"),
    ("workdays", "years:\n- {year: 2026, holidays: [], workdays: ['2026-02-14'], note: x}\n"),
])
def test_the_schema_refuses_what_the_loader_refuses(kind: str, text: str):
    validator = jsonschema.Draft202012Validator(json_schema(kind))
    assert list(validator.iter_errors(yaml.load(text, Loader=EditorLoader))), text  # noqa: S506


def test_statpub_schema_writes_the_schemas_and_prints_the_reference(tmp_path: Path):
    from tests.helpers import run_cli

    done = run_cli("schema", "--out", str(tmp_path / "schemas"))
    assert done.returncode == 0, done.stderr
    for kind in CONTENT_FILES:
        assert (tmp_path / "schemas" / schema_file(kind)).read_text(encoding="utf-8") == schema_text(kind)
    printed = run_cli("schema", "--reference")
    assert printed.returncode == 0 and printed.stdout == reference_markdown()


def test_a_content_problem_points_to_the_reference(tmp_path: Path):
    from tests.helpers import run_cli

    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "catalogue.yaml").write_text("- code: GDP\n", encoding="utf-8")
    (tmp_path / "calendar.yaml").write_text("releases: []\n", encoding="utf-8")
    done = run_cli("load", "--root", str(tmp_path))
    assert done.returncode == 1
    assert "found a list (`- item` lines); expected a mapping with the fields topics, series" in done.stderr
    assert "statpub schema --reference" in done.stderr and "Traceback" not in done.stderr
