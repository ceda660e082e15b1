"""The register's catalogue of matters and its privacy rules pass 先审查、后公开 (issue 13, finding 2),
on a county's register (tests/features/register/builder.py, nothing from the demo): its first
catalogue is public at once; an edited legal basis, department or time limit and a matter added
later are not public on any route — pages, the matters and items APIs, search, the annual report —
until `statpub approve --metadata` (run as a user would), while a signed-in reviewer sees them as
awaiting approval; the public on-time judgement keeps the approved time limit; a looser privacy
rule waits for approval while a stricter one applies at the next load."""

from __future__ import annotations

import copy
import json
import os

import duckdb
import pytest

from statpub.dashboards.app import create_app
from statpub.etl.load import load
from statpub.features.staff.service import accounts_for
from statpub.kernel.clock import Clock
from statpub.kernel.register_models import PrivacyRule
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from statpub.warehouse.register_catalogue import register_change_points, stricter
from statpub.warehouse.snapshots import SnapshotStore
from tests.dashboards.dash_payloads import UPDATE, router_body
from tests.features.register import builder
from tests.features.register.builder import PRIVACY, MiniRegister, before, beijing
from tests.fixtures.staff import sign_in
from tests.helpers import run_cli

INSTANT = "2026-03-10T10:00:00"  # the items go public (6 working days after 2 March)
NOW = "2026-04-01T09:00:00"
BASIS = {"zh": "《县统计工作条例》第九条（待审）", "en": "County statistics rules, art. 9 (pending)"}
DEPARTMENT = {"zh": "县统计局法规科（待审）", "en": "County legal section (pending)"}
NEW_MATTER = {"id": "county-budgets", "kind": "document", "name": {"zh": "县统计局预算决算（新增待审）",
                                                                   "en": "County budgets and accounts (added, pending)"},
              "domain": {"zh": "财政信息", "en": "Finance"}, "level": {"zh": "县级", "en": "county"},
              "basis": {"zh": "《预算法》第十四条", "en": "Budget Law, art. 14"},
              "department": {"zh": "县统计局财务科", "en": "Finance section"}, "time_limit": 20}
PENDING_MARKS = [BASIS["zh"], BASIS["en"], DEPARTMENT["zh"], DEPARTMENT["en"], NEW_MATTER["name"]["zh"],
                 NEW_MATTER["name"]["en"], "county-budgets"]


def load_at(reg: MiniRegister, when: str) -> None:
    load(reg.settings, clock=Clock(start=beijing(when)))


def gate_at(reg: MiniRegister, when: str = NOW) -> Gate:
    return Gate(WarehouseReader(reg.settings.warehouse_dir).snapshot(), beijing(when))


def edit_catalogue(reg: MiniRegister, matters: list[dict] | None = None, privacy: dict | None = None) -> None:
    reg.write_catalogue(matters=matters if matters is not None else builder.MATTERS,
                        privacy=privacy if privacy is not None else PRIVACY)


def approve_by_cli(reg: MiniRegister, when: str) -> None:
    result = run_cli("approve", "--metadata", "--reviewer", "县审核员 County Reviewer", settings=reg.settings,
                     now=beijing(when).isoformat())
    assert result.returncode == 0, result.stdout + result.stderr


def public_answers(reg: MiniRegister, when: str = NOW) -> dict[str, str]:
    """Every public route showing the catalogue: pages (both languages), the APIs, search, the report."""
    app = create_app(reg.settings, Clock(start=beijing(when)))
    client = app.server.test_client()
    client.get("/healthz")  # registers the pages router callback
    answers = {}
    for path in ("/api/v1/register/matters", "/api/v1/register/items", "/api/v1/register/items?kind=survey",
                 "/api/v1/register/items/county-survey", "/api/v1/search?q=%E5%BE%85%E5%AE%A1",
                 "/api/v1/search?q=pending&lang=en"):  # (a query is echoed: ask words, not the marks)
        response = client.get(path)
        assert response.status_code in (200, 404), path
        answers[path] = response.get_data(as_text=True)
    for path, query in (("/register", ""), ("/register", "?lang=en"), ("/register/survey/county-survey", ""),
                        ("/register/survey/county-survey", "?lang=en"), ("/report/annual/2025", "")):
        response = client.post(UPDATE, json=router_body(app, path, query))
        assert response.status_code == 200, path
        answers[path + query] = json.dumps(response.get_json(), ensure_ascii=False)
    return answers


