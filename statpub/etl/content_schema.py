"""JSON Schemas and the reference page of the content files, generated from the models the loader
validates with, so neither can drift from what is accepted (`statpub schema`)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from statpub.etl.review_config import ReviewConfig
from statpub.etl.sources import Provenance
from statpub.etl.wide_layout import WideMapping
from statpub.kernel.content import Calendar, Catalogue
from statpub.kernel.modeline import schema_file
from statpub.kernel.office import Office
from statpub.kernel.workdays import WorkdayRules

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# kind → (model, where such a file lives, its name in both languages)
CONTENT_FILES: dict[str, tuple[type[BaseModel], str, str, str]] = {
    "calendar": (Calendar, "calendar.yaml", "发布日程表", "Release calendar"),
    "office": (Office, "releases/office.yaml", "发布机构", "The office: names, licence, address, contact"),
    "catalogue": (Catalogue, "releases/catalogue.yaml", "指标目录", "Series catalogue"),
    "mapping": (WideMapping, "releases/<release>/<file>.mapping.yaml", "宽表映射", "Wide-table mapping"),
    "provenance": (Provenance, "releases/<release>/<file>.provenance.yaml", "来源记录", "Provenance sidecar"),
    "review": (ReviewConfig, "releases/review.yaml", "审核规则", "Review rules"),
    "workdays": (WorkdayRules, "workdays.yaml", "法定节假日和调休", "Holidays and adjusted working days"),
}


def json_schema(kind: str) -> dict:
    model, where, zh, en = CONTENT_FILES[kind]
    schema = model.model_json_schema(mode="validation")
    return {"$schema": DRAFT, "$id": schema_file(kind), "title": f"{zh} {en} ({where})", **{
        k: v for k, v in schema.items() if k != "title"}}


def schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every content file's schema into `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in CONTENT_FILES:
        path = folder / schema_file(kind)
        text = schema_text(kind)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
