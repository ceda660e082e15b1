"""Normalise and validate one release's staged rows before anything is written.

Every check runs over the whole release and reports every problem it finds (capped per check,
with a count of the rest), each naming file, sheet, row and column. The rules for periods,
numbers, flags and units live once, in Python (`statpub.periods`, `statpub.numbers`...); they run on
the distinct raw strings and DuckDB joins the answers back, so ten million rows cost a few joins.
A plain decimal such as `123.45` takes a SQL fast path that parses it exactly as Python would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from statpub.etl.locate import status_looks_like_split_number
from statpub.etl.staging import SourceContext, create_stage_table
from statpub.etl.units import unit_factor
from statpub.kernel.content import Catalogue, Release
from statpub.kernel.errors import Problem
from statpub.kernel.flags import normalise_status
from statpub.kernel.numbers import parse_number
from statpub.kernel.periods import PeriodError, parse_period
from statpub.kernel.suggest import did_you_mean

EXAMPLES_PER_CHECK = 50
FAST_NUMBER = r"[+-]?[0-9]+(\.[0-9]+)?"


def drop_checked(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the previous release's `checked` rows: a table when that release took the checking
    path, a view over the written rows when it took the single pass. DuckDB will not replace one
    kind by the other, so within one load each release drops whichever is there."""
    for kind in ("VIEW", "TABLE"):
        found = con.execute(f"SELECT count(*) FROM duckdb_{kind.lower()}s() WHERE temporary AND "  # noqa: S608 - fixed
                            f"{kind.lower()}_name = 'checked'").fetchone()[0]
        if found:
            con.execute(f"DROP {kind} checked")