def leaks(answers: dict[str, str], marks: list[str]) -> list[tuple[str, str]]:
    return [(path, mark) for path, text in answers.items() for mark in marks if mark in text]


@pytest.fixture
def county(tmp_path, monkeypatch) -> MiniRegister:
    monkeypatch.setattr(builder, "MATTERS", copy.deepcopy(builder.MATTERS))
    reg = MiniRegister(tmp_path / "county")
    reg.item("survey", "county-survey", valid_until="2027-06-30")
    reg.item("annual-report", "report-2025", instant=f"{INSTANT}+08:00")
    for item_id in ("county-survey", "report-2025"):
        reg.approve(item_id, before(INSTANT))
    load_at(reg, "2026-03-01T09:00:00")
    return reg


def test_the_first_catalogue_is_public_without_an_approval(county):
    view = gate_at(county).register
    assert [m.id for m in view.matters()] == [m["id"] for m in builder.MATTERS]
    assert view.catalogue.pending == ()
    matters = json.loads(public_answers(county)["/api/v1/register/matters"])["matters"]
    assert next(m for m in matters if m["id"] == "county-surveys")["basis"] == builder.MATTERS[2]["basis"]


def test_an_edited_or_added_matter_waits_for_approval(county):
    surveys = next(m for m in builder.MATTERS if m["id"] == "county-surveys")
    surveys.update(basis=BASIS, department=DEPARTMENT, time_limit=3)  # the survey went out on day 6: late by it
    edit_catalogue(county, [*builder.MATTERS, NEW_MATTER])
    load_at(county, "2026-03-20T09:00:00")

    answers = public_answers(county)
    assert not leaks(answers, PENDING_MARKS), leaks(answers, PENDING_MARKS)
    matters = json.loads(answers["/api/v1/register/matters"])["matters"]
    shown = next(m for m in matters if m["id"] == "county-surveys")
    assert shown["basis"]["zh"] == "《统计法》第十七条" and shown["time_limit_working_days"] == 10
    assert "county-budgets" not in [m["id"] for m in matters]
    item = json.loads(answers["/api/v1/register/items/county-survey"])
    assert item["timeliness"]["state"] == "on-time"  # judged by the approved 10 days, not the pending 3
    due = run_cli("register", "--due", "--json", settings=county.settings, now=beijing(NOW).isoformat())
    assert json.loads(due.stdout)["catalogue_awaiting_approval"] == ["register:matter:county-budgets",
                                                                      "register:matter:county-surveys"]

    approve_by_cli(county, "2026-03-25T09:00:00")
    answers = public_answers(county)
    matters = json.loads(answers["/api/v1/register/matters"])["matters"]
    shown = next(m for m in matters if m["id"] == "county-surveys")
    assert shown["basis"] == BASIS and shown["department"] == DEPARTMENT and shown["time_limit_working_days"] == 3
    assert matters[-1]["id"] == "county-budgets"
    assert json.loads(answers["/api/v1/register/items/county-survey"])["timeliness"]["state"] == "late"
    assert BASIS["zh"] in answers["/register"] and BASIS["en"] in answers["/register?lang=en"]
    assert NEW_MATTER["name"]["zh"] in answers["/register"] and NEW_MATTER["name"]["zh"] in answers["/report/annual/2025"]
    assert gate_at(county).register.catalogue.pending == ()


def test_a_signed_in_reviewer_sees_the_edit_as_awaiting_approval(county):
    surveys = next(m for m in builder.MATTERS if m["id"] == "county-surveys")
    surveys.update(basis=BASIS)
    edit_catalogue(county, [*builder.MATTERS, NEW_MATTER])
    load_at(county, "2026-03-20T09:00:00")
    accounts_for(county.settings).add("rita", "reviewer", "rita-reviewer-password", beijing("2026-03-01T09:00:00"),
                                      display_name="Rita", organisation="County office")
    app = create_app(county.settings, Clock(start=beijing(NOW)))
    client = app.server.test_client()
    assert client.get("/staff/register?format=json").status_code == 403
    assert sign_in(client, "rita", "rita-reviewer-password").status_code == 303
    awaiting = client.get("/staff/register?format=json").get_json()["catalogue_awaiting_approval"]
    by_matter = {m["matter"]: m for m in awaiting["matters"]}
    assert by_matter["county-surveys"]["fields"] == ["basis"] and by_matter["county-surveys"]["content"]["basis"] == BASIS
    assert by_matter["county-budgets"]["new"] and awaiting["rules"] is False
    page = client.get("/staff/register?lang=en").get_data(as_text=True)
    assert "awaiting approval" in page and BASIS["en"] in page and "statpub approve --metadata" in page


