"""What an embargoed release would give away: its figures as the site prints them (formatted
with the series' decimals) and as raw numbers, and sentences of its interpretation. Only marks
that appear nowhere in what was public before the instant are kept, so a hit is a leak."""

from __future__ import annotations

from statpub.kernel.numbers import format_number
from statpub.warehouse.gate import Gate


def embargo_marks(gate_after: Gate, gate_before: Gate, release_id: str) -> list[str]:
    info = {s.code: s for s in gate_after.series()}
    rows = gate_after.release_observations(release_id).to_pylist()
    assert rows, "the release must carry figures once public"
    earlier = gate_before.observations(list(info)).to_pylist()
    known = set()
    for r in earlier:
        if r["value"] is not None:
            decimals = info[r["series_code"]].decimals
            known |= {format_number(r["value"], decimals), repr(r["value"])}
    marks = set()
    for r in rows:
        if r["value"] is None:
            continue
        text = format_number(r["value"], info[r["series_code"]].decimals)
        # Short numbers (growth rates such as 5.4) occur by chance everywhere; levels do not.
        if len(text) >= 7 and text not in known:
            marks |= {text, repr(r["value"])}
    for lang in ("zh", "en"):
        source = gate_after.interpretation(release_id, lang) or ""
        lines = [line for line in source.splitlines() if len(line) > 40 and "{{" in line]
        if lines:
            marks.add(lines[0].split("{{")[0].strip())
    return sorted(m for m in marks if m)
