"""The yearly report on open government information: its tables equal counts computed here
independently from what the test wrote (items with known dates, applications on the board), its
text sections are staff's, it is a DOCX and a page — the page only once the report is public."""

from __future__ import annotations

import io
from datetime import date, datetime

import docx
import pytest

from statpub.dashboards.hooks import plugin_manager
from statpub.etl.load import load
from statpub.features.messages.service import Office
from statpub.features.register.report.build import annual_report
from statpub.features.register.report.word import docx_bytes
from statpub.kernel.clock import BEIJING, Clock
from statpub.kernel.workdays import work_calendar
from statpub.warehouse.reader import WarehouseReader
from tests.features.register.builder import MiniRegister, before, beijing

# (kind, id, matter's time limit, created, changed, instant date, extra fields)
ITEMS = [
    ("survey", "s-made-on-time", 10, "2025-03-03", None, "2025-03-04", {"valid_until": "2027-12-31"}),
    ("survey", "s-made-late", 10, "2025-06-02", None, "2025-09-01", {"valid_until": "2027-12-31"}),
    ("survey", "s-lapsed-in-year", 10, "2024-05-06", None, "2024-05-07", {"valid_until": "2025-06-30"}),
    ("report-system", "rs-changed", 20, "2024-12-02", "2025-05-05", "2025-05-06", {"valid_until": "2027-12-31"}),
    ("classification", "cl-next-year", 20, "2025-02-03", None, "2026-01-05", {}),
    ("penalty", "pen-a", 7, "2025-04-01", None, "2025-04-03", {"decided_on": "2025-04-01", "fine_yuan": 10000}),
    ("penalty", "pen-b", 7, "2025-10-10", None, "2025-11-28", {"decided_on": "2025-10-10"}),
    ("penalty", "pen-c", 7, "2024-12-30", None, "2025-01-02", {"decided_on": "2024-12-30", "fine_yuan": 2500}),
    ("inspection", "insp", 20, "2025-05-20", None, "2025-05-22", {"inspected_on": "2025-05-19"}),
]
MATTER_OF = {"survey": "county-surveys", "report-system": "county-systems", "classification": "county-classes",
             "penalty": "county-penalties", "inspection": "county-inspections"}


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> MiniRegister:
    reg = MiniRegister(tmp_path_factory.mktemp("report") / "county")
    for kind, item_id, _limit, created, changed, day, extra in ITEMS:
        fields = {"created": created, "instant": f"{day}T10:00:00+08:00", **extra}
        if changed:
            fields["changed"] = changed
        reg.item(kind, item_id, **fields)
        reg.approve(item_id, before(f"{day}T10:00:00"))
    reg.item("annual-report", "report-2025", instant="2026-01-20T10:00:00+08:00",
             overview={"zh": "本县全年主动公开各类信息。", "en": "The county published proactively all year."})
    reg.approve("report-2025", before("2026-01-20T10:00:00"))
    office = Office(reg.settings)  # two applications on the board: one new in 2025, one carried over into 2026
    for received in ("2025-03-03T09:00", "2025-12-30T09:00"):
        office.applications.intake(datetime.fromisoformat(received).replace(tzinfo=BEIJING), channel="online",
                                   applicant_type="natural_person", applicant_name="张三", id_type="身份证",
                                   id_number="110101199001011234", contact="13800000000", address="某县",
                                   description="申请公开2025年统计调查项目目录", preferred_form="electronic",
                                   preferred_channel="email")
    load(reg.settings, clock=Clock(start=beijing("2026-02-01T09:00:00")))
    return reg


