"""One definition of "public since", asked by every path. A small office (tests/etl/builder.py)
adopted statpub on 1 June 2024 and brings two releases it published before (history, the second
revising the first) with `statpub import-history`; after adopting, one release is approved on time
and one late. Every path — API (releases, observations with as_of and vintages=all, vintages,
citation), files (latest and pinned: values.csv, history.parquet, data package, release files),
pages (release page chart and table), site downloads (explorer and release), feeds (Atom, ICS), the
briefing pack and the `calendar`/`status` commands — agrees: history keeps its original instants and
is never delayed; the late release is delayed until its approval and public since then. Importing
history does not change a pinned vintage that was already public."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import feedparser
import pyarrow.parquet as pq
import pytest

from statpub.dashboards.app import create_app
from statpub.dashboards.linkcheck import site_links
from statpub.etl.approvals import Approval, append_approval
from statpub.etl.load import load
from statpub.etl.review_config import approvals_path
from statpub.kernel.clock import Clock, parse_instant
from statpub.review.approve import ApprovalRefused, approve, import_history
from statpub.warehouse import publication
from statpub.warehouse.reader import WarehouseReader
from tests.dashboards.dash_payloads import UPDATE, response_text, router_body
from tests.etl.builder import MiniRoot
from tests.helpers import run_cli

ADOPTED = "2024-06-01T00:00:00+08:00"
HEAD = "series_code,period,value,status,note\n"
RELEASES = {  # id: (instant, rows)
    "2024-q1-economy": ("2024-04-19T10:00:00+08:00", "GDP,2024-Q1,100,p,\nPART_A,2024-Q1,40,p,\nPART_B,2024-Q1,60,p,\n"),
    "2024-q1-verification": ("2024-05-20T10:00:00+08:00",
                             "GDP,2024-Q1,101,r,\nPART_A,2024-Q1,41,r,\nPART_B,2024-Q1,60,r,\n"),
    "2024-q2-economy": ("2024-07-19T10:00:00+08:00", "GDP,2024-Q2,210,p,\nPART_A,2024-Q2,85,p,\nPART_B,2024-Q2,125,p,\n"),
    "2024-q3-economy": ("2024-10-18T10:00:00+08:00", "GDP,2024-Q3,330,p,\nPART_A,2024-Q3,130,p,\nPART_B,2024-Q3,200,p,\n"),
}
HISTORY = ("2024-q1-economy", "2024-q1-verification")
ON_TIME, LATE = "2024-q2-economy", "2024-q3-economy"
LATE_APPROVAL = parse_instant("2024-10-20T09:00:00+08:00")
IMPORTED_AT = parse_instant("2024-10-25T12:00:00+08:00")
BETWEEN = parse_instant("2024-10-19T12:00:00+08:00")  # the late release's instant passed, not approved yet
AFTER = parse_instant("2024-10-26T10:00:00+08:00")


def _approve_directly(settings, release_id: str, when: datetime) -> None:
    """A recorded approval at a given time (what `statpub approve` writes, dated for the story)."""
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    cur = snapshot.cursor()
    content, data, texts, entry = cur.execute("SELECT content_hash, data_hash, texts_hash, entry_hash FROM "
                                              "release_content WHERE release_id = ?", [release_id]).fetchone()
    cur.close()
    append_approval(approvals_path(settings.content), Approval(
        release=release_id, reviewer="测试审核员 Test Reviewer", approved_at=when, content_hash=content,
        data=data, texts=texts, entry=entry, user="test"))


def _client(settings, now: datetime):
    app = create_app(settings, Clock(start=now))
    client = app.server.test_client()
    client.get("/healthz")
    return app, client


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """The office's content root, its releases loaded; before the import: what the public saw of
    the on-time release's pinned vintage."""
    mini = MiniRoot(tmp_path_factory.mktemp("adopter"))
    mini.calendar_top = {"adopted": ADOPTED}
    for rid, (instant, rows) in RELEASES.items():
        extra = {"revision": {"stage": "final-verification", "reason": {"zh": "核实", "en": "verified"}}} \
            if rid == "2024-q1-verification" else {}
        mini.add(rid, instant, ["GDP", "PART_A", "PART_B"], [{"file": "data.csv", "layout": "long"}],
                 files={"data.csv": HEAD + rows}, provenance=True, **extra)
    settings = mini.settings
    clock = Clock(start=IMPORTED_AT - timedelta(hours=2))
    load(settings, clock=clock)
    _approve_directly(settings, ON_TIME, parse_instant(RELEASES[ON_TIME][0]) - timedelta(hours=1))
    _approve_directly(settings, LATE, LATE_APPROVAL)
    load(settings, clock=clock)
    before = _before_import(settings)
    import_history(settings, list(HISTORY), "测试审核员 Test Reviewer", Clock(start=IMPORTED_AT), site=site_links)
    return settings, before


