"""The report as PDF, rendered by LibreOffice from the .docx and read back page by page with
pdfplumber: the title on page 1 broken after the 机关名称, no table header standing alone at a
page's foot or repeated over a table's last lines, the sign-off on one page.

LibreOffice ignores keep-with-next inside tables, so where a table falls depends on the text
above it: the layout test pushes table 三 down the page a line at a time and checks every page,
reading the text as a person would (not through ``pdf_layout``). Of 46 positions (0–22 lines
above table 三, both formats), LibreOffice alone split two badly: 2021's table 三 with 6 or 17
lines above it left its header repeated over its last row; those and their neighbours are
rendered here."""

import re
from dataclasses import replace
from io import BytesIO

import pdfplumber
import pytest

from reporting.content import SectionContent
from reporting.grid import report_grids
from reporting.pdf_export import available, write_pdf
from reporting.pdf_layout import MIN_ROWS, bad_split, body_rows
from tests.reporting.test_exports import content_2019, content_2021

needs_libreoffice = pytest.mark.skipif(
    not available(), reason="LibreOffice (soffice) is not installed: no PDF to render"
)

DEPARTMENT = "平潭综合实验区管理委员会"
HEADER = "申请人情况"  # the first line of table 三's header, repeated on a page it runs onto
BLOCK_TITLE = re.compile(r"^第二十条第（[一二三四五六七八九十]+）项")  # a block of table 二
FOOTER = re.compile(r"^— \d+ —$")
# A line of filler: one printed line of 三号 text, to move the tables down the page.
FILLER = "本行文字只为把后面的表格向下推一行，看它在页面上各个位置是否仍然排得妥当。"


def pdf_pages(data: bytes) -> list[list[str]]:
    """A PDF's pages as their lines of text, the page numbers left out."""
    with pdfplumber.open(BytesIO(data)) as pdf:
        return [
            [line for line in (page.extract_text() or "").splitlines() if not FOOTER.match(line)]
            for page in pdf.pages
        ]


def _pages(content) -> list[list[str]]:
    return pdf_pages(write_pdf(content))


def _figures(line: str) -> int:
    """How many figures end the line: table 三's rows end in its seven counts (a wrapped label
    puts them on a line of their own), table 四's line holds fifteen, 二's rows one to four."""
    count = 0
    for token in reversed(line.split()):
        if not re.fullmatch(r"-?\d+(?:\.\d+)?(?:万?元)?", token):  # 本年增/减 -3, 439.1575万元
            break
        count += 1
    return count


def layout_faults(pages: list[list[str]]) -> list[str]:
    """What a reader would call badly broken, page by page: table 三's header (at its start or
    repeated) over fewer than ``MIN_ROWS`` of its rows, a block of table 二 whose title ends
    its page without a figure under it."""
    faults = []
    for number, lines in enumerate(pages, start=1):
        if HEADER in lines:
            below = lines[lines.index(HEADER) :]
            rows = sum(_figures(line) == 7 for line in below)
            if rows < MIN_ROWS:
                faults.append(f"page {number}: table 三's header over {rows} rows")
        for i, line in enumerate(lines):
            if BLOCK_TITLE.match(line) and not any(_figures(x) for x in lines[i + 1 :]):
                faults.append(f"page {number}: block {line} at the page's foot")
    return faults


def _content(make, filler: int = 0, part: int = 3):
    """The report, with ``filler`` lines added to part ``part`` (3 moves table 三 alone)."""
    content = make()
    moved = content.section(part)
    text = "\n".join([moved.text, *[FILLER] * filler])
    return replace(
        content,
        department=DEPARTMENT,
        title=f"{DEPARTMENT}2022年政府信息公开工作年度报告",
        sign_off=(DEPARTMENT, "2023年1月20日"),
        sections=[
            SectionContent(part, moved.title, text) if n == part else content.section(n)
            for n in range(1, 7)
        ],
    )


@needs_libreoffice
@pytest.mark.parametrize("make", [content_2019, content_2021], ids=["2019", "2021"])
def test_the_pdf_reads_as_offices_print_it_page_by_page(make):
    pages = _pages(_content(make))

    # A report of this size: two or three pages, not one per table nor a blank page.
    assert 2 <= len(pages) <= 4
    assert all(pages)
    # The title opens page 1, broken after the 机关名称 and nowhere else.
    first, second = (line.replace(" ", "") for line in pages[0][:2])
    assert (first, second) == (DEPARTMENT, "2022年政府信息公开工作年度报告")
    assert layout_faults(pages) == []
    # The sign-off's name and date on one page, the last.
    last = [line.replace(" ", "") for line in pages[-1]]
    assert last[-2:] == [DEPARTMENT, "2023年1月20日"]


@needs_libreoffice
@pytest.mark.parametrize(
    ("make", "filler"),
    [
        (content_2021, 5),
        (content_2021, 6),
        (content_2021, 7),
        (content_2021, 17),
        (content_2019, 6),
    ],
    ids=["2021-5", "2021-6", "2021-7", "2021-17", "2019-6"],
)
def test_no_table_is_split_badly_wherever_the_text_above_leaves_it(make, filler):
    pages = _pages(_content(make, filler))
    assert layout_faults(pages) == []
    assert 2 <= len(pages) <= 5


def test_a_page_break_is_fine_between_blocks_and_deep_in_a_block_only():
    grids = report_grids(content_2021())
    three, two = grids[3], grids[2]
    body = body_rows(three)
    first, last = body.index(True), len(body)
    # table 三: not under its header, not over its last rows, anywhere in between
    assert bad_split(three, first - 1)  # inside the header
    assert bad_split(three, first + 1)  # one row under the header
    assert bad_split(three, last - 1)  # the last row alone on the next page
    assert not bad_split(three, first + MIN_ROWS)
    assert not bad_split(three, last - MIN_ROWS)
    # table 二: between two blocks (before a block's title) is fine; inside a block is not
    blocks = [row for row in range(1, two.height) if not body_rows(two)[row]]
    title = next(row for row in blocks if body_rows(two)[row - 1])
    assert not bad_split(two, title)
    assert bad_split(two, title + 1)  # the title alone at the page's foot
