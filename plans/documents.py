"""Turn an uploaded file (.txt, .docx, .xlsx) or pasted text into a parsed plan. No Django here.

Every failure is a PlanFormatError with a code the web layer turns into a clear message.
"""

from __future__ import annotations

import datetime
import io
import zipfile
import zlib
from pathlib import PurePath

from .parsing import ParsedPlan, PlanFormatError, _header_roles, parse_lines, parse_table

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .doc/.xls, and every password-protected Office file
KINDS = ("txt", "docx", "xlsx")
# A zip bomb: a few kilobytes that unpack to gigabytes would hold a worker and its memory.
# Office XML packs some 5 to 20 times; a hundredfold beyond 50 MB is no document.
MAX_UNPACKED = 50 * 2**20
MAX_RATIO = 100


def kind_of(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix not in KINDS:
        raise PlanFormatError("unsupported_type", name=filename)
    return suffix


def read_text_bytes(data: bytes) -> str:
    if not data.strip():
        raise PlanFormatError("empty")
    if b"\x00" in data[:4096]:
        raise PlanFormatError("not_text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanFormatError("not_text")


def is_zip_bomb(archive: zipfile.ZipFile, packed_size: int) -> bool:
    """Whether the archive unpacks to too much (sizes as its directory declares them; reading
    a member stops at its declared size)."""
    unpacked = sum(info.file_size for info in archive.infolist())
    return unpacked > max(MAX_UNPACKED, MAX_RATIO * packed_size)


def _office_zip(data: bytes, kind: str) -> None:
    """Refuse what python-docx/openpyxl would choke on, saying why."""
    if not data:
        raise PlanFormatError("empty")
    if data.startswith(OLE_MAGIC):
        raise PlanFormatError("encrypted_or_old", kind=kind)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        # A zip's own signature without its directory: a cut-off or damaged download.
        raise PlanFormatError("corrupt" if data.startswith(b"PK") else "not_office", kind=kind)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if is_zip_bomb(archive, len(data)) or archive.testzip() is not None:
                raise PlanFormatError("corrupt", kind=kind)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:  # damaged deflate data too
        raise PlanFormatError("corrupt", kind=kind) from error
    expected = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    if expected not in names:
        raise PlanFormatError("not_office", kind=kind)


def read_docx(data: bytes) -> ParsedPlan:
    import docx
    from docx.table import Table

    _office_zip(data, "docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on a damaged package
        raise PlanFormatError("corrupt", kind="docx") from error
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = [[c.text for c in row.cells] for row in block.rows]
            if any(_header_roles(r) for r in rows[:5]):
                return parse_table(rows, preamble=lines)
            lines += [" ".join(dict.fromkeys(r)) for r in rows]  # merged cells repeat
        else:
            lines += block.text.splitlines() or [""]
    return parse_lines(lines)


def read_xlsx(data: bytes) -> ParsedPlan:
    import openpyxl

    _office_zip(data, "xlsx")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged package
        raise PlanFormatError("corrupt", kind="xlsx") from error
    sheet = book.worksheets[0]
    # A merged cell holds its value in the top-left cell only: fill the range for the parser.
    for merged in list(sheet.merged_cells.ranges):
        value = sheet.cell(merged.min_row, merged.min_col).value
        sheet.unmerge_cells(str(merged))
        for row in sheet.iter_rows(
            min_row=merged.min_row,
            max_row=merged.max_row,
            min_col=merged.min_col,
            max_col=merged.max_col,
        ):
            for cell in row:
                cell.value = value
    rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    if not any(any(r) for r in rows):
        raise PlanFormatError("empty")
    return parse_table(rows, preamble=[sheet.title])


def _cell_text(value) -> str:
    """A date-typed 完成时限 cell reads as the parser reads dates: 「2024年3月31日」."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def read_document(filename: str, data: bytes) -> ParsedPlan:
    kind = kind_of(filename)
    if kind == "docx":
        return read_docx(data)
    if kind == "xlsx":
        return read_xlsx(data)
    return parse_lines(read_text_bytes(data).splitlines())
