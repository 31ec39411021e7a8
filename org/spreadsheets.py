"""Spreadsheets the product reads and writes: tolerant reading of what offices save from Excel,
and writing in which what people typed stays text, never a formula.

A task text 「=HYPERLINK(…)」 or a unit named 「=1+2」 in an export would otherwise run when the
file is opened: openpyxl stores a string starting with 「=」 as a formula, and Excel reads a .csv
cell starting with any of FORMULA_STARTS as one.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from typing import Any

from django.utils.translation import gettext as _

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


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (nothing is imported)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Reading ------------------------------------------------------------------------------

_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), without spaces or quotes."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    return re.sub(r"\s+", "", text)


def header_key(text: Any) -> str:
    """「收费金额（元）」 and 「收费金额」 are one column: units in brackets are dropped."""
    return re.sub(r"\(.*?\)$", "", normalise(text or ""))


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM, or GB18030, which Chinese Excel writes
    as "CSV"."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        return data.decode("utf-16")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(str(_("The .csv file is neither UTF-8 nor GB18030 text.")))


def csv_rows(data: bytes) -> list[list[Any]]:
    try:
        text = decode_csv(data)
    except UnicodeDecodeError as error:
        raise SpreadsheetError(str(_("The .csv file is not UTF-8 text."))) from error
    # A NUL byte is never text (a file cut by a crash, or written as UTF-16 in part), and
    # PostgreSQL refuses to store it.
    reader = csv.reader(io.StringIO(text.replace("\x00", ""), newline=""))
    rows = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as error:  # a cell over the csv module's limit, an unclosed quote
        raise SpreadsheetError(
            str(
                _(
                    "Line {line} of the .csv file cannot be read: a cell longer than {limit} "
                    "characters, or a quote that is never closed."
                ).format(line=reader.line_num, limit=f"{csv.field_size_limit():,}")
            )
        ) from error
    return rows


# Office XML packs some 5 to 20 times; far more is a zip bomb, whose shared strings openpyxl
# would unpack into memory even in read-only mode.
MAX_UNPACKED_RATIO = 100


def xlsx_sheets(data: bytes, *, max_rows: int, max_columns: int) -> dict[str, list[list[Any]]]:
    """Every visible sheet's values by its title, bounded to ``max_rows`` × ``max_columns``
    whatever size the sheet declares (read-only openpyxl streams the cells the file holds)."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_RATIO * len(data):
            raise SpreadsheetError(_("The .xlsx file is damaged."))
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise SpreadsheetError(
            _(
                "The file is not a real .xlsx workbook (an old .xls, or password-protected?): "
                "save it as .xlsx and upload it again."
            )
        ) from error
    try:
        return {
            sheet.title: [
                list(row)
                for row in sheet.iter_rows(
                    max_row=max_rows + 1, max_col=max_columns, values_only=True
                )
            ]
            for sheet in book.worksheets
            if sheet.sheet_state == "visible"
        }
    except Exception as error:  # openpyxl raises many kinds on a damaged sheet
        raise SpreadsheetError(_("The .xlsx file is damaged.")) from error
    finally:
        book.close()
