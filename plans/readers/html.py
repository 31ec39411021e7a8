"""Web pages: a plan saved from a government portal, or copied from one and pasted as HTML.

The page's own chrome (menus, breadcrumbs, share buttons, footers) is left out; the portal's
record of the document (索引号, 发布机构, 文号 …) is kept as 「label: value」 paragraphs, since
those are the plan's facts; tables keep their merged cells; a layout table (one whose cells hold
tables) is read for the tables inside it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import Any

from plans.document import Cell, Document, Paragraph, Table
from plans.parsing import PlanFormatError

# A table larger than this is no work plan; it also bounds what colspan/rowspan may claim.
MAX_ROWS = 5000
MAX_COLUMNS = 100

_DROPPED_TAGS = {
    "script", "style", "noscript", "template", "nav", "aside", "button", "select",
    "iframe", "object", "svg", "head", "title", "meta", "link",
}  # fmt: skip
# Site chrome by its class or id: 「nav」「menu」「footer」「breadcrumb」「share」「sidebar」.
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:nav\w*|\w*menu\w*|footer|foot|breadcrumbs?|crumbs?|bdshare\w*|share\w*"
    r"|sidebar|side-bar|toolbar|topbar|copyright)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td",
    "th", "table", "section", "article", "main", "header", "footer", "blockquote", "pre", "center",
    "address", "figure", "figcaption", "hr", "body", "caption", "tbody", "thead", "tfoot",
}  # fmt: skip
# The labels of a portal's 信息公开 record, above the document's text; a table is the record when
# it names two of the first kind (a plan's own table may well have a 名称 or 分类 column).
_RECORD_KEYS = {
    "索引号", "发布机构", "发文机关", "发文字号", "文号", "成文日期", "发文日期", "发布日期",
}  # fmt: skip
_RECORD_LABELS = _RECORD_KEYS | {
    "发布单位", "信息来源", "生成日期", "主题分类", "信息分类", "分类", "主题词", "标题", "名称",
    "有效性", "公开方式", "公开范围", "组配分类", "体裁分类", "内容概述",
}  # fmt: skip
_SPACE = re.compile(r"[\s\xa0\u3000]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_TAG = re.compile(r"<\s*(?:table|tr|td|th|p|div|li|br|h[1-6]|span|ul|ol)\b[^<>]*>", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """A saved page, or a fragment a browser put on the clipboard as HTML."""
    head = text.lstrip("\ufeff \t\r\n")[:1024].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or "<!--startfragment" in head:
        return True
    # Plain text may mention a tag or two; a page's markup is mostly tags.
    return len(_TAG.findall(text[:200_000])) >= 3


def read_html(data: bytes) -> Document:
    import lxml.html
    from lxml.etree import ParserError

    text = _decode(data)
    if not text.strip():
        raise PlanFormatError("empty")
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses a declared encoding in a str
    if re.match(r"\s*Version:\d", text):  # the clipboard's CF_HTML header, before the markup
        text = text[text.find("<") :]
    try:
        root = lxml.html.document_fromstring(text)
    except (ParserError, ValueError) as error:
        raise PlanFormatError("empty") from error
    blocks: list[Paragraph | Table] = []
    _Walker(blocks).block(root)
    document = Document([b for b in blocks if not isinstance(b, Paragraph) or b.text], "html")
    if document.is_empty():
        raise PlanFormatError("empty")
    return document


def _decode(data: bytes) -> str:
    """UTF-8 first (what a paste arrives as, whatever its <meta> says), then the page's declared
    charset, then GB18030, which reads GB2312 and GBK too."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:4096])
    encoding = declared.group(1).decode("ascii", "replace").lower() if declared else "gb18030"
    if encoding in ("gb2312", "gbk", "x-gbk", "gb_2312-80"):
        encoding = "gb18030"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("gb18030", errors="replace")


def _is_chrome(element: Any) -> bool:
    tag = element.tag
    if not isinstance(tag, str):
        return True  # comments and processing instructions
    if tag in _DROPPED_TAGS:
        return True
    # <header>/<footer> are the site's, unless an article's own (its title sits in one).
    if tag in ("header", "footer") and not any(
        a.tag in ("article", "main") for a in element.iterancestors()
    ):
        return True
    if tag in ("html", "body"):
        return False
    names = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(_CHROME.search(names))


