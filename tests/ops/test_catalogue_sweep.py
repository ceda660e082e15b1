"""The register's catalogue on the demo (issue 13, finding 2 for the register): the demo's catalogue
is public as loaded (its first catalogue, never approved on its own); an edit waiting for approval
— a matter's legal basis and department, a matter added, a looser privacy rule that would show a
penalised person's full name — is on no public answer: the whole leak sweep (tests/ops/sweep.py:
every route, OpenAPI path, page and callback in both languages, search, files, every link followed)
runs against a live server of the edited office, then `statpub approve --metadata` (as a user runs
it) makes the edit public."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import yaml

from statpub.dashboards.app import create_app
from statpub.etl.load import load
from statpub.kernel.clock import Clock
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.fixtures.press import private_site
from tests.helpers import run_cli, start_server
from tests.ops.sweep import Sweep, Universe, page_asks, query_asks, route_asks
from tests.ops.test_leak_sweep import INSTANT, RELEASE, register_universe

NOW = INSTANT + timedelta(hours=1)
BASIS = {"zh": "《示例市政务公开规定》第七条（待审核修改）", "en": "Example City openness rules, art. 7 (edit awaiting approval)"}
DEPARTMENT = {"zh": "办公室政务公开科（待审核修改）", "en": "Openness Section (edit awaiting approval)"}
ADDED = {"id": "budgets-added-later", "kind": "budget", "name": {"zh": "部门预算追加事项（待审核）",
                                                                  "en": "Budget matter added later (awaiting approval)"},
         "domain": {"zh": "财政资金", "en": "Public funds"}, "level": {"zh": "市级", "en": "city"},
         "basis": {"zh": "《预算法》第十四条", "en": "Budget Law, art. 14"},
         "department": {"zh": "财务处", "en": "Finance Division"}, "time_limit": 20}
PERSON = "孙晓明"  # a penalised person the demo shows masked (孙某)


def test_the_demo_catalogue_is_public_as_loaded(demo_settings):
    view = Gate(WarehouseReader(demo_settings.warehouse_dir).snapshot(), NOW).register
    assert view.catalogue.pending == ()
    assert [m.data for m in view.matters()] == [m.data for m in view.state.matters] and len(view.matters()) >= 8
    assert view.catalogue.privacy == view.state.privacy


@pytest.mark.slow
def test_catalogue_edits_awaiting_approval_show_nowhere_in_public(tmp_path_factory, demo_settings):
    settings = private_site(tmp_path_factory.mktemp("catalogue-sweep"), demo_settings)
    path = settings.root / "register" / "catalogue.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["matters"][0].update(basis=BASIS, department=DEPARTMENT)
    data["matters"].append(ADDED)
    data["privacy"]["penalty"]["person_name"] = "full"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load(settings, clock=Clock(start=NOW - timedelta(days=1)))
    marks = [*BASIS.values(), *DEPARTMENT.values(), *ADDED["name"].values(), ADDED["id"], PERSON]

    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    gate = Gate(snapshot, NOW)
    assert set(gate.register.catalogue.pending) == {"register:matter:normative-documents",
                                                    f"register:matter:{ADDED['id']}", "register:rules"}
    app = create_app(settings, Clock(start=NOW))
    app.server.test_client().get("/healthz")  # registers the pages router callback
    universe = Universe(
        release=RELEASE, release_ids=[r.id for r in gate.calendar()], series_codes=list(snapshot.series),
        topics=[t.code for t in snapshot.topics], series_of_release=list(gate.calendar_entry(RELEASE).series),
        **register_universe(gate, Gate(snapshot, INSTANT - timedelta(seconds=1))))
    universe.searches = [*universe.searches, "%E5%BE%85%E5%AE%A1%E6%A0%B8", "awaiting%20approval"]
    asks = route_asks(app.server, universe) + query_asks(universe) + page_asks(app, universe)
    asks += [type(asks[0])("GET", p) for p in ("/register/penalty/2026-penalty-007", "/api/v1/register/matters",
                                               "/api/v1/register/items/2026-penalty-007", "/report/annual/2026")]
    server = start_server(settings, now=NOW.isoformat(), workers=2,
                          env={"STATPUB_API_RATE": "0", "STATPUB_DOWNLOAD_RATE": "0"})
    try:
        seen = Sweep(server.url, app).run(asks)
    finally:
        server.stop()
    failed = [(s.ask.label, s.status) for s in seen if s.status >= 500]
    log = server.log.read_text(errors="replace")
    # The server's own words: the site's error handler logs each error as a JSON line, gunicorn a traceback.
    start = log.find("Traceback")
    said = [line for line in log.splitlines() if '"level": "error"' in line] + ([log[start:start + 4000]] if start >= 0 else [])
    assert len(seen) > 300 and not failed, (failed, said)
    leaks = [(s.ask.label, m) for s in seen for m in marks if m in s.text + "\n" + s.header_text]
    assert not leaks, f"{len(leaks)} public answers show the catalogue's edit awaiting approval: {leaks[:10]}"
    assert any("孙某" in s.text for s in seen)  # the approved (masked) rule still applies

    result = run_cli("approve", "--metadata", "--reviewer", "审核员 Reviewer", settings=settings,
                     now=(NOW + timedelta(minutes=5)).isoformat())
    assert result.returncode == 0, result.stdout + result.stderr
    client = create_app(settings, Clock(start=NOW + timedelta(minutes=10))).server.test_client()
    matters = client.get("/api/v1/register/matters").get_json()["matters"]
    assert matters[0]["basis"] == BASIS and matters[0]["department"] == DEPARTMENT and matters[-1]["id"] == ADDED["id"]
    item = client.get("/api/v1/register/items/2026-penalty-007").get_data(as_text=True)
    assert PERSON in item
    assert json.loads(item)["id"] == "2026-penalty-007"
