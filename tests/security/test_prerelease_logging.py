"""Finding 3 of the outside probe: a signed-in pre-release reader POSTed the explorer's figure
callback for an embargoed series and got the figures without an access-log entry.

Every answer that shows a pre-release reader embargoed content is logged at one choke point (the
request layer records whatever the gate handed out). Proved three ways: each gate method that
hands out figures or texts marks the release as revealed (and a new method must be classified
here); every route and every callback, asked as a signed-in reader inside the window, either
shows nothing of the release or grows the log with an entry for that very request; and the access
list published after the instant names everyone the log holds.
"""

from __future__ import annotations

import inspect
import io
import json
import tempfile

import pytest

from statpub.dashboards.app import create_app
from statpub.dashboards.services import current_gate, services
from statpub.features.press.service import access_log_for
from statpub.kernel.clock import Clock
from statpub.warehouse.gate import Gate, Reader
from statpub.warehouse.reader import WarehouseReader
from tests.dashboards.dash_payloads import router_output, server_callbacks
from tests.dashboards.embargo_marks import embargo_marks
from tests.fixtures.press import PASSWORDS, PUBLISHED, TARGET, add_accounts, at, private_site
from tests.fixtures.staff import sign_in
from tests.ops.sweep import Universe, as_text, page_asks, route_asks

# Gate methods that hand out figures or texts (must reveal), and those that answer metadata only.
HANDS_OUT = {"observations", "history", "copy_history", "release_observations", "revisions", "vintages",
             "interpretation", "series", "series_info", "topics"}
METADATA = {"is_public", "public_since", "is_delayed", "delayed_releases", "release_status", "in_prerelease_window",
            "can_see", "visible_releases", "published_releases", "calendar", "calendar_entry", "notices",
            "next_instant", "next_change", "vintage_at", "metadata", "public_history", "shown_by", "latest_shown"}


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_settings):
    settings = private_site(tmp_path_factory.mktemp("prerelease-logging"), demo_settings)
    add_accounts(settings)
    return settings


@pytest.fixture(scope="module")
def snapshot(site):
    return WarehouseReader(site.warehouse_dir).snapshot()


def test_every_gate_method_is_classified_and_those_handing_out_content_reveal(snapshot):
    public = {name for name, _ in inspect.getmembers(Gate, callable) if not name.startswith("_")}
    assert public == HANDS_OUT | METADATA, "classify the new gate method: does it hand out figures or texts?"
    alice = Reader("alice", "press", *PUBLISHED["alice"])
    code = snapshot.releases[TARGET].series[0]
    calls = {
        "observations": lambda g: g.observations([code]),
        "history": lambda g: g.history().read_all(),
        "copy_history": lambda g: g.copy_history(tempfile.mktemp(suffix=".parquet")),
        "release_observations": lambda g: g.release_observations(TARGET),
        "revisions": lambda g: g.revisions(TARGET),
        "vintages": lambda g: g.vintages(code),
        "interpretation": lambda g: g.interpretation(TARGET, "zh"),
    }
    for name, call in calls.items():
        gate = Gate(snapshot, at("window"), alice)
        call(gate)
        assert gate.revealed == {TARGET}, name
        public_gate = Gate(snapshot, at("window"))
        call(public_gate)
        assert not public_gate.revealed, name
    for name in ("series", "series_info", "topics"):  # metadata of series only the release carries
        gate = Gate(snapshot, at("window"), alice)
        getattr(gate, name)(*(["NO_SUCH"] if name == "series_info" else []))
        assert gate.revealed <= {TARGET}, name


def _asks(app, snapshot) -> list[tuple[str, str, str | None]]:
    release = snapshot.releases[TARGET]
    public = next(r.id for r in snapshot.releases.values() if r.instant < release.instant and r.observation_count)
    universe = Universe(release=TARGET, release_ids=[TARGET, public], series_codes=list(release.series[:3]),
                        topics=sorted({snapshot.series[c].topic for c in release.series})[:2],
                        series_of_release=list(release.series[:4]))
    asks = [a for a in route_asks(app.server, universe) if not a.path.startswith("/staff/")]
    asks += [a for a in page_asks(app, universe) if '"search' not in (a.body or "") or '"value": ""' in a.body]
    asks.append(type(asks[0])("GET", f"/prerelease/{TARGET}/figures.json"))
    return [(a.method, a.path, a.body) for a in dict.fromkeys(asks)]


def test_every_route_and_callback_as_a_signed_in_reader_logs_what_it_shows(site, snapshot):
    app = create_app(site, Clock(start=at("window")))
    client = app.server.test_client()
    assert sign_in(client, "alice", PASSWORDS["alice"]).status_code == 303
    marks = embargo_marks(Gate(snapshot, snapshot.releases[TARGET].instant), Gate(snapshot, at("window")), TARGET)
    log = access_log_for(site)
    asked_callbacks, showing = set(), 0
    for method, path, body in _asks(app, snapshot):
        before = len(log.entries(TARGET))
        answer = client.open(path, method=method, data=body, content_type="application/json" if body else None)
        text = as_text(answer.get_data())
        if body:
            asked_callbacks.add(json.loads(body)["output"])
        if not any(mark in text for mark in marks):
            continue
        showing += 1
        entries = log.entries(TARGET)
        assert len(entries) > before, f"{method} {path} {(body or '')[:120]} showed the release unlogged"
        assert entries[-1].user_name == "alice" and entries[-1].display_name == PUBLISHED["alice"][0]
    assert asked_callbacks == set(server_callbacks(app)), "every server callback is asked"
    assert showing >= 10, "the reader saw the release on pages, callbacks, files and the pack"
    whats = {e.what for e in log.entries(TARGET)}
    assert {"page", "callback", "figures", "download", "pack"} <= whats, whats
    assert router_output(app) in asked_callbacks


def test_the_published_access_list_names_everyone_the_log_holds(site):
    app = create_app(site, Clock(start=at("after")))
    with app.server.test_request_context("/"):
        listed = services().hooks.prerelease_access_list(gate=current_gate(), release_id=TARGET)
    logged = {(e.display_name, e.organisation) for e in access_log_for(site).entries(TARGET)}
    assert {name for name, _role in listed} == {f"{shown}（{org}）" for shown, org in logged}
    assert not any("alice" in name for name, _role in listed)


def test_as_text_reads_what_a_reader_would(site):
    """(The check above searches files as their reader sees them: XLSX cells, ZIP members.)"""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "12,345.67"
    buffer = io.BytesIO()
    book.save(buffer)
    assert "12,345.67" in as_text(buffer.getvalue())
