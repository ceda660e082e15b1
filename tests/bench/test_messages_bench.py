"""The board's benchmark stays usable as the product changes: its generator stores messages
through the board's records on a copy of the demo (answered, published, not accepted), the
monthly statistics it times count them, and its page cases name real codes."""

from __future__ import annotations

import shutil

from bench.messages_bench import bench_statistics, fill, page_cases
from statpub.store import open_store
from tests.fixtures.press import private_site
from tests.paths import REPO_ROOT


def test_the_board_bench_fills_and_measures_a_small_store(tmp_path, demo_settings, capsys):
    settings = private_site(tmp_path, demo_settings)
    shutil.copy(REPO_ROOT / "workdays.yaml", settings.root / "workdays.yaml")
    fill(settings, 60)
    with open_store(settings).connect() as con:
        states = {r["status"]: r["n"] for r in con.execute("SELECT status, count(*) AS n FROM messages GROUP BY status")}
        published = con.execute("SELECT count(*) AS n FROM messages WHERE published_at IS NOT NULL").fetchone()["n"]
    assert sum(states.values()) == 60 and published > 0 and {"answered", "received"} <= set(states)
    bench_statistics(settings)
    assert "monthly statistics (24 months" in capsys.readouterr().out
    public, staff = page_cases(settings)
    assert any("baseline" in name for name, _, _ in public) and any("baseline" in name for name, _, _ in staff)
    code = next(choices for name, _, choices in staff if name == "staff message page")[0]
    assert len(code) == 14
