"""The proof that an office other than the demo can adopt statpub: a new office built as its staff
would (tests/ops/new_office.py: `statpub init`, its own catalogue and calendar for real public data,
past and future releases, a revision, a wide table, sources added with their provenance), loaded,
checked, approved and served; then, through HTTP and a real Chromium, the site is the office's,
every path agrees on what is public, files are non-empty and equal the API, charts are drawn."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest

from tests.helpers import start_server
from tests.ops import new_office
from tests.ops.new_office import NAME, NOW, OFFICE, PLAN

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory):
    settings = new_office.build(tmp_path_factory.mktemp("riverside") / "office")
    checked = new_office.cli(settings, "check", *PLAN.history, *PLAN.live, PLAN.embargoed)
    assert "0 error(s)" in checked, checked
    new_office.approve(settings)
    return settings


@pytest.fixture(scope="module")
def server(office):
    live = start_server(office, now=NOW, workers=1)
    yield live
    live.stop()


def api(server, path: str, **params) -> dict:
    answer = server.get(path, params=params)
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    return answer.json()


def test_every_file_the_office_wrote_names_its_schema(office):
    for path in [office.root / "calendar.yaml", *sorted((office.root / "releases").rglob("*.yaml"))]:
        if path.name != "approvals.yaml":
            assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema="), path


def test_what_is_public_at_the_instant(server):
    releases = {r["id"]: r for r in api(server, "/api/v1/releases")["releases"]}
    for rid in (*PLAN.history, *PLAN.live):
        assert releases[rid]["public"], rid
    calendar = {r["id"]: r for r in api(server, "/api/v1/calendar")["releases"]}
    assert not calendar[PLAN.embargoed]["public"] and not calendar[PLAN.awaiting]["public"]


def _values(text: str) -> set[tuple[str, str, float]]:
    return {(r["series_code"], r["period"], float(r["value"])) for r in csv.DictReader(io.StringIO(text))
            if r.get("value")}


def test_release_files_are_non_empty_and_equal_the_api(server):
    for brief in api(server, "/api/v1/releases")["releases"]:
        if not brief["public"]:
            continue
        observations = api(server, f"/api/v1/releases/{brief['id']}/observations")["observations"]
        assert observations, brief["id"]
        from_api = {(o["series_code"], o["period"], float(o["value"])) for o in observations if o["value"] is not None}
        answer = server.get(brief["links"]["csv"])
        assert answer.status_code == 200 and answer.content, brief["id"]
        assert _values(answer.content.decode("utf-8-sig")) == from_api, brief["id"]


def test_the_revision_keeps_both_vintages_and_shows_the_latest(server):
    real = {r["month"][:7]: int(r["nonfarm"]) for r in new_office.employment()}["2015-09"]
    latest = api(server, "/api/v1/series/NONFARM/observations", start="2015-09", end="2015-09")["observations"]
    assert [o["value"] for o in latest] == [real]
    every = api(server, "/api/v1/series/NONFARM/observations", start="2015-09", end="2015-09", vintages="all")
    assert sorted(o["value"] for o in every["observations"]) == [real - new_office.FIRST_ESTIMATE_CUT, real]


def test_the_embargoed_release_shows_nowhere(server):
    november = {r["month"][:7]: r for r in new_office.employment()}["2015-11"]
    figure = november["nonfarm"]
    for path in ("/api/v1/series/NONFARM/observations", "/api/v1/files/latest/values.csv",
                 f"/api/v1/releases/{PLAN.embargoed}/observations"):
        answer = server.get(path)
        assert figure not in answer.text and f"{int(figure):,}" not in answer.text, path


def test_the_wide_table_adds_up(server):
    total = api(server, "/api/v1/series/IA_TOTAL/observations")["observations"]
    parts = {code: api(server, f"/api/v1/series/{code}/observations")["observations"]
             for code in ("IA_FOSSIL", "IA_NUCLEAR", "IA_RENEWABLE")}
    assert [o["period"] for o in total] == ["2012", "2013", "2014"]
    for i, row in enumerate(total):
        assert row["value"] == sum(p[i]["value"] for p in parts.values())


def test_latest_files_are_non_empty(server):
    answer = server.get("/api/v1/files/latest/values.csv", allow_redirects=True)
    assert answer.status_code == 200
    rows = _values(answer.content.decode("utf-8-sig"))
    assert ("NONFARM", "2015-10", float({r["month"][:7]: r for r in new_office.employment()}["2015-10"]["nonfarm"])) in rows
    assert len(rows) > 100 * 3


@pytest.mark.browser
def test_release_page_draws_its_chart_and_speaks_in_units(server, page):
    page.goto(server.url + "/release/2015-10-employment")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    assert page.locator(".js-plotly-plot .main-svg .trace").count() > 0
    text = page.inner_text("main")
    october = {r["month"][:7]: r for r in new_office.employment()}["2015-10"]
    assert f"{int(october['nonfarm']):,}千人" in text  # joined by the rules of Chinese


def test_the_site_is_the_offices(server):
    home = server.get("/").text
    assert OFFICE["short_name"]["zh"] in home and "示例市" not in home
    for path in ("/feed.atom", "/calendar.ics", "/api/v1/openapi.json"):
        body = server.get(path).text
        assert NAME["zh"] in body or NAME["en"] in body or OFFICE["short_name"]["zh"] in body, path
        assert "示例市" not in body and "Example City" not in body, path
    package = api(server, "/api/v1/files/latest/datapackage.json")
    assert "Public domain" in str(package["licenses"]) or "PDDL" in str(package["licenses"])


def test_every_path_agrees_on_public_since(server, office):
    releases = {r["id"]: r for r in api(server, "/api/v1/releases")["releases"]}
    instant = {rid: datetime.fromisoformat(r["instant"]) for rid, r in releases.items()}
    since = {rid: datetime.fromisoformat(r["public_since"]) for rid, r in releases.items() if r["public"]}
    for rid in (*PLAN.history, "2015-10-employment"):
        assert since[rid] == instant[rid], rid  # history keeps its original instant; on-time release its own
    late = "2014-iowa-electricity"
    assert since[late] > instant[late]  # approved after its instant: public since the approval
    vintages = api(server, "/api/v1/series/IA_TOTAL/vintages")["vintages"]
    assert {datetime.fromisoformat(v["public_since"]) for v in vintages} == {since[late]}
    before = api(server, "/api/v1/series/NONFARM/observations", start="2015-08", end="2015-08",
                 as_of=releases["employment-history"]["instant"])["observations"]
    assert before, "as_of the original instant of imported history must answer"
    # The command line says the same (an hour on: the server's clock has run past the late approval).
    listed = json.loads(new_office.cli(office, "calendar", "--json", now="2015-11-20T11:00:00+08:00"))
    public = {r["id"]: r["public"] for r in listed}
    assert {rid: public[rid] for rid in releases} == {rid: r["public"] for rid, r in releases.items()}
    assert not public[PLAN.embargoed] and not public[PLAN.awaiting]
