"""Opening office workbooks defensively: a truncated or non-Excel file is a located problem."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from statpub.kernel.errors import Problem
from statpub.kernel.suggest import did_you_mean


def open_workbook(path: Path, display: str, *, read_only: bool,
                  data_only: bool = True) -> tuple[Workbook | None, Problem | None]:
    try:
        return load_workbook(path, read_only=read_only, data_only=data_only), None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError) as exc:
        reason = type(exc).__name__
        return None, Problem(display, None, None, None,
                             f"not a readable XLSX workbook (truncated, or not Excel: {reason}); open it in Excel "
                             "and save it again as .xlsx (an .xls or a CSV renamed .xlsx cannot be read)")


def pick_sheet(workbook: Workbook, wanted: str | None, display: str) -> tuple[Worksheet | None, Problem | None]:
    if wanted is None:
        return workbook.worksheets[0], None
    if wanted not in workbook.sheetnames:
        return None, Problem(display, wanted, None, None,
                             f"no sheet {wanted!r} (the workbook has {', '.join(workbook.sheetnames)})"
                             f"{did_you_mean(wanted, workbook.sheetnames)}")
    return workbook[wanted], None
