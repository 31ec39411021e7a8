"""Plain text: a .txt file or pasted text, with the tables that copying leaves in it.

Copying a table out of a web page or Word gives one of three shapes, all read here as tables:
- ` | ` rows, one row a line (a Markdown-like rendering; `---|---` lines are its rule);
- tab-separated rows, one row a line;
- one cell a line between lines that hold only `|` (a lone `|` ends a cell, two in a row or
  `||`… end a row). Such a rendering loses the cells of merged ranges and, at times, a row's
  end, so it becomes a ``flat`` table whose rows the interpreter aligns by what they hold.
A table flattened to one cell a line with no separator at all cannot be told from paragraphs
here; the interpreter finds it by its header.
"""

from __future__ import annotations

import codecs
import re

from plans.document import Document, Paragraph, Table
from plans.parsing import PlanFormatError

# Full-width ASCII (！ to ～) is what most Chinese input methods type; the vertical bar and the
# tab are structure here, so they are made plain before anything else looks at a line.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_RULE = re.compile(r"^[\s|:\-–—]+$")  # `---|:---|` under a header
_PIPES_ONLY = re.compile(r"^\|+$")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with BOM, or plainly so), GBK/GB18030."""
    if not data.strip():
        raise PlanFormatError("empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_or_refuse(data, "utf-16")
    head = data[:4096]
    if b"\x00" in head:
        # UTF-16 without a BOM: every other byte of ASCII and of most CJK is not NUL, but of
        # ASCII text one byte of two is; binary data has NULs at random.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return _decode_or_refuse(data, "utf-16-le")
        if even > len(head) // 4 and odd == 0:
            return _decode_or_refuse(data, "utf-16-be")
        raise PlanFormatError("not_text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise PlanFormatError("not_text")


def _decode_or_refuse(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise PlanFormatError("not_text") from error
    if _looks_binary(text):
        raise PlanFormatError("not_text")
    return text.lstrip("\ufeff")


def _looks_binary(text: str) -> bool:
    """GB18030 decodes almost any bytes: control characters betray a binary file."""
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls > max(2, len(sample) // 100)


def read_text_file(data: bytes) -> Document:
    return read_text(decode(data))


def read_text(content: str) -> Document:
    if not content.strip():
        raise PlanFormatError("empty")
    lines = content.translate(_FULL_WIDTH).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list = []
    i = 0
    while i < len(lines):
        if "|" in lines[i]:
            end = _pipe_region_end(lines, i)
            blocks.append(_pipe_table(lines[i:end]))
            i = end
        elif "\t" in lines[i].strip() and _tab_row(lines, i):
            end = i
            while end < len(lines) and "\t" in lines[end].strip():
                end += 1
            blocks.append(Table.of([_cells(ln.split("\t")) for ln in lines[i:end]]))
            i = end
        else:
            blocks.append(Paragraph(lines[i]))
            i += 1
    return Document(blocks, kind="txt")


def _tab_row(lines: list[str], i: int) -> bool:
    """A tab-separated table has at least two rows with a tab (one tab alone is layout)."""
    return i + 1 < len(lines) and "\t" in lines[i + 1].strip()


def _pipe_region_end(lines: list[str], start: int) -> int:
    """The region goes on while a line holds a pipe, or the next non-blank one does (a cell's
    text on a line of its own, closed by a `|` line below it)."""
    i = start
    while i < len(lines):
        if "|" in lines[i] or not lines[i].strip():
            i += 1
            continue
        following = next((ln for ln in lines[i + 1 :] if ln.strip()), "")
        if "|" not in following:
            break
        i += 1
    while i > start and not lines[i - 1].strip():
        i -= 1
    return i


def _cells(parts: list[str]) -> list[str]:
    cells = [p.strip() for p in parts]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _pipe_table(region: list[str]) -> Table:
    lines = [ln.strip() for ln in region if ln.strip() and not (_RULE.match(ln) and "-" in ln)]
    row_lines = [ln for ln in lines if len([c for c in ln.split("|") if c.strip()]) >= 2]
    if len(row_lines) * 2 >= len([ln for ln in lines if not _PIPES_ONLY.match(ln)]):
        rows = []
        for line in lines:
            parts = line.split("|")
            if line.startswith("|"):
                parts = parts[1:]  # 「| a | b |」: the leading pipe opens the row
            rows.append(_cells(parts))
        return Table.of([r for r in rows if r])
    return _cell_per_line(lines)


def _cell_per_line(lines: list[str]) -> Table:
    """One cell a line: rows of one cell each, an empty row where the text ends a row."""
    rows: list[list[str]] = []
    cell: list[str] = []
    after_pipe = True  # the region opens as if a cell had just ended

    def close_cell() -> None:
        if cell:
            rows.append(["\n".join(cell)])
            cell.clear()

    def end_row() -> None:
        close_cell()
        if rows and rows[-1]:
            rows.append([])

    for line in lines:
        if _PIPES_ONLY.match(line):
            if len(line) >= 2 or (after_pipe and not cell):
                end_row()
            else:
                close_cell()
            after_pipe = True
            continue
        text = line.rstrip("|").strip()
        if text:
            cell.append(text)
        if line.endswith("|"):
            close_cell()
            after_pipe = True
        else:
            after_pipe = False
    close_cell()
    while rows and not rows[-1]:
        rows.pop()
    return Table.of(rows, flat=True)
