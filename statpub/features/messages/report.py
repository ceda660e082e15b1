"""The yearly report's tables on applications (政府信息公开工作年度报告, 第三、四部分), generated
from the records: new and carried over, outcomes by type and ground, by applicant type, carried
over to the next year, reconsideration and litigation. Counts only: no personal data."""

from __future__ import annotations

from collections import Counter
from datetime import date

from statpub.features.messages.outcomes import APPLICANT_TYPES, OUTCOMES, REVIEW_RESULTS
from statpub.store import Store

FINISHING = ("replied", "withdrawn", "not_corrected")


def _rows(store: Store) -> list[dict]:
    with store.connect() as con:
        rows = con.execute(
            "SELECT a.number, a.applicant_type, a.received_on, a.state, a.outcome, a.ground, a.reconsideration, "
            "a.litigation, (SELECT max(e.on_day) FROM application_events e WHERE e.number = a.number AND e.action IN "
            "('replied', 'withdrawn', 'not_corrected')) AS finished_on FROM applications a").fetchall()
    return [dict(r) for r in rows]


def yearly_report(store: Store, year: int) -> dict:
    first, last = date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()
    rows = _rows(store)
    types = list(APPLICANT_TYPES)

    def by_type(selected: list[dict]) -> dict:
        counts = Counter(r["applicant_type"] for r in selected)
        return {**{t: counts.get(t, 0) for t in types}, "total": len(selected)}

    new = [r for r in rows if first <= r["received_on"] <= last]
    carried_in = [r for r in rows if r["received_on"] < first and (r["finished_on"] is None or r["finished_on"] >= first)]
    finished = [r for r in rows if r["finished_on"] and first <= r["finished_on"] <= last]
    carried_out = [r for r in rows if r["received_on"] <= last and (r["finished_on"] is None or r["finished_on"] > last)]
    outcomes = {}
    for outcome, (_zh, _en, grounds) in OUTCOMES.items():
        def chosen(r, outcome=outcome) -> bool:
            kind = ("other", "other") if r["state"] == "withdrawn" else (r["outcome"], r["ground"])
            return kind[0] == outcome
        picked = [r for r in finished if chosen(r)]
        if grounds:
            outcomes[outcome] = {g: by_type([r for r in picked if (r["ground"] or "other") == g
                                             or (r["state"] == "withdrawn" and g == "other")]) for g in grounds}
        else:
            outcomes[outcome] = by_type(picked)
    reviews = {kind: {res: sum(1 for r in rows if r[kind] == res and r["finished_on"] and r["finished_on"] <= last
                               and r["finished_on"][:4] >= str(year - 1)) for res in REVIEW_RESULTS}
               for kind in ("reconsideration", "litigation")}
    return {"year": year, "new": by_type(new), "carried_over_from_last_year": by_type(carried_in),
            "outcomes": outcomes, "finished": by_type(finished), "carried_over_to_next_year": by_type(carried_out),
            "reconsideration": reviews["reconsideration"], "litigation": reviews["litigation"]}
