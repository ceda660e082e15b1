"""Two app nodes, PostgreSQL, an S3 store and nginx on one machine (tests/topology/cluster.py):
what a multi-node deployment must keep true. Tests run in file order on one topology whose clock
crosses the demo release's instant: the pre-release window first, then the instant, then a load."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from statpub.features.staff.service import accounts_for, store_for
from statpub.kernel.clock import Clock, parse_instant
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.dashboards.embargo_marks import embargo_marks
from tests.fixtures.cluster import INSTANT, LEAD, RELEASE
from tests.fixtures.staff import sign_in
from tests.topology.cluster import Topology

pytestmark = pytest.mark.slow
# A node trusts one proxy in front of it (the cluster's nginx, which adds the client's address):
# asked directly, as here, the test adds it, so /healthz sees a client of the office's network.
AS_PROXIED = {"X-Forwarded-For": "127.0.0.1"}
PASSWORD = "cluster-press-password"


def wall_at_instant(cluster: Topology) -> float:
    return float(cluster.anchor) + LEAD


def wait_until(wall: float) -> None:
    left = wall - time.time()
    if left > 0:
        time.sleep(left)


def test_both_nodes_serve_the_snapshot_from_the_store(cluster: Topology):
    pointer = json.loads(cluster.s3.client().get_object(Bucket="statpub", Key="site/snapshots/current.json")["Body"].read())
    for node in cluster.nodes:
        health = node.get("/healthz", headers=AS_PROXIED).json()
        assert health["snapshot"] == pointer["name"] and health["object_store"]["reachable"] is True
    assert requests.get(cluster.proxy.url + "/healthz", timeout=10).status_code == 200
    # The snapshot holds embargoed figures: never readable without keys.
    assert requests.get(f"{cluster.s3.endpoint}/statpub/site/snapshots/{pointer['name']}", timeout=10).status_code == 403


def test_a_press_login_through_node_a_is_valid_on_node_b_and_the_log_is_one(cluster: Topology):
    accounts_for(cluster.loader).add("carol", "press", PASSWORD, parse_instant(cluster.now),
                                     display_name="卡罗尔 Carol", organisation="示例日报 Example Daily")
    a, b = cluster.nodes
    login = sign_in(requests.Session(), "carol", PASSWORD, base=a.url)
    assert login.status_code == 303, login.text[:300]
    cookies = {"statpub_staff": login.cookies["statpub_staff"]}
    for node in (a, b):  # the window is open (an hour or so before the instant)
        answer = node.get(f"/prerelease/{RELEASE}/figures.json", cookies=cookies)
        assert answer.status_code == 200 and "no-store" in answer.headers["Cache-Control"]
    through_cache = requests.get(f"{cluster.proxy.url}/prerelease/{RELEASE}/figures.json", cookies=cookies, timeout=30)
    assert through_cache.status_code == 200 and through_cache.headers.get("X-Cache-Status") in ("BYPASS", None)
    with store_for(cluster.loader).connect() as con:
        rows = con.execute("SELECT user_name, what FROM access_log WHERE release_id = ? ORDER BY id", [RELEASE]).fetchall()
    assert [tuple(r) for r in rows] == [("carol", "figures")] * 3  # one log, written by both nodes
    assert requests.get(f"{cluster.proxy.url}/prerelease/{RELEASE}/figures.json", timeout=30).status_code in (401, 403, 404)


def _public_paths() -> list[str]:
    return ["/api/v1/series/GDP/observations", f"/api/v1/releases/{RELEASE}", "/api/v1/files/latest/values.csv",
            f"/download/release/{RELEASE}.csv", "/feed.atom", "/api/v1/releases"]


def _sweep(url: str, marks: list[str], callback: bytes) -> dict[str, list[str]]:
    """What each public path (and the release page's callback, a POST the cache keeps too) shows."""
    found = {}
    for path in _public_paths():
        response = requests.get(url + path, timeout=30)
        found[path] = [m for m in marks if m in response.text] if response.status_code == 200 else []
    response = requests.post(url + "/_dash-update-component", data=callback, timeout=30,
                             headers={"Content-Type": "application/json"})
    text = json.dumps(response.json(), ensure_ascii=False) if response.status_code == 200 else ""
    found[f"callback /release/{RELEASE}"] = [m for m in marks if m in text]
    return found


class Hammer:
    """Clients through the cache until stopped: GETs of the API and Dash callback POSTs."""

    def __init__(self, url: str, callback_body: bytes, clients: int = 8):
        self.url, self.body, self.clients = url, callback_body, clients
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.count = 0
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(clients)]

    def _run(self, i: int) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            try:
                if i % 2:
                    r = session.post(self.url + "/_dash-update-component", data=self.body, timeout=30,
                                     headers={"Content-Type": "application/json"})
                else:
                    r = session.get(self.url + "/api/v1/series/GDP/observations", timeout=30)
                if r.status_code != 200:
                    self.failures.append(f"HTTP {r.status_code}")
            except requests.RequestException as error:
                self.failures.append(type(error).__name__)
            self.count += 1
            time.sleep(0.05)

    def __enter__(self) -> Hammer:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(60)


