"""The SQL the gate runs and the empty answers it gives: fixed fragments with `?` markers only;
every value is bound."""

from __future__ import annotations

import pyarrow as pa

from statpub.warehouse import publication
from statpub.warehouse.reader import ReleaseInfo

VALUE = "CASE WHEN contains(o.status, 'c') THEN NULL ELSE o.value END AS value"
# The releases an answer may draw on, bound as three lists: id, vintage (when it became public:
# publication.public_since, never the calendar instant alone) and rank in the order of publication.
VINTAGES = ("(SELECT unnest(?::VARCHAR[]) AS release_id, unnest(?::TIMESTAMPTZ[]) AS vintage, "
             "unnest(?::INTEGER[]) AS rank)")
# Every observation answer has these columns; a confidential cell never carries its value.
_SELECT = (f"SELECT {{latest}}o.series_code, o.period, {VALUE}, o.status, o.note, o.release_id, "  # noqa: S608 - fixed
           f"v.vintage FROM observations o JOIN {VINTAGES} v ON v.release_id = o.release_id ")
_LATEST = "DISTINCT ON (o.series_code, o.period) "


def observations_sql(where: str, *, latest: bool) -> str:
    """Observations of the bound releases matching `where` (fixed SQL with `?` markers; values are
    bound): every vintage oldest first, or only the latest per (series, period)."""
    sql = (_SELECT.format(latest=_LATEST if latest else "") + f"WHERE {where} "  # noqa: S608 - fixed fragments
           f"ORDER BY o.series_code, o.period, v.rank{' DESC' if latest else ''}")
    # DISTINCT ON keeps the first of each group; present them in period order
    return f"SELECT * FROM ({sql}) ORDER BY series_code, period" if latest else sql  # noqa: S608 - fixed


# Each observation of a release beside the value it revised (the previous vintage of the same
# series and period, in the order of publication). Binds: the release, VINTAGES, the release.
REVISIONS_SQL = (
    "WITH mine AS (SELECT series_code, period FROM observations WHERE release_id = ?), "  # noqa: S608 - fixed fragments; values are bound
    "hist AS ("
    f"  SELECT o.series_code, o.period, {VALUE}, o.status, o.release_id, "
    "   lag(CASE WHEN contains(o.status, 'c') THEN NULL ELSE o.value END) OVER w AS previous_value, "
    "   lag(o.release_id) OVER w AS previous_release_id "
    f"  FROM observations o JOIN {VINTAGES} v ON v.release_id = o.release_id "
    "  WHERE (o.series_code, o.period) IN (SELECT (series_code, period) FROM mine) "
    "  WINDOW w AS (PARTITION BY o.series_code, o.period ORDER BY v.rank)) "
    "SELECT series_code, period, previous_value, previous_release_id, value, status "
    "FROM hist WHERE release_id = ? AND previous_release_id IS NOT NULL "
    "ORDER BY series_code, period"  # noqa: S608 - fixed fragments; values are bound
)


def vintage_params(releases: tuple[ReleaseInfo, ...] | list[ReleaseInfo]) -> list:
    """The three lists `VINTAGES` binds, for releases already in the order of publication."""
    return [[r.id for r in releases], [publication.public_since(r) or r.instant for r in releases],
            list(range(len(releases)))]


def placeholders(items: tuple | list) -> str:
    # Only "?" markers are pasted into the SQL; every value is bound.
    return ", ".join("?" for _ in items)


def empty() -> pa.Table:
    return pa.table({
        "series_code": pa.array([], pa.string()),
        "period": pa.array([], pa.string()),
        "value": pa.array([], pa.float64()),
        "status": pa.array([], pa.string()),
        "note": pa.array([], pa.string()),
        "release_id": pa.array([], pa.string()),
        "vintage": pa.array([], pa.timestamp("us", tz="UTC")),
    })


def empty_revisions() -> pa.Table:
    return pa.table({
        "series_code": pa.array([], pa.string()),
        "period": pa.array([], pa.string()),
        "previous_value": pa.array([], pa.float64()),
        "previous_release_id": pa.array([], pa.string()),
        "value": pa.array([], pa.float64()),
        "status": pa.array([], pa.string()),
    })
