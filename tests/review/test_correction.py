"""A correction to a published release is a new vintage with a correction notice, checked and
approved like any release, distinct from a scheduled revision."""

from __future__ import annotations

import feedparser

from statpub.dashboards.app import create_app
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.fixtures.content_edits import BEFORE_FINAL, clock_at, edit_source
from tests.helpers import run_cli

ORIGINAL = "2025-q3-economy"
CORRECTION = "2025-q3-economy-correction-1"
LATER = "2026-12-01T12:10:00+08:00"


def test_correct_a_published_release(loaded_copy):
    # Fixing the published files in place is refused: published figures are never overwritten.
    original = loaded_copy.root / "releases" / ORIGINAL / "trade.csv"
    saved = {path: path.read_bytes() for path in (original, original.with_name("trade.csv.provenance.yaml"))}
    edit_source(original, "IMPORTS,2025-Q3,\"", "IMPORTS,2025-Q3,\"1")
    refused = run_cli("load", settings=loaded_copy, now=BEFORE_FINAL)
    assert refused.returncode == 1 and f"statpub correct {ORIGINAL}" in refused.stderr
    for path, raw in saved.items():
        path.write_bytes(raw)

    result = run_cli("correct", ORIGINAL, "--reason", "更正进口数据录入错误", "--reason-en",
                     "Imports were keyed in wrongly", settings=loaded_copy, now=BEFORE_FINAL)
    assert result.returncode == 0, result.stderr
    assert (loaded_copy.root / "releases" / CORRECTION / "trade.csv").is_file()

    trade = loaded_copy.root / "releases" / CORRECTION / "trade.csv"
    text = trade.read_text(encoding="utf-8-sig")
    imports_line = next(line for line in text.splitlines() if line.startswith("IMPORTS"))
    total_line = next(line for line in text.splitlines() if line.startswith("TRADE_TOTAL"))
    old_imports = float(imports_line.split('"')[1].replace(",", ""))
    old_total = float(total_line.split('"')[1].replace(",", ""))
    new_imports, new_total = old_imports + 100, old_total + 100
    edit_source(trade, imports_line, f'IMPORTS,2025-Q3,"{new_imports:,.2f}",,')
    edit_source(trade, total_line, f'TRADE_TOTAL,2025-Q3,"{new_total:,.2f}",,')

    snapshot = WarehouseReader(loaded_copy.warehouse_dir).snapshot()
    # The CLI's clock ran on from BEFORE_FINAL while it worked: look a little later.
    gate = Gate(snapshot, clock_at(LATER).now())
    release = snapshot.releases[CORRECTION]
    assert release.revision_stage == "correction" and release.corrects == ORIGINAL
    assert gate.release_status(release) == "delayed"  # due now, not approved yet
    assert snapshot.releases[ORIGINAL].history[-1].change == "corrected"
    assert gate.is_public(snapshot.releases[ORIGINAL])  # the original stays published

    assert run_cli("check", CORRECTION, settings=loaded_copy, now=BEFORE_FINAL).returncode == 0
    approved = run_cli("approve", CORRECTION, "--reviewer", "李审核", settings=loaded_copy, now=BEFORE_FINAL)
    assert approved.returncode == 0, approved.stderr

    snapshot = WarehouseReader(loaded_copy.warehouse_dir).snapshot()
    gate = Gate(snapshot, clock_at(LATER).now())
    [latest] = gate.observations(["IMPORTS"], start="2025-Q3", end="2025-Q3").to_pylist()
    assert (latest["release_id"], latest["value"]) == (CORRECTION, round(new_imports, 2))
    vintages = gate.observations(["IMPORTS"], start="2025-Q3", end="2025-Q3", all_vintages=True).to_pylist()
    assert [v["value"] for v in vintages] == [old_imports, round(new_imports, 2)]  # nothing overwritten
    revised = {r["series_code"]: r for r in gate.revisions(CORRECTION).to_pylist()}
    assert revised["IMPORTS"]["previous_value"] == old_imports

    feed = feedparser.parse(create_app(loaded_copy, clock_at(LATER))
                            .server.test_client().get("/feed.atom?lang=en").data)
    notice = next(e for e in feed.entries if f"release/{ORIGINAL}/notice" in e.id)
    assert notice.title.startswith("Corrected:") and "keyed in wrongly" in notice.summary
    assert any(e.id.endswith(f"release/{CORRECTION}/published") for e in feed.entries)


def test_correcting_an_unpublished_release_is_refused(loaded_copy):
    result = run_cli("correct", "2025-gdp-final-verification", "--reason", "测试", settings=loaded_copy,
                     now=BEFORE_FINAL)
    assert result.returncode == 1 and "has not gone public" in result.stderr