def _before_import(settings) -> dict:
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    now = IMPORTED_AT - timedelta(hours=1)
    states = {rid: publication.status(snapshot.releases[rid], now) for rid in RELEASES}
    _app, client = _client(settings, now)
    pinned = {name: client.get(f"/api/v1/files/{ON_TIME}/{name}").data for name in ("history.parquet", "values.csv")}
    calendar = {r["id"]: r for r in client.get("/api/v1/calendar").get_json()["releases"]}
    return {"states": states, "pinned": pinned, "calendar": calendar}


def expected_since() -> dict[str, datetime]:
    since = {rid: parse_instant(instant) for rid, (instant, _rows) in RELEASES.items()}
    since[LATE] = LATE_APPROVAL  # approved after its instant: public from the approval, never earlier
    return since


def test_history_waiting_for_its_import_is_never_delayed(office):
    _settings, before = office
    assert before["states"] == {HISTORY[0]: "history", HISTORY[1]: "history", ON_TIME: "published", LATE: "published"}
    assert all(before["calendar"][rid]["public"] is False for rid in HISTORY)


def test_the_import_records_who_when_the_original_instant_and_the_content(office):
    settings, _before = office
    lines = approvals_path(settings.content).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line[2:]) for line in lines if line.startswith("- ")]
    imports = [r for r in records if r.get("kind") == "import"]
    assert [r["release"] for r in imports] == list(HISTORY)
    for record in imports:
        # when the reviewer really approved (the clock's now), never backdated to the original instant
        assert IMPORTED_AT <= parse_instant(record["approved_at"]) < IMPORTED_AT + timedelta(minutes=5)
        assert parse_instant(record["published_at"]) == parse_instant(RELEASES[record["release"]][0])
        assert len(record["content_hash"]) == 64 and record["reviewer"] == "测试审核员 Test Reviewer"


def test_a_live_release_cannot_be_imported_nor_history_approved_as_live(office, tmp_path):
    settings, _before = office
    with pytest.raises(ApprovalRefused, match="not history"):
        import_history(settings, [LATE], "某人", Clock(start=AFTER), site=site_links)
    with pytest.raises(ApprovalRefused, match="already gone public"):
        approve(settings, HISTORY[0], "某人", Clock(start=AFTER), site=site_links)


def test_every_api_path_agrees_on_public_since(office):
    settings, _before = office
    since = expected_since()
    _app, client = _client(settings, AFTER)
    releases = {r["id"]: r for r in client.get("/api/v1/releases").get_json()["releases"]}
    assert {rid: parse_instant(r["public_since"]) for rid, r in releases.items()} == since
    for rid, release in releases.items():
        for link in ("parquet", "csv", "datapackage"):
            answer = client.get(release["links"][link])
            assert answer.status_code == 200 and len(answer.data) > 200, (rid, link)
    every = client.get("/api/v1/series/GDP/observations?vintages=all").get_json()["observations"]
    assert {(o["release_id"], parse_instant(o["vintage"])) for o in every} == set(since.items())
    for rid, at in since.items():  # as_of at the vintage the API reported gives that release's figure
        rows = client.get("/api/v1/series/GDP/observations", query_string={"as_of": at.isoformat()}).get_json()
        newest = max(rows["observations"], key=lambda o: o["vintage"])
        assert newest["release_id"] == rid and parse_instant(newest["vintage"]) == at
    early = client.get("/api/v1/series/GDP/observations",
                       query_string={"as_of": (LATE_APPROVAL - timedelta(seconds=1)).isoformat()}).get_json()
    assert LATE not in {o["release_id"] for o in early["observations"]}
    vintages = client.get("/api/v1/series/GDP/vintages").get_json()["vintages"]
    assert {v["release_id"]: parse_instant(v["public_since"]) for v in vintages} == since
    for v in vintages:
        assert client.get(v["links"]["observations"]).get_json()["count"] >= 1
        assert client.get(v["links"]["csv"]).status_code == 200
    citation = client.get(f"/api/v1/series/GDP/citation?vintage={LATE}&format=json").get_json()
    assert parse_instant(citation["instant"]) == LATE_APPROVAL


def _csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_files_are_non_empty_and_equal_the_api(office):
    settings, _before = office
    since = expected_since()
    _app, client = _client(settings, AFTER)
    latest = {(o["period"], o["value"]) for o in
              client.get("/api/v1/series/GDP/observations").get_json()["observations"]}
    values = _csv_rows(client.get("/api/v1/files/latest/values.csv", follow_redirects=True).data)
    assert {(r["period"], float(r["value"])) for r in values if r["series_code"] == "GDP"} == latest
    history = pq.read_table(io.BytesIO(client.get("/api/v1/files/latest/history.parquet").data)).to_pylist()
    assert {(r["release_id"], r["vintage"].astimezone(UTC)) for r in history} == set(since.items())
    package = client.get("/api/v1/files/latest/datapackage.json").get_json()
    assert {r["path"] for r in package["resources"] if r.get("path", "").startswith("releases/")} == \
        {f"releases/{rid}.csv" for rid in since}
    for rid in HISTORY:  # a pinned history vintage: its own figures, with its original instant
        pinned = _csv_rows(client.get(f"/api/v1/files/{rid}/releases/{rid}.csv").data)
        assert pinned and {parse_instant(r["vintage"]) for r in pinned} == {since[rid]}