def test_a_looser_privacy_rule_waits_and_a_stricter_one_applies_at_once(county):
    county.item("penalty", "pen-person", decided_on="2026-03-01")
    county.approve("pen-person", before(INSTANT))
    load_at(county, "2026-03-05T09:00:00")
    assert gate_at(county).register.item("pen-person").data["party"]["name"] is None  # hidden

    looser = copy.deepcopy(PRIVACY)
    looser["penalty"].update(person_name="full", show_days=None)  # shown in full, for ever
    edit_catalogue(county, privacy=looser)
    load_at(county, "2026-03-20T09:00:00")
    assert gate_at(county).register.item("pen-person").data["party"]["name"] is None  # waits
    # the approved 365 days still end it (and bound what the site keeps), the content's "for ever" waits
    withdrawn = beijing("2027-03-01T00:00:00")
    assert withdrawn in register_change_points(WarehouseReader(county.settings.warehouse_dir).snapshot())
    assert gate_at(county, "2027-02-28T23:00:00").register.item("pen-person") is not None
    assert gate_at(county, "2027-03-01T00:00:01").register.item("pen-person") is None
    assert "李四" not in public_answers(county)["/api/v1/register/items"]
    approve_by_cli(county, "2026-03-25T09:00:00")
    assert gate_at(county).register.item("pen-person").data["party"]["name"] == "李四"

    stricter_rules = copy.deepcopy(looser)
    stricter_rules["penalty"].update(person_name="masked", show_days=30)  # out from midnight on 31 March
    edit_catalogue(county, privacy=stricter_rules)
    load_at(county, "2026-03-26T09:00:00")
    view = gate_at(county, "2026-03-27T12:00:00").register
    assert view.item("pen-person").data["party"]["name"] == "李某"  # masked at once, without an approval
    assert gate_at(county).register.item("pen-person") is None  # its shorter publicity applies at once
    assert "pen-person" not in public_answers(county)["/api/v1/register/items"]
    assert view.catalogue.pending == ("register:rules",)


def test_the_stricter_rule_field_by_field():
    loose = PrivacyRule(person_name="full", id_number="masked", official_name="full", show_days=None)
    strict = PrivacyRule(person_name="hidden", id_number="hidden", official_name="masked", show_days=30)
    assert stricter(loose, strict) == strict == stricter(strict, loose)
    mixed = stricter(PrivacyRule(person_name="hidden", show_days=None), PrivacyRule(person_name="masked", show_days=90))
    assert (mixed.person_name, mixed.show_days) == ("hidden", 90)


def test_upgrading_a_warehouse_whose_catalogue_was_public_before_review(county):
    """A snapshot built before this review (migrations up to 005, no catalogue versions): what it
    held stays public without an approval, and an edit made in the content meanwhile waits."""
    current = SnapshotStore(county.settings.warehouse_dir).current()
    os.chmod(current, 0o644)
    con = duckdb.connect(str(current))
    con.execute("DELETE FROM metadata_versions WHERE starts_with(item, 'register:')")
    con.execute("DELETE FROM metadata_current WHERE starts_with(item, 'register:')")
    con.execute("ALTER TABLE metadata_versions DROP COLUMN public_from_start")
    con.execute("DELETE FROM schema_migrations WHERE version = 6")
    con.close()
    view = gate_at(county).register
    assert [m.id for m in view.matters()] == [m["id"] for m in builder.MATTERS] and view.catalogue.pending == ()

    next(m for m in builder.MATTERS if m["id"] == "county-surveys").update(basis=BASIS)
    edit_catalogue(county)
    load_at(county, "2026-03-20T09:00:00")
    view = gate_at(county).register
    assert view.matter("county-surveys").data["basis"]["zh"] == "《统计法》第十七条"
    assert view.catalogue.pending == ("register:matter:county-surveys",)
    approve_by_cli(county, "2026-03-25T09:00:00")
    assert gate_at(county).register.matter("county-surveys").data["basis"] == BASIS
