"""The public gate on a real DuckDB file: the embargo to the second, vintages, rights."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa
import pytest

from statpub.kernel.errors import UserError
from statpub.warehouse.gate import PUBLIC, Gate, Reader
from statpub.warehouse.reader import WarehouseReader

TARGET = "2025-gdp-final-verification"


@pytest.fixture(scope="module")
def snapshot(demo_settings):
    return WarehouseReader(demo_settings.warehouse_dir).snapshot()


def test_embargo_at_t_minus_one_t_and_t_plus_one(snapshot):
    release = snapshot.releases[TARGET]
    codes = list(release.series)
    for offset, visible in ((-1, False), (0, True), (1, True)):
        gate = Gate(snapshot, release.instant + timedelta(seconds=offset))
        assert gate.can_see(TARGET) is visible
        assert (gate.release_observations(TARGET).num_rows > 0) is visible
        latest = gate.observations(codes, start="2025-Q1", end="2025-Q4")
        assert (TARGET in latest.column("release_id").to_pylist()) is visible
        assert (TARGET in gate.observations(codes, all_vintages=True).column("release_id").to_pylist()) is visible
        assert (gate.interpretation(TARGET, "zh") is not None) is visible
        assert (gate.revisions(TARGET).num_rows > 0) is visible
        assert ((TARGET, release.instant) in gate.vintages("GDP")) is visible


def test_calendar_metadata_is_public_but_figures_are_not(snapshot):
    release = snapshot.releases[TARGET]
    gate = Gate(snapshot, release.instant - timedelta(days=3))
    assert gate.calendar_entry(TARGET).title_zh.startswith("2025年")
    assert gate.next_instant() == release.instant
    assert TARGET not in [r.id for r in gate.visible_releases()]


def test_series_first_published_later_does_not_exist_before(snapshot):
    first = snapshot.releases["2019-q1-economy"]
    before = Gate(snapshot, first.instant - timedelta(seconds=1))
    assert before.series() == ()
    assert before.series_info("GDP") is None
    assert before.observations(["GDP"]).num_rows == 0
    assert before.topics() == ()
    after = Gate(snapshot, first.instant)
    assert after.series_info("GDP") is not None
    assert after.series_info("POPULATION") is None  # first published by the annual communiqué


def test_as_of_gives_earlier_vintages_and_refuses_the_future(snapshot):
    gate = Gate(snapshot, snapshot.releases["2026-q3-economy"].instant + timedelta(days=1))
    final = snapshot.releases["2023-gdp-final-verification"]
    latest = gate.observations(["GDP"], start="2023-Q1", end="2023-Q4")
    assert set(latest.column("release_id").to_pylist()) == {final.id}
    earlier = gate.observations(["GDP"], start="2023-Q1", end="2023-Q4", as_of=final.instant - timedelta(seconds=1))
    assert set(earlier.column("status").to_pylist()) == {"p"}
    assert all(v < f for v, f in zip(earlier.column("value").to_pylist(), latest.column("value").to_pylist(), strict=True))
    with pytest.raises(UserError, match="future"):
        gate.observations(["GDP"], as_of=gate.now + timedelta(seconds=1))


def test_revisions_name_what_changed(snapshot):
    gate = Gate(snapshot, snapshot.releases["2026-q3-economy"].instant)
    revisions = gate.revisions("2023-gdp-final-verification").to_pylist()
    assert len(revisions) == 32
    gdp_q4 = next(r for r in revisions if r["series_code"] == "GDP" and r["period"] == "2023-Q4")
    assert gdp_q4["previous_release_id"] == "2023-q4-economy"
    assert gdp_q4["value"] > gdp_q4["previous_value"]


def test_prerelease_rights_widen_only_inside_the_window(snapshot):
    release = snapshot.releases[TARGET]
    press = Reader(name="press1", role="press")
    for offset, visible in ((-timedelta(hours=24, seconds=1), False), (-timedelta(hours=24), True),
                            (-timedelta(seconds=1), True)):
        gate = Gate(snapshot, release.instant + offset, press)
        assert gate.can_see(TARGET) is visible
        assert Gate(snapshot, release.instant + offset, PUBLIC).can_see(TARGET) is False
    nameless = Gate(snapshot, release.instant - timedelta(hours=1), Reader(name=None, role="press"))
    assert nameless.can_see(TARGET) is False
    # The next release's window has not opened yet for anyone.
    later = snapshot.releases["2026-q4-economy"]
    assert Gate(snapshot, release.instant - timedelta(hours=1), press).can_see(later.id) is False


def test_confidential_cells_never_carry_a_value(snapshot, tmp_path):
    gate = Gate(snapshot, snapshot.releases["2026-q3-economy"].instant)
    table = gate.observations([s.code for s in gate.series()], all_vintages=True)
    values = table.column("value").to_pylist()
    statuses = table.column("status").to_pylist()
    assert all(v is None for v, s in zip(values, statuses, strict=True) if "c" in s)
    assert "n_units" not in table.column_names and "top2_share" not in table.column_names


def test_unknown_codes_look_like_embargoed_ones(snapshot):
    release = snapshot.releases[TARGET]
    gate = Gate(snapshot, release.instant - timedelta(seconds=1))
    assert gate.observations(["NO_SUCH_SERIES"]).equals(gate.release_observations(TARGET))
    assert isinstance(gate.observations([]), pa.Table)
