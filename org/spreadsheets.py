"""Spreadsheets the product writes: what people typed stays text, never a formula.

A task text 「=HYPERLINK(…)」 or a unit named 「=1+2」 in an export would otherwise run when the
file is opened: openpyxl stores a string starting with 「=」 as a formula, and Excel reads a .csv
cell starting with any of FORMULA_STARTS as one.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def keep_as_text(sheet: Any, min_row: int = 1) -> None:
    """Cells openpyxl took for formulas hold the text as written."""
    for row in sheet.iter_rows(min_row=min_row):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def csv_cell(value: Any) -> Any:
    """A quote before text Excel would run: the register's import takes it off again."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