def test_the_instant_through_the_cache_with_a_node_killed(cluster: Topology):
    from statpub.dashboards.app import create_app
    from tests.dashboards.dash_payloads import router_body

    snapshot = WarehouseReader(cluster.loader.warehouse_dir).snapshot()
    marks = embargo_marks(Gate(snapshot, INSTANT), Gate(snapshot, INSTANT.replace(year=2026, month=12, day=9)), RELEASE)
    app = create_app(cluster.loader, Clock(start=INSTANT))
    app.server.test_client().get("/healthz")
    body = json.dumps(router_body(app, f"/release/{RELEASE}", "")).encode()
    instant = wall_at_instant(cluster)
    assert time.time() < instant - 6, "the topology started too late for the instant; raise LEAD"
    wait_until(instant - 5)
    warmed = _sweep(cluster.proxy.url, marks, body)  # the cache now holds pre-release answers
    with Hammer(cluster.proxy.url, body) as hammer:
        wait_until(instant - 1)
        before = _sweep(cluster.proxy.url, marks, body)
        wait_until(instant)
        cluster.kill_node(0)
        wait_until(instant + 1)
        after = _sweep(cluster.proxy.url, marks, body)
        wait_until(instant + 4)
    assert not any(warmed.values()) and not any(before.values()), f"leak before the instant: {before}"
    release_paths = [p for p in after if RELEASE in p or "/files/latest/" in p]
    assert requests.post(cluster.proxy.url + "/_dash-update-component", data=body, timeout=30,
                         headers={"Content-Type": "application/json"}).headers["X-Cache-Status"] == "HIT"
    assert all(after[p] for p in release_paths), f"not shown after the instant: {after}"
    assert hammer.failures == [], f"{len(hammer.failures)} of {hammer.count} requests failed: {hammer.failures[:5]}"
    print(f"{hammer.count} requests through the cache around the instant, node A killed at it: none lost")
    cluster.start_node(0)  # back for the tests after this one


def test_a_load_on_one_machine_reaches_both_nodes(cluster: Topology):
    calendar = cluster.loader.root / "calendar.yaml"
    calendar.write_text(calendar.read_text(encoding="utf-8") + "\n# touched by the cluster test\n", encoding="utf-8")
    loaded = cluster.loader_cli("load", "--json")
    assert loaded.returncode == 0, loaded.stderr
    name = json.loads(loaded.stdout.strip().splitlines()[-1])["snapshot"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if all(node.get("/healthz", headers=AS_PROXIED).json()["snapshot"] == name for node in cluster.nodes):
            break
        time.sleep(0.5)
    assert [node.get("/healthz", headers=AS_PROXIED).json()["snapshot"] for node in cluster.nodes] == [name] * len(cluster.nodes)


def test_one_rate_limit_across_both_nodes(cluster: Topology):
    """The default API limit (1,200 a minute per client) holds for a client spreading its requests
    over both nodes' four workers, give or take what the workers admit between syncs."""
    from concurrent.futures import ThreadPoolExecutor

    client = {"X-Forwarded-For": "203.0.113.77"}  # the nodes trust one proxy hop, as behind nginx
    urls = [node.url + "/api/v1/series/GDP/observations" for node in cluster.nodes]
    asked = 4000  # more than four workers' own limits would admit together (4 × 1,200), were they not shared

    def ask(i: int) -> int:
        return requests.get(urls[i % 2], headers=client, timeout=30).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(ask, range(asked)))
    elapsed = time.monotonic() - started
    admitted = statuses.count(200)
    # The window slides: while the burst lasts, the limit refills at 1,200 / 60 s = 20 a second, so a
    # slow run rightly admits more. A worker learns the others' counts at its sync (every second,
    # STATPUB_API_RATE_SYNC): past the limit, what all of them answer in that second is admitted
    # too — a fast server admits more than a slow one.
    ceiling = 1200 + 20 * elapsed + asked / elapsed * 1.0
    assert statuses.count(429) > 0 and set(statuses) <= {200, 429}
    assert 1200 * 0.9 <= admitted <= ceiling, \
        f"{admitted} admitted of {asked} in {elapsed:.1f} s (limit 1200 a minute: at most {ceiling:.0f})"
    print(f"{admitted} of {asked} requests admitted across 2 nodes × 2 workers in {elapsed:.1f} s "
          "(limit 1200 a minute)")


def test_a_node_that_cannot_reach_the_store_keeps_serving_and_says_so(cluster: Topology):
    cluster.s3.stop()
    node = cluster.nodes[1]
    deadline = time.monotonic() + 30
    health = node.get("/healthz", headers=AS_PROXIED).json()
    while health["status"] != "degraded" and time.monotonic() < deadline:
        time.sleep(0.5)
        health = node.get("/healthz", headers=AS_PROXIED).json()
    assert health["status"] == "degraded" and health["object_store"]["reachable"] is False
    assert node.get("/api/v1/series/GDP/observations").status_code == 200
    assert "object_store_unreachable" in node.log.read_text()
