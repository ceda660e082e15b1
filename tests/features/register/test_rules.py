"""The register's rules on a second office (a county, tests/features/register/builder.py): lapsing at
midnight, on time or late in working days, 三同步, privacy, versions kept for ever, approvals bound
to content, bad input located and changing nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from statpub.etl.load import load
from statpub.features.register.deadlines import due_report, staff_rows, timeliness
from statpub.features.register.jobs import jobs, note_lapses
from statpub.kernel.clock import Clock
from statpub.kernel.errors import ValidationFailed
from statpub.kernel.jobs import Occurrence
from statpub.kernel.workdays import work_calendar
from statpub.review.register_approve import approve_items
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.features.register.builder import MiniRegister, before, beijing

INSTANT = "2026-03-10T10:00:00"


def gate_at(reg: MiniRegister, when: str) -> Gate:
    return Gate(WarehouseReader(reg.settings.warehouse_dir).snapshot(), beijing(when))


def load_at(reg: MiniRegister, when: str = "2026-03-01T09:00:00") -> None:
    load(reg.settings, clock=Clock(start=beijing(when)))


@pytest.fixture
def reg(tmp_path) -> MiniRegister:
    return MiniRegister(tmp_path / "county")


def test_a_survey_project_lapses_at_midnight_of_its_last_valid_day(reg):
    reg.item("survey", "county-survey", valid_until="2026-06-30")
    reg.approve("county-survey", before(INSTANT))
    load_at(reg)
    last_second = gate_at(reg, "2026-06-30T23:59:59.999")
    item = last_second.register.item("county-survey")
    assert item.lapsed is False and item.data["forms"]
    assert last_second.next_change() == beijing("2026-07-01T00:00:00")  # what the site keeps ends at midnight
    midnight = gate_at(reg, "2026-07-01T00:00:00").register.item("county-survey")
    assert midnight.lapsed is True
    from statpub.features.register.shapes import item_full

    calendar = work_calendar(reg.settings.root)
    view = gate_at(reg, "2026-07-01T00:00:00").register
    assert item_full(view, midnight, calendar)["data"]["forms_current"] == []  # its forms are not current
    before_view = gate_at(reg, "2026-06-30T23:59:59").register
    assert item_full(before_view, item, calendar)["data"]["forms_current"][0]["number"] == "X101表"
    # the scheduler's job is due exactly at that midnight and notes the lapse
    lapse = next(j for j in jobs(reg.settings) if j.name == "register.lapse")
    assert lapse.next_due(beijing("2026-06-30T12:00:00")) == beijing("2026-07-01T00:00:00")
    due = beijing("2026-07-01T00:00:00")
    assert note_lapses(reg.settings, Occurrence("register.lapse", due, 1, lambda: due)) == ["county-survey"]


def test_changed_and_published_on_the_21st_working_day_is_late(reg):
    # changed on Monday 2 March 2026: the 20th working day after is 30 March, the 21st 31 March
    reg.item("report-system", "late-one-rs", changed="2026-03-02", instant="2026-03-31T10:00:00+08:00")
    reg.item("report-system", "on-time-rs", changed="2026-03-02", instant="2026-03-30T10:00:00+08:00")
    reg.item("survey", "on-time-one", changed="2026-03-02", instant="2026-03-30T10:00:00+08:00")
    for item_id in ("on-time-one", "late-one-rs", "on-time-rs"):
        reg.approve(item_id, before("2026-03-30T10:00:00", hours=48))
    load_at(reg)
    gate = gate_at(reg, "2026-04-02T09:00:00")
    calendar = work_calendar(reg.settings.root)
    found = {}
    for item_id in ("late-one-rs", "on-time-rs"):
        item = gate.register.item(item_id)
        found[item_id] = timeliness(calendar, item.version, 20, item.published, gate.now)
    assert (found["late-one-rs"].state, found["late-one-rs"].working_days) == ("late", 21)
    assert (found["on-time-rs"].state, found["on-time-rs"].working_days) == ("on-time", 20)
    assert found["late-one-rs"].due.isoformat() == "2026-03-30"
    # the county's survey matter allows 10 working days: both surveys are late
    survey = gate.register.item("on-time-one")
    assert timeliness(calendar, survey.version, 10, survey.published, gate.now).state == "late"


def test_document_and_interpretation_go_out_together_or_not_at_all(reg):
    reg.item("document", "doc-one")
    reg.item("interpretation", "read-one", interprets="doc-one")
    reg.approve("doc-one", before(INSTANT))
    load_at(reg)
    after = gate_at(reg, "2026-03-11T10:00:00")
    assert after.register.item("doc-one") is None and after.register.item("read-one") is None
    state = after.register.state
    from statpub.warehouse.register_state import why_not_public

    assert "三同步" in why_not_public(state, state.current()["doc-one"])
    approved_at = beijing("2026-03-10T11:00:00")
    notes = approve_items(reg.settings, ["read-one"], "另一审核员 Second Reviewer", Clock(start=approved_at),
                          reload=False, when=lambda _item: approved_at)[0].notes
    assert notes == ()  # its document is approved already: nothing left waiting
    load_at(reg)
    after = gate_at(reg, "2026-03-10T11:00:01")
    doc, reading = after.register.item("doc-one"), after.register.item("read-one")
    assert doc is not None and reading is not None
    assert doc.published == reading.published == beijing("2026-03-10T11:00:00")  # the later approval
    assert gate_at(reg, "2026-03-10T10:59:59").register.item("doc-one") is None


def test_a_document_whose_matter_requires_an_interpretation_waits_for_one(reg):
    reg.item("document", "doc-alone")
    reg.approve("doc-alone", before(INSTANT))
    load_at(reg)
    assert gate_at(reg, "2026-04-01T00:00:00").register.item("doc-alone") is None


def test_privacy_rules_of_the_kind_and_the_publicity_period(reg):
    reg.item("penalty", "pen-person", decided_on="2026-03-01")
    reg.item("inspection", "insp-one")
    reg.approve("pen-person", before(INSTANT))
    reg.approve("insp-one", before(INSTANT))
    load_at(reg)
    gate = gate_at(reg, "2026-03-11T00:00:00")
    party = gate.register.item("pen-person").data["party"]
    assert party["name"] is None and party["id_number"] is None  # the county hides persons entirely
    inspection = gate.register.item("insp-one").data
    assert [u["name"] for u in inspection["units"]] == ["孙某", "某县甲公司"]
    assert inspection["inspectors"] == ["王五", "赵六"]
    # shown for 365 days from the decision (1 March 2026): gone from midnight on 1 March 2027
    assert gate_at(reg, "2027-02-28T23:59:59").register.item("pen-person") is not None
    assert gate_at(reg, "2027-03-01T00:00:00").register.item("pen-person") is None
    assert beijing("2027-03-01T00:00:00") in gate.register.state.change_points


def test_a_published_version_is_kept_and_shown_until_its_change_is_approved(reg):
    reg.item("classification", "sectors-2026")
    reg.approve("sectors-2026", before(INSTANT))
    load_at(reg)
    v1 = gate_at(reg, "2026-03-11T00:00:00").register.item("sectors-2026")
    reg.item("classification", "sectors-2026", changed="2026-04-01", instant="2026-04-08T10:00:00+08:00",
             codes=[{"code": "1", "name": {"zh": "第一产业", "en": "Primary"}},
                    {"code": "2", "name": {"zh": "第二产业", "en": "Secondary"}},
                    {"code": "3", "name": {"zh": "第三产业", "en": "Tertiary"}}])
    load_at(reg, "2026-04-02T09:00:00")
    still = gate_at(reg, "2026-04-09T00:00:00").register.item("sectors-2026")
    assert still.version.content_hash == v1.version.content_hash  # the change is not approved
    reg.approve("sectors-2026", before("2026-04-08T10:00:00"))
    load_at(reg, "2026-04-02T09:00:00")
    v2 = gate_at(reg, "2026-04-09T00:00:00").register.item("sectors-2026")
    assert len(v2.data["codes"]) == 3 and [h for h, _ in v2.versions] == [v1.version.content_hash,
                                                                          v2.version.content_hash]
    assert gate_at(reg, "2026-04-08T09:59:59").register.item("sectors-2026").version.content_hash == \
        v1.version.content_hash


def test_a_published_item_cannot_be_removed_and_the_load_changes_nothing(reg):
    path = reg.item("classification", "sectors-2026")
    reg.approve("sectors-2026", before(INSTANT))
    load_at(reg, "2026-03-11T09:00:00")
    snapshot = WarehouseReader(reg.settings.warehouse_dir).store.current()
    path.unlink()
    with pytest.raises(ValidationFailed) as failed:
        load_at(reg, "2026-03-12T09:00:00")
    assert "has gone public and cannot be removed" in failed.value.report()
    assert WarehouseReader(reg.settings.warehouse_dir).store.current() == snapshot


def test_bad_input_names_file_line_and_field(reg):
    reg.item("survey", "bad-survey", matter="county-rules", valid_until="2025-01-01", valid_from="2026-01-01")
    reg.item("interpretation", "orphan", interprets="no-such-doc")
    reg.item("document", "doc-files", files=[{"file": "missing.pdf"}, {"file": "fake.pdf"}])
    reg.attach("document", "fake.pdf", b"not a pdf")
    with pytest.raises(ValidationFailed) as failed:
        load_at(reg)
    text = failed.value.report()
    assert "register/surveys/bad-survey.yaml" in text and "valid_until (2025-01-01) is before valid_from" in text
    assert "register/interpretations/orphan.yaml, column interprets: no-such-doc is not a document" in text
    assert "missing.pdf not found" in text and "fake.pdf is not a PDF file" in text
    assert WarehouseReader(reg.settings.warehouse_dir).store.current() is None


def test_matter_of_another_kind_is_located(reg):
    reg.item("survey", "wrong-matter", matter="county-rules")
    with pytest.raises(ValidationFailed) as failed:
        load_at(reg)
    assert "register/surveys/wrong-matter.yaml, column matter: county-rules is a matter for document items" \
        in failed.value.report()


def test_an_approval_covers_exactly_the_content_and_is_never_edited(reg):
    reg.item("report-system", "rs-one")
    reg.approve("rs-one", before(INSTANT))
    reg.item("report-system", "rs-one", summary={"zh": "改了一个字", "en": "one change"})
    load_at(reg)
    gate = gate_at(reg, "2026-03-11T00:00:00")
    assert gate.register.item("rs-one") is None
    from statpub.warehouse.register_state import why_not_public

    assert why_not_public(gate.register.state, gate.register.state.current()["rs-one"]).startswith("approval void")
    approvals = reg.base / "approvals.yaml"
    approvals.write_text(approvals.read_text(encoding="utf-8").replace("测试审核员", "别人"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        load_at(reg, "2026-03-12T00:00:00")
    assert "was changed or removed" in failed.value.report()


def test_staff_views_due_overdue_lapsing(reg):
    reg.item("penalty", "pen-late", decided_on="2026-03-01", created="2026-03-02")
    reg.item("survey", "ending", valid_until="2026-04-10")
    reg.approve("ending", before(INSTANT))
    load_at(reg)
    gate = gate_at(reg, "2026-03-20T09:00:00")
    report = due_report(staff_rows(gate.register.state, work_calendar(reg.settings.root), gate.now))
    assert [r.version.item_id for r in report["overdue"]] == ["pen-late"]  # 7 working days from 2 March
    assert report["overdue"][0].timeliness.due.isoformat() == "2026-03-11"
    assert [r.version.item_id for r in report["lapsing"]] == ["ending"]  # within the county's 30 days
    later = gate_at(reg, "2026-04-11T00:00:00")
    report = due_report(staff_rows(later.register.state, work_calendar(reg.settings.root), later.now))
    assert [r.version.item_id for r in report["lapsed"]] == ["ending"]
    with pytest.raises(Exception):  # noqa: B017 - the public gate has no staff view
        later.register.staff_state()


def test_register_instants_bound_what_the_site_keeps_but_are_never_announced(reg):
    """An item's own instant ends whatever the site keeps in memory (next_change), but nobody
    announced it: cache lifetimes, /healthz and the API's next_instant do not show it."""
    reg.item("classification", "sectors-2026", instant="2026-03-10T10:00:00+08:00")
    reg.approve("sectors-2026", before(INSTANT))
    load_at(reg)
    gate = gate_at(reg, "2026-03-10T09:00:00")
    assert gate.next_change() == beijing(INSTANT) and gate.next_change() - gate.now == timedelta(hours=1)
    assert gate.next_instant() != beijing(INSTANT)


