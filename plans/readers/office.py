"""Word (.docx) and Excel (.xlsx) files: paragraphs and tables, merged cells resolved.

Both are zips of XML, so both are refused before parsing when they are not what their name says,
unpack to too much, or are damaged. Tables are laid out on their grid here, from the XML, so that a
cell declaring a span of two million columns costs no more than the grid it sits in.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from plans.document import Cell, Document, Paragraph, Table
from plans.parsing import PlanFormatError

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .doc/.xls, and every password-protected Office file
# A zip bomb: a few kilobytes that unpack to gigabytes would hold a worker and its memory.
# Office XML packs some 5 to 20 times; a hundredfold beyond 50 MB is no document.
MAX_UNPACKED = 50 * 2**20
MAX_RATIO = 100
# A work plan's table is a few hundred rows of a dozen columns; these bounds are far above any
# real one and keep a hostile file's grid (and the memory it takes) small.
MAX_ROWS = 5000
MAX_COLUMNS = 100

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def is_zip_bomb(archive: zipfile.ZipFile, packed_size: int) -> bool:
    """Whether the archive unpacks to too much (sizes as its directory declares them; reading
    a member stops at its declared size)."""
    unpacked = sum(info.file_size for info in archive.infolist())
    return unpacked > max(MAX_UNPACKED, MAX_RATIO * packed_size)


def check_office_zip(data: bytes, kind: str) -> None:
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


def _not_empty(document: Document) -> Document:
    if document.is_empty():
        raise PlanFormatError("empty")
    return document


# --- Word -------------------------------------------------------------------------------------


def read_docx(data: bytes) -> Document:
    import docx

    check_office_zip(data, "docx")
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as error:  # python-docx raises many kinds on a damaged package
        raise PlanFormatError("corrupt", kind="docx") from error
    blocks: list[Paragraph | Table] = []
    for element in _content(body):
        if element.tag == f"{W}tbl":
            blocks.append(Table(_docx_grid(element)))
        else:
            # A soft line break (Shift+Enter) starts a new line as the reader sees it.
            blocks += [Paragraph(line) for line in _paragraph_text(element).split("\n")]
    blocks = [b for b in blocks if not isinstance(b, Paragraph) or b.text.strip()]
    return _not_empty(Document(blocks, kind="docx"))


def _content(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in order, including those wrapped in content controls (w:sdt),
    which python-docx's ``iter_inner_content`` passes over."""
    for child in parent:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            yield from _content(child)


def _paragraph_text(p: Any) -> str:
    """The paragraph's runs, including those python-docx passes over: tracked insertions,
    fields, smart tags and inline content controls; not tracked deletions."""
    parts = []
    for child in p:
        if child.tag == f"{W}r":
            parts.append(child.text)  # python-docx's run text: w:t, w:tab, w:br, w:cr
        elif child.tag not in (f"{W}del", f"{W}moveFrom", f"{W}pPr"):
            parts.append(_paragraph_text(child))
    return "".join(parts)


def _children(parent: Any, tag: str) -> list[Any]:
    """``parent``'s ``tag`` children, looking through content controls."""
    found = []
    for child in parent:
        if child.tag == tag:
            found.append(child)
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            found += _children(child, tag)
    return found


def _int_val(element: Any, default: int) -> int:
    try:
        return int(element.get(f"{W}val"))
    except (AttributeError, TypeError, ValueError):
        return default


def _cell_text(tc: Any) -> str:
    """A cell's paragraphs, one a line; a nested table's rows, one a line."""
    lines = []
    for element in _content(tc):
        if element.tag == f"{W}tbl":
            lines += [" ".join(dict.fromkeys(c.text for c in row)) for row in _docx_grid(element)]
        else:
            lines.append(_paragraph_text(element))
    return "\n".join(lines).strip()


def _docx_grid(tbl: Any) -> list[list[Cell]]:
    """The table's rows on its grid: a cell spanning columns (gridSpan) or rows (vMerge) repeats
    as merged cells. Spans are cut at the grid's width: a 936-byte file may declare two million."""
    trs = _children(tbl, f"{W}tr")
    if len(trs) > MAX_ROWS:
        raise PlanFormatError("table_too_large", kind="docx", rows=MAX_ROWS)
    # The declared grid, or as many columns as a row has cells where a writer declared too few.
    declared = len(tbl.findall(f"{W}tblGrid/{W}gridCol"))
    cells = max((len(_children(tr, f"{W}tc")) for tr in trs), default=0)
    width = min(max(declared, cells), MAX_COLUMNS)
    rows: list[list[Cell]] = []
    for tr in trs:
        row = [Cell("")] * min(_int_val(tr.find(f"{W}trPr/{W}gridBefore"), 0), width)
        for tc in _children(tr, f"{W}tc"):
            if len(row) >= width:
                break  # cells beyond the grid: Word does not show them either
            span = max(1, min(_int_val(tc.find(f"{W}tcPr/{W}gridSpan"), 1), width - len(row)))
            v_merge = tc.find(f"{W}tcPr/{W}vMerge")
            above = rows[-1] if rows else []
            if (
                v_merge is not None
                and v_merge.get(f"{W}val", "continue") == "continue"
                and (len(row) < len(above))
            ):
                origin = above[len(row)].text
                row += [Cell(origin, merged=True)] * span
            else:
                text = _cell_text(tc)
                row += [Cell(text), *[Cell(text, merged=True)] * (span - 1)]
        rows.append(row)
    full = max((len(r) for r in rows), default=0)
    return [r + [Cell("")] * (full - len(r)) for r in rows]


# --- Excel ------------------------------------------------------------------------------------


