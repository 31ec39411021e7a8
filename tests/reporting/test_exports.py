"""The report's exports (.docx, HTML, .xlsx) read back and compared with the official layout.

The content is built by hand: the 2019 report uses the figures of the seed report
``shared/reference/seeds/000_26e855e64031a3b2.txt`` (福建省教育厅2019年, tables 二, 三 and 四; its
blank cells are given as missing and must come out as 0); the 2021 one a district bureau's.
"""

from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import html as lxml_html
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reporting.content import ReportContent, SectionContent
from reporting.docx_export import write_docx
from reporting.exports import WRITERS, filename
from reporting.formats import FORMAT_2019, FORMAT_2021, FORMATS, SECTION_TITLES, TABLE_THREE_CORNER
from reporting.grid import HEADER, LABEL, VALUE, table_grid, value_text
from reporting.html_export import write_html
from reporting.xlsx_export import FIRST_ROW, write_xlsx

RESULTS = "三、本年度办理结果"

# Seed 000, table 三 (2019 format): only natural persons applied.
SEED_TABLE_THREE = {
    ("new", "natural_person"): 34,
    ("new", "total"): 34,
    ("disclosed", "natural_person"): 28,
    ("disclosed", "total"): 28,
    ("partly_disclosed", "natural_person"): 2,
    ("partly_disclosed", "total"): 2,
    ("withheld_process", "natural_person"): 2,
    ("withheld_process", "total"): 2,
    ("unavailable_not_held", "natural_person"): 2,
    ("unavailable_not_held", "total"): 2,
    ("total", "natural_person"): 34,
    ("total", "total"): 34,
}
# Seed 000, table 四: blank cells left out.
SEED_TABLE_FOUR = {
    ("cases", "review.other"): 1,
    ("cases", "review.total"): 1,
    ("cases", "litigation_direct.upheld"): 1,
    ("cases", "litigation_direct.other"): 1,
    ("cases", "litigation_direct.pending"): 1,
    ("cases", "litigation_direct.total"): 3,
    ("cases", "litigation_after_review.total"): 0,
}
# Seed 000, table 二 (2019): 本年增/减 may be negative; the purchase total, given as 4391575元,
# is entered in the catalogue's 万元.
SEED_TABLE_TWO = {
    ("normative", "issued"): 10,
    ("normative", "published"): 10,
    ("normative", "in_force"): 10,
    ("licensing", "previous_items"): 4,
    ("licensing", "decisions"): 2,
    ("other_services", "previous_items"): 36,
    ("other_services", "change"): 2,
    ("other_services", "decisions"): 8587,
    ("punishment", "previous_items"): 16,
    ("punishment", "change"): -3,
    ("fees", "previous_items"): 2,
    ("procurement", "projects"): 11,
    ("procurement", "amount"): Decimal("439.1575"),
}


def content_2019() -> ReportContent:
    return ReportContent(
        department="福建省教育厅",
        year=2019,
        format=FORMATS[FORMAT_2019],
        title=ReportContent.title_for("福建省教育厅", 2019),
        sections=[
            SectionContent(
                1,
                SECTION_TITLES[0],
                "（一）强化责任，完善工作机制\n全年共办理依申请公开来信34件，全部按规定及时回复。",
            ),
            SectionContent(6, SECTION_TITLES[5], "无。"),
        ],
        values={2: SEED_TABLE_TWO, 3: SEED_TABLE_THREE, 4: SEED_TABLE_FOUR},
    )


def content_2021() -> ReportContent:
    department = "某区教育局"
    return ReportContent(
        department=department,
        year=2024,
        format=FORMATS[FORMAT_2021],
        title=ReportContent.title_for(department, 2024),
        sections=[
            SectionContent(number, title, "")
            for number, title in enumerate(SECTION_TITLES, start=1)
        ],
        values={
            2: {
                ("normative", "issued"): Decimal("3.000000"),  # as a hand-entered cell stores it
                ("licensing", "decisions"): 57,
                ("fees", "amount"): Decimal("282.10"),
            },
            3: {
                ("new", "natural_person"): 5,
                ("new", "business"): 1,
                ("new", "total"): 6,
                ("other_fee_unpaid", "natural_person"): 1,
            },
            4: {},
        },
        manual={(2, "fees", "amount")},
        preamble="本报告根据《中华人民共和国政府信息公开条例》编制。",
        sign_off=(department, "2025年1月20日"),
    )


