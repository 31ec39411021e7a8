"""PDF files: the text and ruled tables a PDF shows, read back into paragraphs and tables.

A PDF knows only lines placed on pages. What the page layout added is taken away again: page
numbers, running headers and footers, the line breaks of a full line, and a table's header row
repeated on every page it runs over.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from plans.document import Cell, Document, Paragraph, Table
from plans.parsing import PlanFormatError, heading_of, normalise

MAX_PAGES = 300  # a work plan runs to a few dozen pages; more is a compilation, not the plan

# 「— 2 —」「- 3 -」「— — — 2 —」「第 2 页」「第2页 共10页」「2/10」「Page 2 of 10」, a bare number.
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·•]*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页"
    r"|\d+\s*/\s*\d+|(?i:page\s*\d+(?:\s*of\s*\d+)?)|\d+)[\s\-—–－_·•]*$"
)
# A line ending so ends its sentence: the next line starts anew even when this one is full.
_ENDS = tuple("。\uff1b\uff1a\uff01\uff1f\uff09」』.;:!?)")  # full-width ；：！？） too
# Running headers and footers sit in the page's top and bottom margins.
_MARGIN = 0.12


@dataclass
class _Line:
    text: str
    top: float
    x1: float
    size: float  # the line's height, about one character's width in Chinese
    page_width: float
    page_height: float

    def in_margin(self) -> bool:
        return not _MARGIN * self.page_height <= self.top <= (1 - _MARGIN) * self.page_height


def read_pdf(data: bytes) -> Document:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    if not data.strip():
        raise PlanFormatError("empty")
    if b"%PDF-" not in data[:1024]:
        raise PlanFormatError("not_office", kind="pdf")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise PlanFormatError("too_many_pages", pages=len(pdf.pages), limit=MAX_PAGES)
            pages = [_page_blocks(page) for page in pdf.pages]
    except PlanFormatError:
        raise
    except PdfminerException as error:
        encrypted = "Password" in type(error.args[0]).__name__ if error.args else False
        code = "encrypted_or_old" if encrypted else "corrupt"
        raise PlanFormatError(code, kind="pdf") from error
    except Exception as error:  # pdfminer raises many kinds on a damaged file
        raise PlanFormatError("corrupt", kind="pdf") from error
    if not any(pages_blocks for pages_blocks in pages):
        raise PlanFormatError("scanned_pdf")
    blocks = _join(_drop_running_lines(pages))
    document = Document(blocks, kind="pdf")
    if document.is_empty():
        raise PlanFormatError("scanned_pdf")
    return document


def _page_blocks(page: Any) -> list[_Line | Table]:
    """The page's text lines outside its tables, and its tables, top to bottom."""
    if not page.chars:
        return []
    found = page.find_tables()
    boxes = [table.bbox for table in found]

    def outside_tables(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    placed: list[tuple[float, _Line | Table]] = [
        (box[1], Table(_table_grid(table))) for box, table in zip(boxes, found, strict=True)
    ]
    for line in page.filter(outside_tables).extract_text_lines():
        text = line["text"].strip()
        size = line["bottom"] - line["top"]
        found = _Line(text, line["top"], line["x1"], size, page.width, page.height)
        # a bare number in the body is a table's number cell flattened, not a page number
        if text and not (_PAGE_NUMBER.match(text) and (found.in_margin() or not text.isdigit())):
            placed.append((line["top"], found))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def _table_grid(table: Any) -> list[list[Cell]]:
    """pdfplumber leaves the grid positions a merged cell covers empty (None): fill each with
    the text of the cell drawn over it."""
    texts = table.extract()
    rows, columns = table.rows, table.columns
    drawn = [
        (box, texts[r][c])
        for r, row in enumerate(rows)
        for c, box in enumerate(row.cells)
        if box is not None
    ]
    grid = []
    for r, row in enumerate(texts):
        cells = []
        for c, text in enumerate(row):
            if text is not None:
                cells.append(Cell(_unwrap_cell(text)))
                continue
            x = (columns[c].bbox[0] + columns[c].bbox[2]) / 2 if c < len(columns) else -1
            y = (rows[r].bbox[1] + rows[r].bbox[3]) / 2
            over = next((t for (x0, t0, x1, b0), t in drawn if x0 <= x <= x1 and t0 <= y <= b0), "")
            cells.append(Cell(_unwrap_cell(over or ""), merged=True))
        grid.append(cells)
    return grid


def _unwrap_cell(text: str) -> str:
    """A cell's lines are its width's wraps, except where a sentence or a numbered item ends."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    out: list[str] = []
    for line in lines:
        if out and not out[-1].endswith(_ENDS) and not heading_of(normalise(line)):
            out[-1] = _glue(out[-1], line)
        else:
            out.append(line)
    return "\n".join(out)


def _drop_running_lines(pages: list[list[_Line | Table]]) -> list[list[_Line | Table]]:
    """Without the lines in a page's margins that repeat on most pages, in the same place
    (page numbers in them counted as one): the running header and footer."""

    def key(line: _Line) -> tuple[str, int]:
        # The same words at the same height on the page: a body line may repeat, not so.
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text)), round(line.top / 4)

    edges = []  # per page, its first and last two lines when they sit in the margins
    for blocks in pages:
        lines = [b for b in blocks if isinstance(b, _Line)]
        edges.append([line for line in lines[:2] + lines[-2:] if line.in_margin()])
    counts = Counter(k for page in edges for k in {key(line) for line in page})
    most = max(2, math.ceil(len(pages) / 2))
    running = {k for k, n in counts.items() if n >= most}
    return [
        [b for b in blocks if not (isinstance(b, _Line) and b in page_edges and key(b) in running)]
        for blocks, page_edges in zip(pages, edges, strict=True)
    ]


def _join(pages: list[list[_Line | Table]]) -> list[Paragraph | Table]:
    """One paragraph per paragraph, one table per table, across page breaks."""
    # The text's right edge, per page width: a line reaching it was wrapped by the layout.
    right: dict[float, float] = {}
    for line in (b for blocks in pages for b in blocks if isinstance(b, _Line)):
        right[line.page_width] = max(right.get(line.page_width, 0), line.x1)
    blocks: list[Paragraph | Table] = []
    open_line = False  # whether the last line is full and its sentence runs on
    for page in pages:
        for i, block in enumerate(page):
            if isinstance(block, Table):
                previous = blocks[-1] if blocks else None
                # A table first on its page, right after a table last on the page before, with
                # as many columns: one table the page break cut.
                if i == 0 and isinstance(previous, Table) and _same_columns(previous, block):
                    previous.rows += _continued_rows(previous, block)
                else:
                    blocks.append(block)
                open_line = False
                continue
            last = blocks[-1] if blocks else None
            if open_line and isinstance(last, Paragraph) and not heading_of(normalise(block.text)):
                blocks[-1] = Paragraph(_glue(last.text, block.text))
            else:
                blocks.append(Paragraph(block.text))
            # Left-aligned Chinese leaves up to two characters free: a line may not begin with
            # 「、」 or 「,」, so the character before one moves down with it.
            full = block.x1 >= right[block.page_width] - 2.5 * block.size
            open_line = full and not block.text.endswith(_ENDS)
    return blocks


def _glue(left: str, right: str) -> str:
    # Chinese wraps between characters; Latin text wraps at a space, which the line lost.
    if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right


def _same_columns(previous: Table, table: Table) -> bool:
    return bool(previous.rows and table.rows) and len(previous.rows[0]) == len(table.rows[0])


def _continued_rows(previous: Table, table: Table) -> list[list[Cell]]:
    rows = table.rows
    if rows and previous.texts()[0] == [c.text for c in rows[0]]:
        rows = rows[1:]  # the header row, repeated on the new page
    if rows and previous.rows:
        first, last = rows[0], previous.rows[-1]
        empty = sum(1 for c in first if not c.text)
        # A row the page break cut in two: its cells that ended on the first page are empty on
        # the second, its numbering cell among them, and those that go on broke mid-sentence
        # (a next row's category cells, merged from the page before, are empty too).
        broken = all(not a.text.endswith(_ENDS) for a, b in zip(last, first, strict=True) if b.text)
        if not first[0].text and last[0].text and empty * 2 >= len(first) and broken:
            previous.rows[-1] = [
                Cell(_glue(a.text, b.text) if b.text else a.text, a.merged)
                for a, b in zip(last, first, strict=True)
            ]
            rows = rows[1:]
    return rows
