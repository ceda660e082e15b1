"""Finding where a source went wrong, once the fast path has failed.

The fast path hands a whole CSV to DuckDB and learns only that it failed (a sniffer complaint, a
line number at best). These functions run only then: they read the file again with Python's csv
module, row by row, and say what is wrong with which row and how to fix it. Keeping them apart
lets the reading itself stay one DuckDB pass.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from statpub.etl.staging import column_letter
from statpub.kernel.errors import Problem

MAX_ROWS_REPORTED = 50
_INTEGER_PART = re.compile(r"^\s*[+-]?\d{1,3}\s*$")
_THOUSANDS_PART = re.compile(r"^\d{3}(\.\d+)?\s*$")
_SPLIT_STATUS = re.compile(r"^\s*\d{3}(\.\d+)?\s*$")


def split_number_at(fields: list[str]) -> int | None:
    """Where a number written with a thousands separator (1,044.088) was cut into two fields."""
    for i in range(len(fields) - 1):
        if _INTEGER_PART.match(fields[i]) and _THOUSANDS_PART.match(fields[i + 1]):
            return i
    return None


def _row_problem(fields: list[str], header: list[str], number: int, file: str) -> Problem | None:
    expected = len(header)
    if len(fields) == expected or not any(f.strip() for f in fields):
        return None
    if len(fields) > expected:
        message = f"this row has {len(fields)} fields where the header has {expected}"
        cut = split_number_at(fields)
        if cut is not None:
            joined = f"{fields[cut].strip()},{fields[cut + 1].strip()}"
            label = header[cut].strip() if cut < len(header) else ""
            column = f"{column_letter(cut)} ({label})" if label else column_letter(cut)
            return Problem(file, None, number, column,
                           f"{message}: the number {joined} is split at its thousands separator; write it "
                           f"without the comma ({joined.replace(',', '')}) or in double quotes (\"{joined}\")")
        return Problem(file, None, number, None,
                       f"{message}; put text containing commas in double quotes (\"a, b\") or remove the extra commas")
    return Problem(file, None, number, None,
                   f"this row has {len(fields)} fields where the header has {expected}; add the missing "
                   "commas (an empty field is fine: GDP,2024-Q2,210,,)")


def diagnose_csv(path: Path, encoding: str, delimiter: str, file: str) -> list[Problem]:
    """Every row of a CSV that does not fit its header, with the reason and the cure."""
    problems: list[Problem] = []
    more = 0
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            header = next(reader, [])
            for fields in reader:
                problem = _row_problem(fields, header, reader.line_num, file)
                if problem is None:
                    continue
                if len(problems) < MAX_ROWS_REPORTED:
                    problems.append(problem)
                else:
                    more += 1
        except csv.Error as exc:
            problems.append(_broken_row(file, reader.line_num, str(exc)))
    if more:
        problems.append(Problem(file, None, None, None, f"… {more} more rows whose fields do not fit the header"))
    return problems


def _broken_row(file: str, line: int, reason: str) -> Problem:
    if "field larger than field limit" in reason:
        return Problem(file, None, line, None, "the file could not be read as a CSV table: a field here is longer "
                       "than any figure or note (a missing line break, or a double quote never closed)")
    return Problem(file, None, line, None,
                   f"the file could not be read as a CSV table: its quoting is broken here ({reason}); a field "
                   "that starts with a double quote must end with one, and a quote inside it is written twice (\"\")")


def unreadable_csv(file: str, line: int | None, library_message: str) -> Problem:
    """When the rows fit the header and DuckDB still refused: say what a readable file looks like,
    with the library's own first line only as a detail."""
    first = library_message.strip().splitlines()[0] if library_message.strip() else ""
    return Problem(file, None, line, None,
                   "the file could not be read as a CSV table; expected a header row, then one row per figure "
                   "with as many comma-separated fields as the header, text with commas in double quotes"
                   + (f" (reader: {first[:200]})" if first else ""))


def status_looks_like_split_number(raw: str) -> bool:
    """A 'status' of three digits is the tail of a number cut at its thousands separator."""
    return bool(_SPLIT_STATUS.match(raw))