def test_a_new_hash_version_keeps_older_approvals_valid_for_what_they_approved(reg, monkeypatch):
    """hash_versions.py's rule for register items: a version declared later (here one covering
    less) becomes the one new approvals are made under; an approval recorded under the older one
    still publishes exactly what it approved, the same content stays one version, and a change is
    covered by neither."""
    from statpub.etl import register_approvals, register_hash, register_load
    from statpub.etl.register_approvals import ItemApproval, append_approval
    from statpub.kernel.register_root import approvals_path, load_register
    from statpub.warehouse import hash_versions
    from statpub.warehouse.register_state import why_not_public

    reg.item("report-system", "old-one")
    reg.approve("old-one", before(INSTANT))  # under statpub-register/1
    load_at(reg)
    first = gate_at(reg, "2026-03-11T00:00:00").register.item("old-one")
    newer = "statpub-register/2"
    monkeypatch.setitem(hash_versions.REGISTER_VERSIONS, newer, hash_versions.HashVersion(2, newer, ("kind", "id", "item")))
    monkeypatch.setattr(register_load, "CURRENT", newer)
    monkeypatch.setattr(register_approvals, "VERSIONS", (*register_hash.VERSIONS, newer))
    reg.item("report-system", "new-one")
    item = load_register(reg.mini.root).items["new-one"]
    append_approval(approvals_path(reg.mini.root), ItemApproval(
        item="new-one", reviewer="测试审核员", approved_at=before(INSTANT), hash_version=newer,
        content_hash=register_hash.item_hash(item, newer), user="test"))
    load_at(reg, "2026-03-02T09:00:00")
    gate = gate_at(reg, "2026-03-11T00:00:00")
    kept, fresh = gate.register.item("old-one"), gate.register.item("new-one")
    assert kept is not None and fresh is not None
    assert [h for h, _ in kept.versions] == [first.version.content_hash]  # one version, not two
    assert set(kept.version.hashes) == {"statpub-register/1", newer}
    reg.item("report-system", "old-one", summary={"zh": "改了", "en": "changed"}, changed="2026-03-12",
             instant="2026-03-13T10:00:00+08:00")
    load_at(reg, "2026-03-12T09:00:00")
    later = gate_at(reg, "2026-03-14T00:00:00").register
    assert later.item("old-one").version.content_hash == first.version.content_hash
    assert why_not_public(later.state, later.state.current()["old-one"]).startswith("approval void")
