"""The staging layer: every source, whatever its layout, becomes rows of raw text in one shape,
each remembering where it came from (file, sheet, row, column), before anything is checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from statpub.kernel.numbers import to_halfwidth

FIELDS = ("series_code", "period", "value", "status", "note", "n_units", "top2_share", "unit")
STAGE_SCHEMA = pa.schema([("row", pa.int32()), ("col", pa.string())]
                         + [(name, pa.string()) for name in FIELDS])

# Header names accepted for the long layout, English and Chinese.
HEADER_ALIASES = {
    "series_code": ("series_code", "series", "code", "指标代码", "代码"),
    "period": ("period", "时期", "时间", "期别", "报告期"),
    "value": ("value", "obs_value", "数值", "值"),
    "status": ("status", "obs_status", "flag", "标志", "状态"),
    "note": ("note", "notes", "备注", "注"),
    "n_units": ("n_units", "单位数", "企业数"),
    "top2_share": ("top2_share", "前两位占比", "前两家占比"),
    "unit": ("unit", "单位", "计量单位"),
}
_ALIAS_TO_FIELD = {alias.lower(): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
REQUIRED = ("series_code", "period", "value")
_UNIT_IN_HEADER = re.compile(r"^(?P<name>.*?)\s*[（(](?P<unit>[^）)]+)[）)]\s*$")


def normalise_header(text: object) -> str:
    """Header text as compared: half-width, no whitespace, one kind of dash and parenthesis."""
    raw = to_halfwidth("" if text is None else str(text))
    raw = re.sub(r"\s+", "", raw)
    raw = re.sub(r"[—–\-－~～]+", "—", raw)
    return raw.replace("（", "(").replace("）", ")")


def split_unit(header: str) -> tuple[str, str | None]:
    """`地区生产总值（亿元）` → (`地区生产总值`, `亿元`)."""
    match = _UNIT_IN_HEADER.match(to_halfwidth(header.strip()))
    if not match:
        return header.strip(), None
    return match.group("name").strip(), match.group("unit").strip()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as spreadsheets name columns)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class SourceContext:
    """One source file of one release, and how to name places in it."""

    index: int
    release_id: str
    file: str  # display path, relative to the content root
    sheet: str | None = None
    layout: str = "long"
    encoding: str | None = None
    sha256: str = ""
    bytes: int = 0
    provenance: dict = field(default_factory=dict)
    # field name → column label for messages, e.g. "B (时期)"; for wide tables the value column
    # varies by row and is stored per staged row.
    columns: dict[str, str] = field(default_factory=dict)
    rows: int = 0


def map_header(cells: list[object]) -> tuple[dict[str, int], str | None, list[str]]:
    """Map a long-layout header row to field positions.

    Returns (field → position, unit declared in the value header, problems)."""
    positions: dict[str, int] = {}
    unit = None
    problems = []
    for pos, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip().lstrip("\ufeff")
        if not text:
            continue
        name, header_unit = split_unit(text)
        field_name = _ALIAS_TO_FIELD.get(name.lower()) or _ALIAS_TO_FIELD.get(text.lower())
        if field_name is None:
            problems.append(f"column {column_letter(pos)}: unknown header {text!r}; expected "
                            "series_code, period, value, status, note, n_units, top2_share, unit "
                            "(or 指标代码, 时期, 数值, 标志, 备注)")
            continue
        if field_name in positions:
            problems.append(f"column {column_letter(pos)}: header {text!r} repeats column "
                            f"{column_letter(positions[field_name])}")
            continue
        positions[field_name] = pos
        if field_name == "value" and header_unit and name.lower() != text.lower():
            unit = header_unit
    for required in REQUIRED:
        if required not in positions:
            chinese = next(a for a in HEADER_ALIASES[required] if not a.isascii())
            problems.append(f"missing column {required!r} (or {chinese!r})")
    return positions, unit, problems


def column_labels(positions: dict[str, int], cells: list[object]) -> dict[str, str]:
    labels = {name: f"{column_letter(pos)} ({str(cells[pos]).strip()})" for name, pos in positions.items()}
    # A unit declared in the value header (数值（亿元）) is reported at that column.
    labels.setdefault("unit", labels.get("value", ""))
    return labels


def create_stage_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Copy an Arrow table into a temporary table (replacing one of the same name)."""
    con.complete()  # DuckDB refuses to register while an earlier result is unread
    con.register("_arrow_rows", table)
    try:
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT * FROM _arrow_rows')  # noqa: S608 - name is ours
    finally:
        con.unregister("_arrow_rows")


def rows_to_table(rows: list[tuple]) -> pa.Table:
    """Rows of (row, col, *FIELDS) with text values into the staging schema."""
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in STAGE_SCHEMA]
    return pa.table([pa.array(list(c), type=f.type) for c, f in zip(columns, STAGE_SCHEMA, strict=True)],
                    schema=STAGE_SCHEMA)


def cell_text(value: object) -> str | None:
    """A spreadsheet cell as text, keeping what the author typed as far as possible."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