# --- The grid --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [FORMAT_2019, FORMAT_2021])
@pytest.mark.parametrize("number", [2, 3, 4])
def test_grid_covers_every_position_exactly_once(code, number):
    grid = table_grid(FORMATS[code].table(number))

    covered = [[0] * grid.width for _ in range(grid.height)]
    for cell in grid.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                covered[r][c] += 1

    assert covered == [[1] * grid.width for _ in range(grid.height)]


@pytest.mark.parametrize(("code", "results_rows", "height"), [("2019", 20, 26), ("2021", 22, 28)])
def test_table_three_grid_has_the_official_merged_cells(code, results_rows, height):
    grid = table_grid(FORMATS[code].table(3))

    assert (grid.height, grid.width, grid.label_columns) == (height, 10, 3)
    corner = grid.at(0, 0)
    assert (corner.text, corner.rowspan, corner.colspan) == (TABLE_THREE_CORNER, 3, 3)
    assert (grid.at(0, 3).text, grid.at(0, 3).colspan) == ("申请人情况", 7)
    assert (grid.at(1, 3).text, grid.at(1, 3).rowspan) == ("自然人", 2)
    assert (grid.at(1, 4).text, grid.at(1, 4).colspan) == ("法人或其他组织", 5)
    results = grid.at(5, 0)
    assert (results.text, results.kind, results.rowspan) == (RESULTS, LABEL, results_rows)
    withheld = grid.at(7, 1)
    assert (withheld.text, withheld.rowspan) == ("（三）不予公开", 8)
    assert grid.at(5, 1).colspan == 2  # （一）予以公开
    assert grid.at(height - 1, 0).text == "四、结转下年度继续办理"
    assert grid.at(height - 1, 0).colspan == 3


def test_table_two_2021_stretches_a_single_column_across_the_table():
    grid = table_grid(FORMATS[FORMAT_2021].table(2))

    assert (grid.height, grid.width) == (14, 4)
    assert (grid.at(4, 0).text, grid.at(4, 0).colspan) == ("第二十条第（五）项", 4)
    header = grid.at(5, 1)
    assert (header.text, header.kind, header.colspan) == ("本年处理决定数量", HEADER, 3)
    value = grid.at(6, 3)
    assert (value.kind, value.key, value.col, value.colspan) == (
        VALUE,
        ("licensing", "decisions"),
        1,
        3,
    )


def test_filled_grid_marks_the_cells_entered_by_hand():
    grid = table_grid(FORMATS[FORMAT_2021].table(2)).filled(
        {("fees", "amount"): Decimal("282.10")}, {("fees", "amount")}
    )

    fees = grid.at(13, 1)
    assert (fees.text, fees.value, fees.money, fees.manual) == (
        "282.10",
        Decimal("282.10"),
        True,
        True,
    )
    assert [c.key for c in grid.cells if c.manual] == [("fees", "amount")]


def test_blank_is_zero_and_money_keeps_its_decimals():
    assert value_text(None) == "0"
    assert value_text(Decimal("34.000000")) == "34"
    assert value_text(-3) == "-3"
    assert value_text(None, money=True) == "0"
    assert value_text(Decimal("24252.311082"), money=True) == "24252.311082"
    assert value_text(Decimal("282.10"), money=True) == "282.10"
    assert value_text(Decimal("1E+2"), money=True) == "100"


# --- .docx -----------------------------------------------------------------------------------


def open_docx(data: bytes):
    return Document(BytesIO(data))


def tc_spans(tr) -> list[tuple[int, str | None]]:
    """Each w:tc of a row as (gridSpan, vMerge: "restart", "continue" or None)."""
    spans = []
    for tc in tr.tc_lst:
        tcpr = tc.tcPr
        grid_span = tcpr.find(qn("w:gridSpan")) if tcpr is not None else None
        v_merge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
        spans.append(
            (
                int(grid_span.get(qn("w:val"))) if grid_span is not None else 1,
                None if v_merge is None else (v_merge.get(qn("w:val")) or "continue"),
            )
        )
    return spans


def expected_spans(grid, row: int) -> list[tuple[int, str | None]]:
    spans = []
    for cell in sorted(grid.cells, key=lambda c: c.col):
        if cell.row <= row < cell.row + cell.rowspan:
            merge = None if cell.rowspan == 1 else "restart" if row == cell.row else "continue"
            spans.append((cell.colspan, merge))
    return spans


