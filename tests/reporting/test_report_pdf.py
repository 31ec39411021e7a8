"""The report as PDF, rendered by LibreOffice from the .docx and read back page by page with
pdfplumber: the title on page 1 broken after the 机关名称, no table header standing alone at a
page's foot or repeated over a table's last lines, the sign-off on one page."""

import re
from dataclasses import replace
from io import BytesIO

import pdfplumber
import pytest

from reporting.pdf_export import available, write_pdf
from tests.reporting.test_exports import content_2019, content_2021

pytestmark = pytest.mark.skipif(
    not available(), reason="LibreOffice (soffice) is not installed: no PDF to render"
)

DEPARTMENT = "平潭综合实验区管理委员会"
HEADER = "申请人情况"  # the first line of table 三's header, repeated on a page it runs onto
# A line of table 三: its label, then seven counts (the applicant columns and 总计).
T3_ROW = re.compile(r"(\s\d+){7}$")
FOOTER = re.compile(r"^— \d+ —$")


def _pages(content) -> list[list[str]]:
    with pdfplumber.open(BytesIO(write_pdf(content))) as pdf:
        return [
            [line for line in (page.extract_text() or "").splitlines() if not FOOTER.match(line)]
            for page in pdf.pages
        ]


def _content(make):
    return replace(
        make(),
        department=DEPARTMENT,
        title=f"{DEPARTMENT}2022年政府信息公开工作年度报告",
        sign_off=(DEPARTMENT, "2023年1月20日"),
    )


@pytest.mark.parametrize("make", [content_2019, content_2021], ids=["2019", "2021"])
def test_the_pdf_reads_as_offices_print_it_page_by_page(make):
    pages = _pages(_content(make))

    # A report of this size: two or three pages, not one per table nor a blank page.
    assert 2 <= len(pages) <= 4
    assert all(pages)
    # The title opens page 1, broken after the 机关名称 and nowhere else.
    first, second = (line.replace(" ", "") for line in pages[0][:2])
    assert (first, second) == (DEPARTMENT, "2022年政府信息公开工作年度报告")
    for number, lines in enumerate(pages, start=1):
        rows = [line for line in lines if T3_ROW.search(line)]
        if HEADER in lines:
            after_header = lines[lines.index(HEADER) :]
            # Table 三's header never stands alone at a page's foot, nor over a last line or two.
            assert sum(bool(T3_ROW.search(line)) for line in after_header) >= 3, (number, lines)
        if number > 1 and lines[0] == HEADER:
            assert len(rows) >= 3, (number, lines)
    # The sign-off's name and date on one page, the last.
    last = [line.replace(" ", "") for line in pages[-1]]
    assert last[-2:] == [DEPARTMENT, "2023年1月20日"]