@dataclass
class ReleaseCheck:
    con: duckdb.DuckDBPyConnection
    release: Release
    catalogue: Catalogue
    contexts: list[SourceContext]
    complete: bool = True  # every source of the release was read (else: promised series not checked)

    def __post_init__(self) -> None:
        self.problems: list[Problem] = []
        self.by_index = {ctx.index: ctx for ctx in self.contexts}

    # -- helpers ------------------------------------------------------------------------------
    def _where(self, src: int, row: int | None, field: str, col: str | None) -> Problem:
        ctx = self.by_index[src]
        column = col if (ctx.layout == "wide" and field in ("value", "period") and col) else ctx.columns.get(field)
        if ctx.layout == "wide" and field == "unit" and col:
            column = col
        return Problem(ctx.file, ctx.sheet, row, column, "")

    def _report(self, sql: str, params: list, field: str, message: Callable[[tuple], str],
                total: int | None = None) -> None:
        """Run a check query returning (src, row, col, ...) rows; record capped problems."""
        if total is None:
            total = self.con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]  # noqa: S608
        if not total:
            return
        rows = self.con.execute(f"{sql} ORDER BY 1, 2 LIMIT {EXAMPLES_PER_CHECK}", params).fetchall()  # noqa: S608
        for row in rows:
            p = self._where(row[0], row[1], field, row[2])
            self.problems.append(Problem(p.file, p.sheet, p.row, p.column, message(row)))
        if total > len(rows):
            first = self._where(rows[0][0], None, field, None)
            example = message(rows[0])
            self.problems.append(Problem(first.file, first.sheet, None, first.column,
                                         f"… {total - len(rows)} more rows like: {example}"))

    def _lookup(self, name: str, raws: Iterable, fn: Callable[[object], tuple], schema: pa.Schema) -> None:
        data = [(raw, *fn(raw)) for raw in raws]
        columns = list(zip(*data, strict=True)) if data else [[] for _ in schema]
        table = pa.table([pa.array(list(c), type=f.type) for c, f in zip(columns, schema, strict=True)],
                         schema=schema)
        create_stage_table(self.con, name, table)

    # -- the checks ---------------------------------------------------------------------------
    def run(self) -> list[Problem]:
        con = self.con
        parts = [
            f'SELECT {ctx.index} AS src, coalesce(row, (rowid + 2)::INTEGER) AS row, col, series_code, '  # noqa: S608
            f'period, value, status, note, n_units, top2_share, unit FROM "stage_{ctx.index}"'
            for ctx in self.contexts
        ]
        con.execute("CREATE OR REPLACE TEMP VIEW staging AS " + " UNION ALL ".join(parts))
        self._build_lookups()
        con.execute(
            "CREATE OR REPLACE TEMP TABLE promised AS SELECT unnest(?::VARCHAR[]) AS code",
            [list(self.release.series)],
        )
        drop_checked(con)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE checked AS
            SELECT s.src, s.row, s.col, trim(s.series_code) AS series_code,
                   pm.code AS period, pm.freq AS period_freq, pm.error AS period_error, s.period IS NULL AS no_period,
                   CASE WHEN regexp_full_match(s.value, '{FAST_NUMBER}') THEN s.value::DOUBLE
                        ELSE vm.value END AS value_num,
                   vm.marks, s.value IS NULL OR coalesce(vm.placeholder, false) AS no_value,
                   vm.error AS value_error,
                   coalesce(st.status, '') AS status, st.error AS status_error,
                   nullif(trim(s.note), '') AS note,
                   TRY_CAST(trim(s.n_units) AS INTEGER) AS n_units,
                   TRY_CAST(replace(trim(s.top2_share), '%', '') AS DOUBLE) AS top2_share,
                   -- raw text is kept only where it is needed for a message (rare), not for every row
                   CASE WHEN s.n_units IS NOT NULL AND trim(s.n_units) <> ''
                             AND coalesce(TRY_CAST(trim(s.n_units) AS INTEGER) < 0, true) THEN s.n_units END AS n_units_bad,
                   CASE WHEN s.top2_share IS NOT NULL AND trim(s.top2_share) <> ''
                             AND coalesce(NOT TRY_CAST(replace(trim(s.top2_share), '%', '') AS DOUBLE) BETWEEN 0 AND 100, true)
                        THEN s.top2_share END AS top2_bad,
                   coalesce(um.factor, 1.0) AS factor, um.error AS unit_error,
                   ser.code IS NOT NULL AS known, ser.frequency, pr.code IS NOT NULL AS promised
            FROM staging s
            LEFT JOIN periods_map pm ON pm.raw = s.period
            LEFT JOIN values_map vm ON vm.raw = s.value
            LEFT JOIN status_map st ON st.raw = s.status
            LEFT JOIN unit_map um ON um.series_code = trim(s.series_code) AND um.raw = s.unit
            LEFT JOIN series ser ON ser.code = trim(s.series_code)
            LEFT JOIN promised pr ON pr.code = trim(s.series_code)
        """)  # noqa: S608 - constant pattern
        # The raw staged text is no longer needed: free it before the checks and the sorted write.
        con.execute("DROP VIEW staging")
        for ctx in self.contexts:
            con.execute(f'DROP TABLE IF EXISTS "stage_{ctx.index}"')  # noqa: S608 - name is ours
        self._row_checks()
        self._duplicates()
        if self.complete:
            self._missing_series()
        if not self.problems:
            self.consistency()
        return self.problems

    def consistency(self) -> None:
        """The release-wide rules over the rows in `checked` (a table here, a view over the written
        rows in the single pass): cumulative totals that fall within a year, totals whose
        components do not add up."""
        self._cumulative_decreases()
        self._components()

    def _build_lookups(self) -> None:
        con = self.con
        periods = [r[0] for r in con.execute("SELECT DISTINCT period FROM staging WHERE period IS NOT NULL").fetchall()]
        self._lookup("periods_map", periods, _period_lookup,
                     pa.schema([("raw", pa.string()), ("code", pa.string()), ("freq", pa.string()),
                                ("error", pa.string())]))
        values = [r[0] for r in con.execute(
            f"SELECT DISTINCT value FROM staging WHERE value IS NOT NULL "  # noqa: S608 - fixed fragments; values are bound
            f"AND NOT regexp_full_match(value, '{FAST_NUMBER}')").fetchall()]  # noqa: S608
        self._lookup("values_map", values, _value_lookup,
                     pa.schema([("raw", pa.string()), ("value", pa.float64()), ("marks", pa.string()),
                                ("placeholder", pa.bool_()), ("error", pa.string())]))
        statuses = [r[0] for r in con.execute("SELECT DISTINCT status FROM staging WHERE status IS NOT NULL").fetchall()]
        self._lookup("status_map", statuses, _status_lookup,
                     pa.schema([("raw", pa.string()), ("status", pa.string()), ("error", pa.string())]))
        pairs = con.execute(
            "SELECT DISTINCT trim(series_code), unit FROM staging WHERE unit IS NOT NULL").fetchall()
        catalogue = self.catalogue.by_code
        rows = []
        for code, unit in pairs:
            series = catalogue.get(code)
            if series is None:
                continue
            try:
                rows.append((code, unit, unit_factor(unit, series.unit.zh, series.unit.en), None))
            except ValueError as exc:
                rows.append((code, unit, None, str(exc)))
        table = pa.table({"series_code": pa.array([r[0] for r in rows], pa.string()),
                          "raw": pa.array([r[1] for r in rows], pa.string()),
                          "factor": pa.array([r[2] for r in rows], pa.float64()),
                          "error": pa.array([r[3] for r in rows], pa.string())})
        create_stage_table(con, "unit_map", table)

    def _row_checks(self) -> None:
        """Every per-row rule counted in one pass over the release; examples are fetched only for
        the rules that fired (the common, clean case costs a single scan)."""
        rid = self.release.id
        freq = _FREQ
        checks: list[tuple[str, str, str, Callable[[tuple], str]]] = [
            ("series_code IS NULL OR series_code = ''", "series_code", "series_code", lambda r: "no series code"),
            ("series_code <> '' AND NOT known", "series_code", "series_code",
             lambda r: f"unknown series code {r[3]!r} (not in releases/catalogue.yaml)"
                       f"{did_you_mean(r[3], self.catalogue.by_code)}"),
            ("known AND NOT promised", "series_code", "series_code",
             lambda r: f"series {r[3]} is not among the series release {rid} carries (calendar.yaml); add it "
                       "to the release's `series` or remove the row"),
            ("no_period", "period", "NULL", lambda r: "no period"),
            ("period_error IS NOT NULL", "period", "period_error", lambda r: r[3]),
            ("known AND period_freq IS NOT NULL AND period_freq <> frequency", "period",
             "[period, series_code, period_freq, frequency]",
             lambda r: f"period {r[3][0]} is {freq[r[3][2]]} but series {r[3][1]} is {freq[r[3][3]]}"),
            ("value_error IS NOT NULL", "value", "value_error", lambda r: f"{r[3]}; expected a number such as 1234.5"),
            ("no_value AND value_error IS NULL AND NOT contains(status, 'c')", "value", "NULL",
             lambda r: "no value; expected a number (or status c for a suppressed cell)"),
            ("status_error IS NOT NULL", "status", "status_error", lambda r: r[3]),
            ("unit_error IS NOT NULL", "unit", "unit_error", lambda r: r[3]),
            ("n_units_bad IS NOT NULL", "n_units", "n_units_bad", lambda r: f"n_units {r[3]!r} is not a whole number ≥ 0"),
            ("top2_bad IS NOT NULL", "top2_share", "top2_bad",
             lambda r: f"top2_share {r[3]!r} is not a percentage between 0 and 100"),
        ]
        counts = self.con.execute(
            "SELECT " + ", ".join(f"count(*) FILTER (WHERE {where})" for where, *_ in checks) + " FROM checked"  # noqa: S608 - fixed rule texts
        ).fetchone()
        for (where, field, detail, message), total in zip(checks, counts, strict=True):
            if total:
                self._report(f"SELECT src, row, col, {detail} FROM checked WHERE {where}", [], field, message,  # noqa: S608 - fixed rule texts
                             total=total)

    def _duplicates(self) -> None:
        # Find the repeated keys first (one hash aggregate), then list rows for those keys only.
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE duplicate_keys AS SELECT series_code, period FROM checked "
            "WHERE known AND period IS NOT NULL GROUP BY series_code, period HAVING count(*) > 1")
        self._report(
            "SELECT min(c.src), min(c.row), NULL, c.series_code, c.period, list(c.row ORDER BY c.row) AS rows "
            "FROM checked c SEMI JOIN duplicate_keys d ON c.series_code = d.series_code AND c.period = d.period "
            "GROUP BY c.series_code, c.period",
            [], "period", lambda r: f"{r[3]} {r[4]} appears more than once (rows {', '.join(map(str, r[5]))})")

    def _missing_series(self) -> None:
        present = {code for (code,) in self.con.execute("SELECT DISTINCT series_code FROM checked").fetchall()}
        for code in sorted(set(self.release.series) - present):
            self.problems.append(Problem("calendar.yaml", None, None, f"releases[{self.release.id}].series",
                                         f"release {self.release.id} promises series {code} but no source "
                                         "file carries it"))

    def _latest_other(self, codes_sql: str) -> str:
        """SQL for the latest earlier vintage of the given series, excluding this release."""
        return (
            "SELECT o.series_code, o.period, o.value FROM observations o JOIN releases r USING (release_id) "  # noqa: S608 - fixed fragments; values are bound
            f"WHERE o.release_id <> $rid AND r.instant < $instant AND o.series_code IN ({codes_sql}) "
            "AND o.value IS NOT NULL "  # a withheld (confidential) cell adds nothing to compare
            "QUALIFY row_number() OVER (PARTITION BY o.series_code, o.period ORDER BY r.instant DESC) = 1"  # noqa: S608 - fixed fragments; values are bound
        )

    def _merged(self, codes_sql: str) -> str:
        return (
            "SELECT series_code, period, value_num * factor AS value, src, row, col, true AS is_new "  # noqa: S608 - fixed fragments; values are bound
            "FROM checked WHERE known AND value_num IS NOT NULL "
            f"UNION ALL SELECT old.series_code, old.period, old.value, NULL, NULL, NULL, false "
            f"FROM ({self._latest_other(codes_sql)}) old "
            "ANTI JOIN checked c ON c.series_code = old.series_code AND c.period = old.period"  # noqa: S608 - fixed fragments; values are bound
        )

    def _cumulative_decreases(self) -> None:
        flows = [s.code for s in self.catalogue.series if s.cumulative and s.measure == "flow"]
        params = {"rid": self.release.id, "instant": self.release.instant, "codes": flows}
        sql = (
            f"WITH m AS ({self._merged('SELECT unnest($codes::VARCHAR[])')}), "  # noqa: S608 - fixed fragments; values are bound
            "o AS (SELECT *, lag(value) OVER w AS prev_value, lag(period) OVER w AS prev_period, "
            "      lag(is_new) OVER w AS prev_new, lead(src) OVER w AS next_src, lead(row) OVER w AS next_row, "
            "      lead(col) OVER w AS next_col FROM m WHERE list_contains($codes, series_code) "
            "      WINDOW w AS (PARTITION BY series_code, left(period, 4) ORDER BY period)) "
            "SELECT coalesce(src, next_src), coalesce(row, next_row), coalesce(col, next_col), "
            "       series_code, prev_period, prev_value, period, value "
            "FROM o WHERE value < prev_value AND (is_new OR prev_new)"  # noqa: S608 - fixed fragments; values are bound
        )
        self._report_named(sql, params, "value",
                           lambda r: f"cumulative {r[3]} falls from {r[5]:g} ({r[4]}) to {r[7]:g} ({r[6]}) "
                                     "within a year; a year-to-date total cannot decrease")

    def _components(self) -> None:
        totals = [s for s in self.catalogue.series if s.components]
        for total in totals:
            codes = [total.code, *total.components]
            params = {"rid": self.release.id, "instant": self.release.instant, "codes": codes,
                      "total": total.code, "n": len(total.components), "tol": total.tolerance + 1e-9}
            sql = (
                f"WITH m AS ({self._merged('SELECT unnest($codes::VARCHAR[])')}), "  # noqa: S608 - fixed fragments; values are bound
                "agg AS (SELECT period, "
                "  max(value) FILTER (WHERE series_code = $total) AS total, "
                "  sum(value) FILTER (WHERE series_code <> $total) AS parts, "
                "  count(*) FILTER (WHERE series_code <> $total) AS n_parts, bool_or(is_new) AS any_new, "
                "  arg_min(src, (NOT is_new, series_code <> $total)) AS src, "
                "  arg_min(row, (NOT is_new, series_code <> $total)) AS row, "
                "  arg_min(col, (NOT is_new, series_code <> $total)) AS col "
                "  FROM m WHERE list_contains($codes, series_code) GROUP BY period) "
                "SELECT src, row, col, period, total, parts FROM agg "
                "WHERE any_new AND n_parts = $n AND total IS NOT NULL AND abs(total - parts) > $tol"  # noqa: S608 - fixed fragments; values are bound
            )
            parts = " + ".join(total.components)
            self._report_named(sql, params, "value",
                               lambda r, t=total, p=parts: f"{t.code} {r[3]} is {r[4]:g} but {p} add up to "
                               f"{r[5]:g} (tolerance {t.tolerance:g})")

    def _report_named(self, sql: str, params: dict, field: str, message: Callable[[tuple], str]) -> None:
        rows = self.con.execute(f"SELECT * FROM ({sql}) ORDER BY 1, 2 LIMIT {EXAMPLES_PER_CHECK}", params).fetchall()  # noqa: S608
        for row in rows:
            p = self._where(row[0], row[1], field, row[2])
            self.problems.append(Problem(p.file, p.sheet, p.row, p.column, message(row)))


_FREQ = {"A": "annual", "Q": "quarterly", "M": "monthly"}


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$")
_SERIAL = re.compile(r"^\d{5}(\.0)?$")


def _period_lookup(raw: object) -> tuple:
    text = str(raw)
    try:
        period = parse_period(text)
        return period.code, period.freq, None
    except PeriodError as exc:
        message = str(exc)
        if _DATE.match(text.strip()):
            message = f"{text!r} is a date, not a period; write the period as 2024, 2024-Q3 or 2024-07"
        elif _SERIAL.match(text.strip()):
            message = (f"{text!r} looks like an Excel date serial; format the period column as text "
                       "(2024, 2024-Q3 or 2024-07)")
        return None, None, message


def _value_lookup(raw: object) -> tuple:
    try:
        parsed = parse_number(str(raw))
        return parsed.value, parsed.marks or None, parsed.placeholder, None
    except ValueError as exc:
        return None, None, False, str(exc)


def _status_lookup(raw: object) -> tuple:
    try:
        return normalise_status(str(raw)), None
    except ValueError as exc:
        if status_looks_like_split_number(str(raw)):
            return None, (f"status {str(raw)!r} is not a flag but the end of a number cut at its thousands "
                          "separator (e.g. 1,044.088 unquoted); write the number without the comma or in double "
                          "quotes (\"1,044.088\")")
        return None, str(exc)
