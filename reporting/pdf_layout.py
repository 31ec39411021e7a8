"""Where LibreOffice broke the report's tables across pages, read back from the PDF it wrote.

Word keeps a table (and each of table 二's blocks) together through keep-with-next on its rows;
LibreOffice ignores keep-with-next inside tables and splits a table wherever the page ends: a
block's header alone at a page's foot, or table 三's header repeated over its last line. So the
PDF export reads each page's ruled tables (pdfplumber), matches their pieces to the document's
tables row by row, and asks for a new page before a table that is split badly (GB/T 9704
habits: no header without at least ``MIN_ROWS`` rows under it, no page holding a table's last
row or two).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

import pdfplumber

from .docx_export import MARGINS
from .grid import VALUE, Grid

MIN_ROWS = 3  # body rows a table's piece keeps on each side of a page break
EDGE = 4.0  # points: a piece this close to the type area's top or foot touches it


@dataclass(frozen=True)
class Piece:
    """A table's part on one page: its ruled rows, and whether it touches the type area's top
    (nothing above it) or foot (nothing below it but the page number)."""

    page: int
    rows: int
    at_top: bool
    at_foot: bool


def pieces(pdf: bytes) -> list[Piece]:
    found = []
    with pdfplumber.open(BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages):
            foot = page.height - MARGINS["bottom"].pt
            words = [w for w in page.extract_words() if w["bottom"] < foot]
            for table in page.find_tables():
                _x0, top, _x1, bottom = table.bbox
                found.append(
                    Piece(
                        page=number,
                        rows=len(table.rows),
                        at_top=not any(w["bottom"] < top + EDGE for w in words),
                        at_foot=not any(w["top"] > bottom - EDGE for w in words),
                    )
                )
    return found


def split_rows(found: Sequence[Piece]) -> list[list[int]]:
    """The pieces grouped by the table they belong to, as their row counts: a piece opening a
    page continues the table that closed the page before."""
    tables: list[list[int]] = []
    previous: Piece | None = None
    for piece in found:
        continues = (
            previous is not None
            and piece.at_top
            and previous.at_foot
            and piece.page == previous.page + 1
        )
        if continues:
            tables[-1].append(piece.rows)
        else:
            tables.append([piece.rows])
        previous = piece
    return tables


def body_rows(grid: Grid) -> list[bool]:
    """Per grid row: does it hold figures (a body row) rather than headers?"""
    body = [False] * grid.height
    for cell in grid.cells:
        if cell.kind == VALUE:
            body[cell.row] = True
    return body


def repeated_header(grid: Grid) -> int:
    """The header rows Word repeats on each page the table runs onto (``docx_export``)."""
    body = body_rows(grid)
    first = body.index(True) if True in body else grid.height
    return first if grid.cells[0].colspan < grid.width and grid.height - first > 1 else 0


def bad_split(grid: Grid, at: int) -> bool:
    """Is a page break before grid row ``at`` a bad one? Fine between two blocks (after a body
    row, before a header), or with at least ``MIN_ROWS`` body rows of the same block on each
    side; bad under a header (a header left at the foot) or close to a block's end."""
    body = body_rows(grid)
    if not body[at]:
        return body[at - 1] is False
    before = after = 0
    row = at - 1
    while row >= 0 and body[row]:
        before, row = before + 1, row - 1
    row = at
    while row < grid.height and body[row]:
        after, row = after + 1, row + 1
    return before < MIN_ROWS or after < MIN_ROWS


def badly_split(grids: Sequence[Grid], pdf: bytes) -> list[int] | None:
    """The tables (by number) LibreOffice split badly in ``pdf``; None when its pages' tables
    cannot be matched to the document's row by row (nothing is then changed)."""
    tables = split_rows(pieces(pdf))
    if len(tables) != len(grids):
        return None
    bad = []
    for grid, rows in zip(grids, tables, strict=True):
        header = repeated_header(grid)
        if sum(rows) - header * (len(rows) - 1) != grid.height:
            return None
        at = rows[0]
        for piece in rows[1:]:
            if bad_split(grid, at):
                bad.append(grid.number)
                break
            at += piece - header
    return bad
