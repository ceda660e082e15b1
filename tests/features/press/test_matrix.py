"""The pre-release matrix on a real server: user (none, press, reviewer, disabled) × time (before
the window, in the window, after the instant) × path (page rendered by Dash's routing callback
POSTed directly, the page's HTML shell, figures JSON, pack download, CLI pack), with the expected
answer in each cell, and the access log checked after each column."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

import pyarrow.parquet as pq
import pytest
import requests

from statpub.features.press.service import access_log_for
from statpub.kernel.numbers import format_number
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.features.press.packs import open_pack
from tests.fixtures.press import LATER, PASSWORDS, TARGET, TIMES, at
from tests.fixtures.staff import sign_in
from tests.helpers import run_cli

USERS = {"none": None, "press": "alice", "reviewer": "rita", "disabled": "dora"}
PAGE_CALLBACK = {
    "output": ".._pages_content.children..._pages_store.data..",
    "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
    "inputs": [{"id": "_pages_location", "property": "pathname", "value": None},
               {"id": "_pages_location", "property": "search", "value": ""}],
    "changedPropIds": ["_pages_location.pathname"],
    "state": [],
}


def expected_visible(user: str, time: str) -> bool:
    return time == "after" or (time == "window" and user in ("press", "reviewer"))


def expected_cli_ok(user: str, time: str) -> bool:
    if user == "disabled":
        return False  # a disabled account is refused whatever the time
    return time == "after" or (time == "window" and user != "none")


def login(url: str, user: str) -> requests.Session:
    session = requests.Session()
    name = USERS[user]
    if name is not None:
        answer = sign_in(session, name, PASSWORDS[name], base=url)
        assert answer.status_code == (401 if user == "disabled" else 303), (user, answer.status_code)
    return session


def render_page(session: requests.Session, url: str, path: str) -> str:
    """What Dash's router answers for `path` to this session: the POST a browser makes."""
    body = {**PAGE_CALLBACK, "inputs": [{**PAGE_CALLBACK["inputs"][0], "value": path}, PAGE_CALLBACK["inputs"][1]]}
    answer = session.post(f"{url}/_dash-update-component", json=body, timeout=60)
    assert answer.status_code == 200, answer.text[:500]
    return answer.text


@dataclass
class Cell:
    user: str
    path: str
    expected: object
    got: object

    @property
    def ok(self) -> bool:
        return self.expected == self.got


@pytest.fixture(scope="module")
def expected_rows(press_site):
    snapshot = WarehouseReader(press_site.warehouse_dir).snapshot()
    release = snapshot.releases[TARGET]
    rows = Gate(snapshot, release.instant).release_observations(TARGET).to_pylist()
    return {(r["series_code"], r["period"]): r["value"] for r in rows}, snapshot


@pytest.mark.parametrize("time", ["before", "window", "after"])
def test_matrix(time, press_site, live_server, expected_rows, tmp_path):
    rows, snapshot = expected_rows
    gdp = format_number(rows[("GDP", "2025-Q4")], 2)
    server = live_server(now=TIMES[time], settings=press_site, workers=2)
    log = access_log_for(press_site)
    logged_before = len(log.entries(TARGET))
    cells: list[Cell] = []
    handed_out: dict[str, str] = {}
    for user in USERS:
        visible = expected_visible(user, time)
        session = login(server.url, user)

        page = render_page(session, server.url, f"/prerelease/{TARGET}")
        cells.append(Cell(user, "page (callback)", (visible, visible and time == "window"),
                          (gdp in page, "EMBARGOED" in page)))
        shell = session.get(f"{server.url}/prerelease/{TARGET}", timeout=30)
        cells.append(Cell(user, "page (HTML shell)", (200, False), (shell.status_code, gdp in shell.text)))

        answer = session.get(f"{server.url}/prerelease/{TARGET}/figures.json", timeout=30)
        got = answer.status_code
        if got == 200:
            body = answer.json()
            got = (200, {(o["series_code"], o["period"]): o["value"] for o in body["observations"]} == rows,
                   body["embargoed"])
        cells.append(Cell(user, "figures JSON", (200, True, time == "window") if visible else 404, got))

        answer = session.get(f"{server.url}/packs/{TARGET}.zip", timeout=180)
        got = answer.status_code
        if got == 200:
            opened = open_pack(answer.content)
            table = pq.read_table(io.BytesIO(opened.one("data.parquet"))).to_pylist()
            same = {(r["series_code"], r["period"]): r["value"] for r in table} == rows
            marked = "EMBARGOED" in answer.headers["Content-Disposition"] and opened.manifest["embargoed"]
            cache = answer.headers["Cache-Control"]
            got = (200, same, marked, "no-store" in cache)
            if marked:
                handed_out[USERS[user]] = hashlib.sha256(answer.content).hexdigest()
                assert answer.headers["X-Content-SHA256"] == handed_out[USERS[user]]
        window = time == "window"
        signed_in = user in ("press", "reviewer")  # nothing answered to them may be cached
        cells.append(Cell(user, "pack download", (200, True, window, signed_in) if visible else 404, got))

        # a later release, before its own window at all three times: nothing, by any path
        later = (session.get(f"{server.url}/prerelease/{LATER}/figures.json", timeout=30).status_code,
                 session.get(f"{server.url}/packs/{LATER}.zip", timeout=60).status_code,
                 "prerelease-unavailable" in render_page(session, server.url, f"/prerelease/{LATER}"))
        cells.append(Cell(user, "later release", (404, 404, True), later))

        args = ["pack", TARGET, "--out", str(tmp_path / user), "--json"]
        if USERS[user]:
            args += ["--user", USERS[user]]
        result = run_cli(*args, settings=press_site, now=TIMES[time], timeout=300)
        cells.append(Cell(user, "CLI pack", expected_cli_ok(user, time), result.returncode == 0))
        if result.returncode not in (0, 1) or "Traceback" in result.stderr:
            pytest.fail(result.stderr)

    report = "\n".join(f"{'ok ' if c.ok else 'BAD'} {time:7} {c.user:9} {c.path:18} expected {c.expected} got {c.got}"
                       for c in cells)
    assert all(c.ok for c in cells), report

    entries = log.entries(TARGET)[logged_before:]
    if time != "window":
        assert entries == []
        return
    assert {e.user_name for e in entries} == {"alice", "rita"}
    for name in ("alice", "rita"):
        mine = [(e.what, e.channel) for e in entries if e.user_name == name]
        assert sorted(mine) == sorted([("page", "web"), ("figures", "web"), ("pack", "web"), ("pack", "cli")])
        web_pack = next(e for e in entries if e.user_name == name and e.what == "pack" and e.channel == "web")
        assert web_pack.sha256 == handed_out[name]
        assert web_pack.file_name.startswith("EMBARGOED-until-2026-12-10-1000-Beijing_")
    for entry in entries:
        assert at("window") <= datetime.fromisoformat(entry.at) < snapshot.releases[TARGET].instant
    listing = run_cli("access-log", TARGET, "--json", settings=press_site)
    assert listing.returncode == 0 and "alice" in listing.stdout and "dora" not in listing.stdout