@pytest.mark.parametrize("make_content", [content_2019, content_2021])
def test_docx_tables_match_the_official_layout_cell_by_cell(make_content):
    # given
    content = make_content()

    # when
    document = open_docx(write_docx(content))

    # then
    assert len(document.tables) == 3
    for table, number in zip(document.tables, (2, 3, 4), strict=True):
        grid = table_grid(content.format.table(number)).filled(content.table_values(number))
        assert len(table.rows) == grid.height
        assert len(table.columns) == grid.width
        for r, (row, tr) in enumerate(zip(table.rows, table._tbl.tr_lst, strict=True)):
            # python-docx repeats a merged cell's text at every position it covers
            texts = [cell.text for cell in row.cells]
            assert texts == [grid.at(r, c).text for c in range(grid.width)], (number, r)
            assert tc_spans(tr) == expected_spans(grid, r), (number, r)


def test_docx_prints_the_seed_figures_and_zero_for_blank_cells():
    document = open_docx(write_docx(content_2019()))
    two, three, four = document.tables

    assert [c.text for c in three.rows[3].cells] == [
        "一、本年新收政府信息公开申请数量",
        "一、本年新收政府信息公开申请数量",
        "一、本年新收政府信息公开申请数量",
        "34",
        *["0"] * 5,
        "34",
    ]
    assert three.cell(5, 0).text == RESULTS
    assert [c.text for c in three.rows[24].cells][2:] == ["（七）总计", "34", *["0"] * 5, "34"]
    assert [c.text for c in four.rows[3].cells] == [
        *["0", "0", "1", "0", "1"],
        *["1", "0", "1", "1", "3"],
        *["0", "0", "0", "0", "0"],
    ]
    assert [c.text for c in two.rows[10].cells] == ["行政处罚", "16", "-3", "0"]
    assert [c.text for c in two.rows[17].cells] == [
        "政府集中采购",
        "11",
        "439.1575万元",
        "439.1575万元",
    ]


def test_docx_money_keeps_its_decimals():
    document = open_docx(write_docx(content_2021()))

    fees = document.tables[0].rows[13].cells
    assert [c.text for c in fees] == ["行政事业性收费", "282.10", "282.10", "282.10"]
    assert document.tables[0].cell(3, 1).text == "3"  # 行政规范性文件 本年制发件数


def east_asian_font(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def test_docx_is_an_official_a4_document():
    document = open_docx(write_docx(content_2021()))

    page = document.sections[0]
    # Word stores lengths in twentieths of a point: compare in whole millimetres
    assert (round(page.page_width.mm), round(page.page_height.mm)) == (210, 297)
    assert (round(page.top_margin.mm), round(page.bottom_margin.mm)) == (37, 35)
    assert (round(page.left_margin.mm), round(page.right_margin.mm)) == (28, 26)

    title, preamble, heading = document.paragraphs[:3]
    assert title.text == "某区教育局2024年政府信息公开工作年度报告"
    assert title.style.font.size == Pt(22)
    assert east_asian_font(title.style) == "方正小标宋简体"
    assert title.alignment is None  # centred by its style
    assert title.style.paragraph_format.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER

    body = preamble.style
    assert preamble.text == "本报告根据《中华人民共和国政府信息公开条例》编制。"
    assert body.font.size == Pt(16)
    assert east_asian_font(body) == "仿宋_GB2312"
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.paragraph_format.line_spacing == Pt(28)

    assert heading.text == "一、总体情况"
    assert east_asian_font(heading.style) == "黑体"
    assert heading.style.font.size == Pt(16)

    table_paragraph = document.tables[1].cell(0, 0).paragraphs[0]
    assert table_paragraph.style.font.size == Pt(10.5)
    assert [p.text for p in document.paragraphs[-2:]] == ["某区教育局", "2025年1月20日"]


def test_docx_second_level_headings_are_set_apart_from_the_body():
    document = open_docx(write_docx(content_2019()))

    texts = {p.text: p for p in document.paragraphs}
    subheading = texts["（一）强化责任，完善工作机制"]
    assert east_asian_font(subheading.style) == "楷体_GB2312"
    assert texts["全年共办理依申请公开来信34件，全部按规定及时回复。"].style.name == "报告正文"
    # the parts missing from the content appear under their official headings
    assert [p.text for p in document.paragraphs if p.style.name == "报告一级标题"] == list(
        SECTION_TITLES
    )


# --- HTML ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("make_content", "results_rows"), [(content_2019, 20), (content_2021, 22)])
def test_html_tables_have_the_official_spans(make_content, results_rows):
    content = make_content()

    page = lxml_html.fromstring(write_html(content))

    tables = page.xpath("//table")
    assert len(tables) == 3
    three = tables[1]
    corner = three.xpath(".//tr[1]/th[1]")[0]
    assert corner.text_content() == TABLE_THREE_CORNER
    assert (corner.get("rowspan"), corner.get("colspan")) == ("3", "3")
    results = three.xpath(f'.//th[text()="{RESULTS}"]')[0]
    assert results.get("rowspan") == str(results_rows)
    assert results.get("scope") == "rowgroup"
    for table, number in zip(tables, (2, 3, 4), strict=True):
        grid = table_grid(content.format.table(number)).filled(content.table_values(number))
        rows = table.xpath(".//tr")
        assert len(rows) == grid.height
        for tr, cells in zip(rows, grid.rows(), strict=True):
            got = [
                (el.tag, el.text_content(), int(el.get("rowspan", 1)), int(el.get("colspan", 1)))
                for el in tr
            ]
            want = [
                ("td" if c.kind == VALUE else "th", c.text, c.rowspan, c.colspan) for c in cells
            ]
            assert got == want


def test_html_is_a_standalone_page_with_the_parts_and_zeros():
    content = content_2021()

    page = lxml_html.fromstring(write_html(content))

    assert page.xpath("string(//title)") == content.title
    assert page.xpath("string(//h1)") == content.title
    assert page.xpath("//h2/text()") == list(SECTION_TITLES)
    assert not page.xpath("//link|//script")
    first_row = page.xpath("(//table)[2]//tr[4]/td/text()")
    assert first_row == ["5", "1", "0", "0", "0", "0", "6"]
    # the portal does not say which cells were entered by hand (the draft page does)
    assert not page.xpath("//td[@class='manual']")


def test_html_escapes_the_text():
    content = content_2021()
    content.sections[0] = SectionContent(1, SECTION_TITLES[0], "<script>alert(1)</script> & 说明")

    data = write_html(content)

    assert b"<script>" not in data
    page = lxml_html.fromstring(data)
    assert page.xpath("//section[1]/p/text()") == ["<script>alert(1)</script> & 说明"]


# --- .xlsx -----------------------------------------------------------------------------------


def cell_range(grid_cell) -> str:
    top, left = FIRST_ROW + grid_cell.row, 1 + grid_cell.col
    bottom, right = top + grid_cell.rowspan - 1, left + grid_cell.colspan - 1
    return f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}"


