"""Public register items as JSON (the API, the page's data, the search's links): kind, matter with
its domain and level, dates made, changed and published, and whether publication was on time in
working days. Built from what `gate.register` gives (privacy rules already applied)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from statpub.dashboards.formats import neutralise
from statpub.features.register.deadlines import timeliness
from statpub.kernel.workdays import WorkCalendar
from statpub.warehouse.register_gate import PublicItem, RegisterView
from statpub.warehouse.register_state import MatterInfo

API = "/api/v1/register"
REGISTER_PAGE = "/register"
OMIT = {"matter", "title", "instant", "created", "changed", "files"}


def page_path(item: PublicItem) -> str:
    return f"/register/{item.kind}/{item.id}"


def file_path(item: PublicItem, name: str) -> str:
    return f"/register/files/{item.id}/{name}"


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def matter_dict(matter: MatterInfo, count: int | None = None) -> dict:
    out = {"id": matter.id, "kind": matter.kind, "name": matter.data["name"], "domain": matter.data["domain"],
           "level": matter.data["level"], "basis": matter.data["basis"], "department": matter.data["department"],
           "time_limit_working_days": matter.time_limit, "method": matter.data.get("method"),
           "interpretation_required": bool(matter.data.get("interpretation_required"))}
    if count is not None:
        out["public_items"] = count
    return out


def item_brief(view: RegisterView, item: PublicItem, calendar: WorkCalendar) -> dict:
    matter = view.matter(item.matter_id)
    limit = view.time_limit(item.matter_id)
    version = item.version
    out = {"id": item.id, "kind": item.kind, "matter": item.matter_id,
           "domain": matter.data["domain"] if matter else None, "level": matter.data["level"] if matter else None,
           "title": item.data["title"], "created": version.created.isoformat(),
           "changed": version.changed.isoformat() if version.changed else None,
           "published": iso(item.published), "first_published": iso(item.first_published),
           "version": version.content_hash,
           "timeliness": timeliness(calendar, version, limit, item.published, view.now).to_dict(),
           "links": {"page": page_path(item), "api": f"{API}/items/{item.id}"}}
    if item.lapsed is not None:
        out["lapsed"] = item.lapsed
        out["valid_until"] = item.data.get("valid_until")
        out["lapses_at"] = iso(item.lapses_at)
    if item.kind == "classification":
        out["links"]["codes_csv"] = f"{API}/items/{item.id}/codes?format=csv"
        out["links"]["codes_json"] = f"{API}/items/{item.id}/codes"
    return out


def item_full(view: RegisterView, item: PublicItem, calendar: WorkCalendar) -> dict:
    out = item_brief(view, item, calendar)
    out["instant"] = iso(item.version.instant)
    out["data"] = {k: v for k, v in item.data.items() if k not in OMIT}
    if item.lapsed:
        out["data"]["forms_current"] = []  # a lapsed project's forms are no longer in use
    elif item.lapsed is False:
        out["data"]["forms_current"] = item.data.get("forms", [])
    out["files"] = [{"name": f.name, "size": f.size, "sha256": f.sha256, "mimetype": f.mimetype,
                     "url": file_path(item, f.name)} for f in item.files]
    out["versions"] = [{"version": h, "published": iso(since)} for h, since in item.versions]
    partner = item.version.partner_id
    if partner and (other := view.item(partner)) is not None:
        out["links"]["document" if item.kind == "interpretation" else "interpretation"] = page_path(other)
    return out


def code_rows(item: PublicItem) -> list[dict]:
    """A classification's codes, with what each maps onto in other versions."""
    mapped: dict[str, dict[str, list[str]]] = {}
    for mapping in item.data.get("mappings", []):
        for source, target in mapping["pairs"]:
            mapped.setdefault(source, {}).setdefault(mapping["to"], []).append(target)
    return [{"code": c["code"], "name_zh": c["name"]["zh"], "name_en": c["name"]["en"], "parent": c.get("parent"),
             "maps_to": mapped.get(c["code"], {})} for c in item.data.get("codes", [])]


def codes_csv(item: PublicItem) -> bytes:
    """UTF-8 with BOM (opens in Excel in China); one column per mapping, codes joined with `;`; no
    text a spreadsheet would run as a formula (`formats.neutralise`)."""
    rows = code_rows(item)
    targets = [m["to"] for m in item.data.get("mappings", [])]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["code", "name_zh", "name_en", "parent", *(f"maps_to:{t}" for t in targets)])
    for row in rows:
        writer.writerow([neutralise(text) for text in (
            row["code"], row["name_zh"], row["name_en"], row["parent"] or "",
            *(";".join(row["maps_to"].get(t, [])) for t in targets))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