def _open_book(data: bytes) -> Any:
    import openpyxl

    check_office_zip(data, "xlsx")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged package
        raise PlanFormatError("corrupt", kind="xlsx") from error


def read_xlsx(data: bytes) -> Document:
    book = _open_book(data)
    blocks: list[Paragraph | Table] = []
    try:
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue  # hidden sheets hold drop-down lists and helpers, not the plan
            rows = _sheet_rows(book, sheet)
            if rows:
                blocks += [Paragraph(sheet.title), *_sheet_blocks(rows)]
    except PlanFormatError:
        raise
    except Exception as error:  # a damaged sheet
        raise PlanFormatError("corrupt", kind="xlsx") from error
    finally:
        book.close()  # read-only mode holds the archive open until closed
    return _not_empty(Document(blocks, kind="xlsx"))


def first_sheet_values(data: bytes, *, max_rows: int, max_columns: int) -> list[list[Any]]:
    """The first visible sheet's values as Excel holds them (dates, numbers, text) on a grid
    as far as its last value, merged cells left empty: for imports of one table a row per
    record (the request register). Raises PlanFormatError like the plan's reader."""
    book = _open_book(data)
    try:
        sheet = next((s for s in book.worksheets if s.sheet_state == "visible"), None)
        if sheet is None:
            return []
        values, _merges = _sheet_values(book, sheet, max_rows, max_columns)
    except PlanFormatError:
        raise
    except Exception as error:  # a damaged sheet
        raise PlanFormatError("corrupt", kind="xlsx") from error
    finally:
        book.close()
    height = max((r for r, _ in values), default=0)
    width = max((c for _, c in values), default=0)
    return [[values.get((r, c)) for c in range(1, width + 1)] for r in range(1, height + 1)]


def _sheet_blocks(rows: list[list[Cell]]) -> list[Paragraph | Table]:
    """A sheet holds its title and notes as lines of one cell around the table, and a plan
    kept in a sheet may be prose between its tables: a run of such lines before or after the
    table, or of three and more within it, is paragraphs. Shorter runs within are the table's
    own section rows (「一、公开预算」 across the row)."""

    def line(row: list[Cell]) -> bool:
        filled = [c for c in row if c.text]
        return len(filled) == 1 and not any(c.merged for c in row)

    blocks: list[Paragraph | Table] = []
    table: list[list[Cell]] = []
    k = 0
    while k < len(rows):
        end = k
        while end < len(rows) and line(rows[end]):
            end += 1
        run = rows[k:end]
        if run and (not table or end == len(rows) or len(run) >= 3):
            if table:
                blocks.append(Table(table))
                table = []
            blocks += [Paragraph(next(c.text for c in r if c.text)) for r in run]
        else:
            table += run
        if end < len(rows):
            table.append(rows[end])
        k = end + 1
    if table:
        blocks.append(Table(table))
    return blocks


def _sheet_values(
    book: Any, sheet: Any, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS
) -> tuple[dict[tuple[int, int], Any], list]:
    """The sheet's non-empty values by (row, column), and its merged ranges.

    openpyxl's own parser is driven directly (openpyxl is pinned): it yields only the cells the
    file holds, and the merged ranges, in one pass. Its public ways cost the declared size: a full
    load's ``iter_rows`` builds every cell up to the last, and one value in XFD1048576 makes that
    17 billion; read-only mode pads every row to the widest, and loads no merged ranges.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    values: dict[tuple[int, int], Any] = {}
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for r, cells in parser.parse():
            for cell in cells:
                if not _value_text(cell["value"]):
                    continue
                c = cell["column"]
                if r > max_rows or c > max_columns:
                    name = f"{get_column_letter(min(c, 16384))}{r}"
                    raise PlanFormatError(
                        "sheet_too_large",
                        sheet=sheet.title,
                        cell=name,
                        rows=max_rows,
                        columns=max_columns,
                    )
                values[r, c] = cell["value"]
        merges = parser.merged_cells.mergeCell if parser.merged_cells else []
    return values, merges


def _sheet_rows(book: Any, sheet: Any) -> list[list[Cell]]:
    """The sheet's values as text on a grid as far as its last value, merged ranges filled in."""
    from openpyxl.utils.cell import range_boundaries

    raw, merges = _sheet_values(book, sheet)
    values = {k: _value_text(v) for k, v in raw.items()}
    if not values:
        return []
    height = max(r for r, _ in values)
    width = max(c for _, c in values)
    grid = [
        [Cell(values.get((r, c), "")) for c in range(1, width + 1)] for r in range(1, height + 1)
    ]
    for merge in merges:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(merge.ref)
        except (TypeError, ValueError):
            continue  # a damaged range: its cells are read unmerged
        if min_row is None or min_col is None or max_row is None or max_col is None:
            continue  # whole rows or columns ("A:B"): not a merge, read unmerged too
        if min_row > height or min_col > width:
            continue
        origin = grid[min_row - 1][min_col - 1].text
        # Only within the grid: a range A1:XFD1048576 must not be filled out.
        for r in range(min_row, min(max_row, height) + 1):
            for c in range(min_col, min(max_col, width) + 1):
                if (r, c) != (min_row, min_col):
                    grid[r - 1][c - 1] = Cell(origin, merged=True)
    return [row for row in grid if any(cell.text for cell in row)]


def _value_text(value: object) -> str:
    """A date-typed 完成时限 cell reads as the parser reads dates: 「2024年3月31日」; a number
    Excel stores as 1.0 reads as 「1」."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return re.sub(r"\r\n?", "\n", str(value)).strip()