def expected_counts(year: int, root) -> dict[str, dict]:
    """Per matter, from ITEMS alone: made, changed, published, on time (working days), late."""
    calendar = work_calendar(root)
    out: dict[str, dict] = {}
    for kind, _id, limit, created, changed, day, _extra in ITEMS:
        row = out.setdefault(MATTER_OF[kind], {"made": 0, "changed": 0, "published": 0, "on_time": 0, "late": 0})
        row["made"] += created.startswith(str(year))
        row["changed"] += bool(changed and changed.startswith(str(year)))
        if day.startswith(str(year)):
            row["published"] += 1
            due = calendar.add(date.fromisoformat(changed or created), limit).day
            row["on_time" if date.fromisoformat(day) <= due else "late"] += 1
    return out


def report_of(reg: MiniRegister, *, public_only: bool, when: str = "2026-02-01T09:00:00"):
    snapshot = WarehouseReader(reg.settings.warehouse_dir).snapshot()
    return annual_report(reg.settings, snapshot, 2025, beijing(when), plugin_manager().hook, public_only=public_only)


def table(report, number: int, index: int = 0) -> dict:
    return next(s for s in report.sections if s["number"] == number)["tables"][index]


def test_the_proactive_table_equals_counts_computed_independently(county):
    report = report_of(county, public_only=False)
    rows = {row[0]["en"]: row[1:] for row in table(report, 2)["rows"]}
    expected = expected_counts(2025, county.settings.root)
    names = {"county-surveys": "County survey projects", "county-systems": "Report systems",
             "county-classes": "Classifications", "county-penalties": "Penalties", "county-inspections":
             "Random inspections"}
    for matter, counts in expected.items():
        made, changed, published, on_time, late, _in_force = rows[names[matter]]
        assert (made, changed, published, on_time, late) == (counts["made"], counts["changed"], counts["published"],
                                                              counts["on_time"], counts["late"]), matter
    assert expected["county-penalties"] == {"made": 2, "changed": 0, "published": 3, "on_time": 2, "late": 1}
    # in force on 31 December 2025: the two 2025 surveys (the third lapsed on 30 June), the report system
    assert rows["County survey projects"][5] == 2 and rows["Report systems"][5] == 1
    assert rows["Penalties"][5] == "—"
    total = rows["Total"]
    assert total[2] == sum(c["published"] for c in expected.values())
    enforcement = {row[0]["en"]: row[1] for row in table(report, 2, 1)["rows"]}
    assert enforcement["Penalty decisions"] == 2 and enforcement["Fines (10,000 yuan)"] == 1.0
    assert enforcement["Random inspection batches"] == 1 and enforcement["Units inspected"] == 2


def test_the_applications_tables_come_from_the_board(county):
    report = report_of(county, public_only=False)
    rows = {row[0]["zh"]: row[1:] for row in table(report, 3)["rows"]}
    assert rows["一、本年新收政府信息公开申请数量"][-1] == 2
    assert rows["四、结转下年度继续办理"][-1] == 2  # neither was answered in 2025
    assert "张三" not in str(report.sections) and "13800000000" not in str(report.sections)
    assert [s["number"] for s in report.sections] == [1, 2, 3, 4, 5, 6]


def test_texts_are_staffs_and_the_page_waits_for_the_report_to_be_public(county):
    draft = report_of(county, public_only=False, when="2026-01-15T09:00:00")
    assert draft.sections[0]["text"]["zh"] == "本县全年主动公开各类信息。"
    assert draft.public is False  # before its instant on 20 January
    assert report_of(county, public_only=True, when="2026-01-20T09:59:59") is None
    published = report_of(county, public_only=True, when="2026-01-20T10:00:01")
    assert published is not None and published.public
    document = docx.Document(io.BytesIO(docx_bytes(draft)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "草稿" in text and "DRAFT" in text and "一、总体情况" in text and "本县全年主动公开各类信息。" in text
    assert len(document.tables) == 4
    cells = [c.text for c in document.tables[0].rows[1].cells]
    assert cells[0] == "县统计规范性文件\nCounty statistical rules" and cells[1:] == ["0"] * 5 + ["0"]
    final = docx.Document(io.BytesIO(docx_bytes(published)))
    assert "草稿" not in "\n".join(p.text for p in final.paragraphs)