@pytest.mark.parametrize("make_content", [content_2019, content_2021])
def test_xlsx_has_one_sheet_per_table_with_merged_headers_and_numbers(make_content):
    content = make_content()

    workbook = load_workbook(BytesIO(write_xlsx(content)))

    assert workbook.sheetnames == list(SECTION_TITLES[1:4])
    for sheet, number in zip(workbook.worksheets, (2, 3, 4), strict=True):
        grid = table_grid(content.format.table(number)).filled(content.table_values(number))
        merged = {str(r) for r in sheet.merged_cells.ranges}
        want = {cell_range(c) for c in grid.cells if c.rowspan > 1 or c.colspan > 1}
        title = f"A1:{get_column_letter(grid.width)}1"
        assert merged == {title, *want}
        for cell in grid.cells:
            got = sheet.cell(FIRST_ROW + cell.row, 1 + cell.col).value
            if cell.kind == VALUE:
                assert Decimal(str(got)) == cell.value
                assert not isinstance(got, str)
            else:
                assert got == cell.text


def test_xlsx_table_three_2021_and_money():
    workbook = load_workbook(BytesIO(write_xlsx(content_2021())))
    two, three, four = workbook.worksheets

    assert "A3:C5" in {str(r) for r in three.merged_cells.ranges}  # the corner
    assert "A8:A29" in {str(r) for r in three.merged_cells.ranges}  # 三、本年度办理结果
    assert three["A8"].value == RESULTS
    assert [c.value for c in three[6]][:5] == ["一、本年新收政府信息公开申请数量", None, None, 5, 1]
    assert three["J6"].value == 6
    assert three["J7"].value == 0  # blank is 0
    fees = two["B16"]
    assert (two["A16"].value, fees.value, fees.number_format) == (
        "行政事业性收费",
        282.1,
        "#,##0.00",
    )
    assert two["B6"].value == 3  # 行政规范性文件 本年制发件数, stored as 3.000000
    assert isinstance(two["B6"].value, int)
    assert [four.cell(6, c).value for c in range(1, 16)] == [0] * 15


# --- Registration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("export_format", "magic"),
    [("docx", b"PK"), ("xlsx", b"PK"), ("html", b"<!DOCTYPE html>"), ("json", b"{")],
)
def test_every_writer_returns_its_file(export_format, magic):
    content = content_2021()
    writer = WRITERS[export_format]

    data = writer.write(content)

    assert data.startswith(magic)
    assert writer.content_type
    assert (
        filename(content, export_format)
        == f"某区教育局2024年政府信息公开工作年度报告.{export_format}"
    )