class _Walker:
    """Walks the tree in reading order, writing paragraphs and tables as it meets them."""

    def __init__(self, blocks: list[Paragraph | Table]):
        self.blocks = blocks
        self.line: list[str] = []

    def flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.line)).strip()
        if text:
            self.blocks.append(Paragraph(text))
        self.line = []

    def block(self, element: Any) -> None:
        if element.tag == "table" and element.find(".//table") is None:
            self.flush()
            self.table(element)
            return
        block = element.tag in _BLOCK_TAGS
        if block:
            self.flush()
        self.line.append(element.text or "")
        for child in element:
            if _is_chrome(child):
                pass
            elif child.tag == "br":
                self.flush()
            else:
                self.block(child)
            self.line.append(child.tail or "")
        if block:
            self.flush()

    def table(self, element: Any) -> None:
        rows = _grid(element)
        record = _record(rows)
        if record:
            self.blocks += [Paragraph(f"{label}: {value}") for label, value in record]
        elif any(cell.text for row in rows for cell in row):
            self.blocks.append(Table(rows))


def _cell_text(cell: Any) -> str:
    """A cell's paragraphs and <br> lines, one a line."""
    blocks: list[Paragraph | Table] = []
    walker = _Walker(blocks)
    walker.block(cell)
    walker.flush()
    return "\n".join(b.text for b in blocks if isinstance(b, Paragraph))


def _rows(table: Any) -> Iterator[Any]:
    """The table's own rows (not a nested table's), through thead/tbody/tfoot."""
    for child in table:
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if row.tag == "tr")


def _span(cell: Any, name: str, most: int) -> int:
    try:
        return max(1, min(int(cell.get(name, "1").strip() or 1), most))
    except ValueError:
        return 1


def _grid(table: Any) -> list[list[Cell]]:
    """The table's rows on its grid: colspan and rowspan repeat as merged cells, spans cut at
    the grid's bounds (a hostile page may declare a colspan of millions)."""
    trs = list(_rows(table))
    if len(trs) > MAX_ROWS:
        raise PlanFormatError("table_too_large", kind="html", rows=MAX_ROWS)
    grid: list[dict[int, Cell]] = [{} for _ in trs]
    for r, tr in enumerate(trs):
        c = 0
        for td in (child for child in tr if child.tag in ("td", "th")):
            while c in grid[r]:
                c += 1  # taken by a cell spanning down from a row above
            if c >= MAX_COLUMNS:
                break
            text = _cell_text(td)
            colspan = _span(td, "colspan", MAX_COLUMNS - c)
            rowspan = _span(td, "rowspan", len(trs) - r)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[r + dr].setdefault(c + dc, Cell(text, merged=bool(dr or dc)))
            c += colspan
    # As wide as its last column where a cell starts: spans beyond add no column of their own.
    width = max((c + 1 for row in grid for c, cell in row.items() if not cell.merged), default=0)
    return [[row.get(c, Cell("")) for c in range(width)] for row in grid]


def _label(text: str) -> str:
    return re.sub(r"[\s\xa0\u3000]+", "", text).rstrip(":：")


def _record(rows: list[list[Cell]]) -> list[tuple[str, str]]:
    """The portal's 「索引号 | 1135…」 record as label-value pairs, or nothing if ``rows`` is not
    one (two of its labels at least)."""
    pairs = []
    for row in rows:
        cells = [cell.text for cell in row if not cell.merged]
        for i, text in enumerate(cells):
            label = _label(text)
            if label in _RECORD_LABELS and i + 1 < len(cells):
                pairs.append((label, _SPACE.sub(" ", cells[i + 1]).strip()))
            elif ":" in text or "：" in text:
                head, _, value = re.split(r"([:：])", text, maxsplit=1)
                if _label(head) in _RECORD_LABELS:
                    pairs.append((_label(head), value.strip()))
    filled = sum(1 for row in rows for cell in row if cell.text and not cell.merged)
    keys = sum(1 for label, _ in pairs if label in _RECORD_KEYS)
    return pairs if keys >= 2 and 2 * len(pairs) >= filled / 2 else []
