"""Scaffolding for a new office: `statpub init`, `statpub release new`, `statpub source add`.

`init` writes a minimal valid content root from the templates shipped inside the package
(statpub/review/templates/office/, package data of the wheel), the JSON Schemas beside it, and a
provenance sidecar for its example data: it loads and serves at once. `release new` announces a
release in calendar.yaml (an edit of the text, comments kept) and makes its folder. `source add`
brings a source table into a release's folder, lists it in the calendar entry and records its
provenance with the checksum computed — nobody types a sha256.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.resources import files
from pathlib import Path

import yaml

from statpub.etl.content_schema import write_schemas
from statpub.etl.sources import Provenance, provenance_path
from statpub.kernel.clock import BEIJING
from statpub.kernel.config import Settings, is_content_root
from statpub.kernel.content import ContentRoot, Release
from statpub.kernel.errors import UserError
from statpub.kernel.hashing import sha256_of
from statpub.kernel.modeline import SCHEMA_DIR, modeline
from statpub.kernel.suggest import did_you_mean
from statpub.kernel.yamlfile import load_model
from statpub.review.schedule import CalendarEditor

TEMPLATE = "templates/office"
EXAMPLE_FOLDER = "_release"  # the template's release folder, renamed to the example release's id
QUOTED = ("NAME_ZH", "NAME_EN", "SHORT_ZH", "SHORT_EN", "LICENCE_ZH", "LICENCE_EN", "LICENCE_URL",
          "BASE_URL")  # whole YAML scalars


@dataclass(frozen=True)
class OfficeNames:
    name_zh: str
    name_en: str
    licence_zh: str
    licence_en: str
    base_url: str
    licence_url: str = "https://creativecommons.org/publicdomain/zero/1.0/"
    short_zh: str | None = None  # the site's name; the office's name when not given
    short_en: str | None = None


def _quarter_before(day: datetime) -> tuple[int, int]:
    quarter = (day.month - 1) // 3  # the last quarter that has ended
    return (day.year, quarter) if quarter else (day.year - 1, 4)


def _tokens(names: OfficeNames, now: datetime) -> dict[str, str]:
    local = now.astimezone(BEIJING)
    year, quarter = _quarter_before(local)
    instant = (local + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    zh = {1: "一季度", 2: "上半年", 3: "前三季度", 4: "全年"}[quarter]
    en = {1: "Q1", 2: "H1", 3: "Q1–Q3", 4: "Q1–Q4"}[quarter]
    return {"NAME_ZH": names.name_zh, "NAME_EN": names.name_en, "SHORT_ZH": names.short_zh or names.name_zh,
            "SHORT_EN": names.short_en or names.name_en, "LICENCE_ZH": names.licence_zh,
            "LICENCE_EN": names.licence_en, "LICENCE_URL": names.licence_url, "BASE_URL": names.base_url,
            "YEAR": str(year),
            "PERIOD": f"{year}-Q{quarter}", "QUARTER_ZH": zh, "QUARTER_EN": en,
            "RELEASE_ID": f"{year}-q{quarter}-example", "INSTANT": instant.isoformat(timespec="seconds"),
            "TODAY": local.date().isoformat()}


def _fill(text: str, tokens: dict[str, str], yaml_file: bool) -> str:
    for key, value in tokens.items():
        quoted = yaml_file and key in QUOTED
        text = text.replace(f"«{key}»", json.dumps(value, ensure_ascii=False) if quoted else value)
    return text


def init_office(folder: Path, names: OfficeNames, now: datetime) -> list[Path]:
    """Write a new content root into `folder` (created if needed); the files written."""
    if is_content_root(folder) or (folder / "calendar.yaml").exists() or (folder / "releases").exists():
        raise UserError(f"{folder} already holds content (calendar.yaml or releases/); choose an empty folder")
    tokens = _tokens(names, now)
    written: list[Path] = []
    template = files("statpub.review").joinpath(TEMPLATE)
    for source, relative in _template_files(template):
        target = folder / relative.replace(EXAMPLE_FOLDER, tokens["RELEASE_ID"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(source.read_text(encoding="utf-8"), tokens, target.suffix == ".yaml"),
                          encoding="utf-8")
        written.append(target)
    written += write_schemas(folder / SCHEMA_DIR)
    data = folder / "releases" / tokens["RELEASE_ID"] / "data.csv"
    written.append(write_provenance(data, source="示例数据（statpub init） / example data (statpub init)",
                                    producer="statpub init", day=tokens["TODAY"],
                                    description="示例数据，请替换 / example figures: replace them"))
    from statpub.kernel.office import load_office

    ContentRoot(folder).load_content()  # the template must give a valid office
    load_office(ContentRoot(folder))
    return written


def _template_files(template) -> list[tuple[object, str]]:
    found = []

    def walk(node, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif not child.name.endswith((".pyc",)):
                found.append((child, f"{prefix}{child.name}"))

    walk(template, "")
    return found


def write_provenance(path: Path, *, source: str, producer: str, day: str, description: str | None = None,
                     url: str | None = None) -> Path:
    """The sidecar of `path`, with its checksum computed; validated by the same model as the loader."""
    record = Provenance(file=path.name, source=source, producer=producer, description=description, url=url,
                        date=day, sha256=sha256_of(path))
    body = yaml.safe_dump(record.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False,
                          width=110)
    sidecar = provenance_path(path)
    _replace_text(sidecar, modeline(sidecar.name) + body)
    return sidecar


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _validated_calendar_text(content: ContentRoot, text: str) -> None:
    """Write the edited calendar only if it is valid (with the catalogue's series)."""
    path = content.calendar_path
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        catalogue = content.load_catalogue()
        from statpub.kernel.content import Calendar
        from statpub.kernel.content_checks import calendar_problems

        load_model(tmp, Calendar, display_name="calendar.yaml (edited)",
                   checks=lambda data: calendar_problems(data, catalogue.by_code))
    except Exception:
        tmp.unlink()
        raise
    os.replace(tmp, path)


def new_release(settings: Settings, release_id: str, title: tuple[str, str], instant: datetime, kind: str,
                series: list[str], state: str = "provisional", today: str | None = None) -> Path:
    """Announce a release (its calendar entry) and make its folder with interpretation templates."""
    content = settings.content
    catalogue, calendar = content.load_content()
    if release_id in calendar.by_id:
        raise UserError(f"calendar.yaml already has a release {release_id!r}")
    unknown = [c for c in series if c not in catalogue.by_code]
    if unknown:
        raise UserError("; ".join(f"unknown series {c!r} (not in releases/catalogue.yaml)"
                                  f"{did_you_mean(c, catalogue.by_code)}" for c in unknown))
    entry = {"id": release_id, "title": {"zh": title[0], "en": title[1]}, "kind": kind,
             "instant": instant.astimezone(BEIJING).isoformat(timespec="seconds"), "state": state, "series": list(series),
             "sources": []}
    if today:
        entry["history"] = [{"date": today, "change": "announced",
                             "reason": {"zh": "列入发布计划", "en": "included in the release plan"}}]
    Release.model_validate(entry)  # the id, kind, instant… are right before anything is written
    editor = CalendarEditor(content.calendar_path)
    editor.append_entry(entry)
    _validated_calendar_text(content, editor.result())
    folder = content.release_dir(release_id)
    folder.mkdir(parents=True, exist_ok=True)
    for lang, text in (("zh", f"# {title[0]}\n\n（在此撰写解读；数字用数据标记引用，见 README。）\n"),
                       ("en", f"# {title[1]}\n\n(Write the interpretation here; figures are data tags, see the README.)\n")):
        path = folder / f"interpretation.{lang}.md"
        if not path.exists():
            path.write_text(text, encoding="utf-8")
    return folder


@dataclass(frozen=True)
class SourceAdded:
    file: Path
    sidecar: Path
    listed: bool  # newly listed in the calendar entry's sources
    sha256: str


def add_source(settings: Settings, release_id: str, given: Path, *, layout: str | None, source: str | None,
               producer: str | None, description: str | None, url: str | None, day: str, update: bool,
               sheet: str | None = None, encoding: str | None = None) -> SourceAdded:
    """Bring `given` into the release's folder (copy, or the file already there), list it in the
    calendar entry, and write its provenance with the checksum computed."""
    content = settings.content
    _catalogue, calendar = content.load_content()
    release = calendar.by_id.get(release_id)
    if release is None:
        raise UserError(f"calendar.yaml has no release {release_id!r}{did_you_mean(release_id, calendar.by_id)}; "
                        "announce it first with `statpub release new`")
    folder = content.release_dir(release_id)
    if not given.is_file():
        raise UserError(f"{given} is not a file")
    sidecar = provenance_path(folder / given.name)
    previous = load_model(sidecar, Provenance).model_dump(exclude_none=True) if sidecar.is_file() else {}
    if previous and not update:
        if previous["sha256"] == sha256_of(given):
            raise UserError(f"{given.name} is already recorded with this checksum; nothing to do")
        raise UserError(f"{given.name} changed since its provenance was recorded; if the change is intended, "
                        "run again with --update")
    if not (source or previous.get("source")):
        raise UserError("say where the file comes from: --source \"处室或出处 / division or origin\"")
    folder.mkdir(parents=True, exist_ok=True)
    target = _bring(given, folder, update)
    write_provenance(target, source=source or previous["source"],
                     producer=producer or previous.get("producer") or getpass.getuser(),
                     description=description or previous.get("description"), url=url or previous.get("url"),
                     day=day)
    listed = _list_in_calendar(content, release, target.name, layout, sheet, encoding)
    return SourceAdded(target, sidecar, listed, sha256_of(target))


def _bring(given: Path, folder: Path, update: bool) -> Path:
    target = folder / given.name
    if given.resolve() == target.resolve() or (target.is_file() and sha256_of(target) == sha256_of(given)):
        return target
    if target.exists() and not update:
        raise UserError(f"releases/{folder.name}/{given.name} exists; to replace it with this file use --update")
    shutil.copyfile(given, target)
    return target


def _list_in_calendar(content: ContentRoot, release: Release, name: str, layout: str | None, sheet: str | None,
                      encoding: str | None) -> bool:
    if any(s.file == name for s in release.sources):
        return False
    item: dict = {"file": name, "layout": layout or "long"}
    if sheet:
        item["sheet"] = sheet
    if encoding:
        item["encoding"] = encoding
    editor = CalendarEditor(content.calendar_path)
    editor.add_item(editor.entry(release.id), "sources", item)
    _validated_calendar_text(content, editor.result())
    return True


def mapping_skeleton(path: Path, sheet: str | None) -> Path | None:
    """A first `<file>.mapping.yaml` for a wide table: its header row's columns, each with a role of
    its own, and its row labels, each waiting for series codes. Staff fill in the codes (the loader
    names every one still missing); nothing is written when a mapping exists."""
    from statpub.etl.staging import column_letter
    from statpub.etl.workbook import open_workbook, pick_sheet

    target = path.with_name(path.name + ".mapping.yaml")
    if target.exists():
        return None
    workbook, problem = open_workbook(path, path.name, read_only=True)
    if problem:
        raise UserError(problem.message)
    try:
        ws, problem = pick_sheet(workbook, sheet, path.name)
        if problem:
            raise UserError(problem.message)
        grid = [list(r) for _i, r in zip(range(200), ws.iter_rows(values_only=True), strict=False)]
        title = ws.title
    finally:
        workbook.close()
    header_at = next((i for i, r in enumerate(grid) if sum(v not in (None, "") for v in r) >= 2), None)
    if header_at is None:
        raise UserError(f"{path.name}: no header row (a row with at least two filled cells) in sheet {title!r}")
    header = grid[header_at]
    columns = {str(v).strip(): f"col_{column_letter(i)}".lower() for i, v in enumerate(header)
               if i > 0 and v not in (None, "")}
    labels = [str(r[0]).strip() for r in grid[header_at + 1:] if r and r[0] not in (None, "")]
    rows = {label: {role: "CODE" for role in columns.values()} for label in labels
            if not label.startswith(("注", "附注", "资料来源", "数据来源"))}
    body = yaml.safe_dump({"sheet": title, "columns": columns, "rows": rows}, allow_unicode=True, sort_keys=False,
                          width=110)
    note = ("# Written by `statpub source add`: rename the roles if you like (one per column), replace each CODE\n"
            "# by a series code of releases/catalogue.yaml, remove what is not published (or list it under\n"
            "# `ignore_rows`); add `year:` or `period:` when headers are not periods. Fields: statpub schema --reference\n")
    target.write_text(modeline(target.name) + note + body, encoding="utf-8")
    return target