def test_a_pinned_vintage_already_public_is_unchanged_by_the_import(office):
    settings, before = office
    _app, client = _client(settings, AFTER)
    for name, data in before["pinned"].items():
        assert client.get(f"/api/v1/files/{ON_TIME}/{name}").data == data, name
    assert client.get("/api/v1/files/latest/values.csv").headers["Link"].startswith(f"</api/v1/files/{HISTORY[-1]}/")


def test_pages_charts_and_downloads_use_the_same_instant(office):
    settings, _before = office
    since = expected_since()
    app, client = _client(settings, AFTER)
    for rid in RELEASES:
        page = response_text(client.post(UPDATE, json=router_body(app, f"/release/{rid}", "?lang=en")))
        assert "release-chart" in page, rid  # the chart section is drawn for every public release
        answer = client.get(f"/download/release/{rid}.csv")
        stamp = since[rid].astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        assert answer.status_code == 200 and stamp in answer.headers["Content-Disposition"], rid
        assert {parse_instant(r["vintage"]) for r in _csv_rows(answer.data)} == {since[rid]}
    late_page = response_text(client.post(UPDATE, json=router_body(app, f"/release/{LATE}", "?lang=en")))
    assert "Public since (after approval)" in late_page
    view = client.get("/download/view.csv?series=GDP")
    assert view.status_code == 302 and max(since.values()).strftime("%Y%m%dT%H%M%SZ") in view.headers["Location"]
    assert len(_csv_rows(client.get(view.headers["Location"]).data)) == 3


def test_feeds_and_commands_agree(office):
    settings, _before = office
    since = expected_since()
    _app, client = _client(settings, AFTER)
    feed = feedparser.parse(client.get("/feed.atom").data)
    published = {e.id.split(":release/")[1].split("/")[0]: datetime(*e.updated_parsed[:6], tzinfo=UTC)
                 for e in feed.entries if e.id.endswith("/published")}
    assert published == since
    rows = {r["id"]: r for r in json.loads(run_cli("calendar", "--json", settings=settings,
                                                   now=AFTER.isoformat()).stdout)}
    assert {rid: parse_instant(r["public_since"]) for rid, r in rows.items()} == since
    status = json.loads(run_cli("status", "--json", settings=settings, now=AFTER.isoformat()).stdout)
    assert status["latest_public"] == LATE and status["public"] == 4


def test_a_late_release_is_delayed_everywhere_until_its_approval(office):
    settings, _before = office
    app, client = _client(settings, BETWEEN)
    assert LATE not in {r["id"] for r in client.get("/api/v1/releases").get_json()["releases"]}
    calendar = {r["id"]: r for r in client.get("/api/v1/calendar").get_json()["releases"]}
    assert calendar[LATE]["public"] is False and calendar[HISTORY[0]]["public"] is True
    assert client.get(f"/api/v1/files/{LATE}/values.csv").status_code == 404
    assert client.get(f"/download/release/{LATE}.csv").status_code == 404
    page = response_text(client.post(UPDATE, json=router_body(app, f"/release/{LATE}", "?lang=en")))
    assert "badge-delayed" in page and "release-chart" not in page
    ics = client.get("/calendar.ics?lang=en").get_data(as_text=True).replace("\r\n ", "")
    late_event = ics.split(f"UID:{LATE}@")[1].split("END:VEVENT")[0]
    assert "Status: delayed" in late_event
    rows = {r["id"]: r for r in json.loads(run_cli("calendar", "--json", settings=settings,
                                                   now=BETWEEN.isoformat()).stdout)}
    assert rows[LATE]["status"] == "delayed" and rows[LATE]["public_since"] is None
    assert rows[HISTORY[0]]["status"] == "published"
    status = json.loads(run_cli("status", "--json", settings=settings, now=BETWEEN.isoformat()).stdout)
    assert {r["id"]: r["status"] for r in status["review"]} == {LATE: "delayed"}


@pytest.mark.slow
def test_the_briefing_pack_takes_the_same_vintage(office, tmp_path):
    from statpub.features.press.service import deliver_pack
    from statpub.warehouse.gate import Gate

    settings, _before = office
    since = expected_since()
    gate = Gate(WarehouseReader(settings.warehouse_dir).snapshot(), AFTER)
    for rid in (HISTORY[1], LATE):
        pack = deliver_pack(gate, rid, tmp_path / rid, settings, channel="cli")
        with zipfile.ZipFile(pack.path) as archive:
            name = next(n for n in archive.namelist() if n.endswith("data.csv"))
            rows = _csv_rows(archive.read(name))
        assert {parse_instant(r["vintage"]) for r in rows} == {since[rid]}
