"""The file readers: each kind of file read into paragraphs and tables, merged cells resolved,
page furniture taken away, and hostile or unreadable files refused fast with a clear code.

Every input is built here: Word and Excel files with python-docx and openpyxl, PDFs by hand (a
few lines of PDF syntax) or by LibreOffice, older formats by LibreOffice from a .docx.
"""

import datetime
import io
import threading
import time
import tracemalloc
import zipfile

import docx
import openpyxl
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from PIL import Image

from plans.document import Cell, Paragraph, Table
from plans.parsing import PlanFormatError
from plans.readers import convert
from plans.readers.convert import to_docx
from plans.readers.html import looks_like_html, read_html
from plans.readers.office import OLE_MAGIC, read_docx, read_xlsx
from plans.readers.pdf import read_pdf

from .office_files import (
    converted_by_libreoffice,
    docx_with_body,
    has_cjk_font,
    needs_libreoffice,
    saved,
    tc,
    with_member,
)


def refused(read, data: bytes) -> PlanFormatError:
    with pytest.raises(PlanFormatError) as caught:
        read(data)
    return caught.value


def cells(table: Table) -> list[list[tuple[str, bool]]]:
    return [[(cell.text, cell.merged) for cell in row] for row in table.rows]


# --- Word -------------------------------------------------------------------------------------


def test_a_word_document_gives_its_paragraphs_and_tables_in_order():
    # given
    document = docx.Document()
    document.add_paragraph("某区教育局2024年政务公开工作要点")
    table = document.add_table(rows=2, cols=3)
    for c, text in enumerate(["序号", "工作任务", "责任单位"]):
        table.cell(0, c).text = text
    for c, text in enumerate(["1", "公开部门预算。", "计财股"]):
        table.cell(1, c).text = text
    document.add_paragraph("二、保障措施")
    document.add_paragraph("　")  # a blank line says nothing

    # when
    read = read_docx(saved(document))

    # then
    assert read.kind == "docx"
    assert read.blocks == [
        Paragraph("某区教育局2024年政务公开工作要点"),
        Table.of([["序号", "工作任务", "责任单位"], ["1", "公开部门预算。", "计财股"]]),
        Paragraph("二、保障措施"),
    ]


def test_word_cells_merged_across_columns_and_rows_repeat_as_merged_cells():
    # given: 「类别」 spans two rows, the title row spans three columns
    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    rows = [
        ["任务分解表", "", ""],
        ["类别", "任务", "单位"],
        ["预算", "公开预算。", "计财股"],
        ["", "公开决算。", "计财股"],
    ]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 0).merge(table.cell(0, 2))
    table.cell(2, 0).merge(table.cell(3, 0))

    # when
    (read,) = read_docx(saved(document)).tables()

    # then
    assert cells(read) == [
        [("任务分解表", False), ("任务分解表", True), ("任务分解表", True)],
        [("类别", False), ("任务", False), ("单位", False)],
        [("预算", False), ("公开预算。", False), ("计财股", False)],
        [("预算", True), ("公开决算。", False), ("计财股", False)],
    ]


def test_a_word_cell_keeps_its_paragraphs_as_lines_and_a_nested_table_as_its_rows():
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "1、公开预算;"
    table.cell(0, 0).add_paragraph("2、公开决算。")
    inner = table.cell(0, 1).add_table(rows=2, cols=2)
    for r, row in enumerate([["牵头", "计财股"], ["配合", "办公室"]]):
        for c, text in enumerate(row):
            inner.cell(r, c).text = text

    (read,) = read_docx(saved(document)).tables()

    assert read.texts() == [["1、公开预算;\n2、公开决算。", "牵头 计财股\n配合 办公室"]]


def test_word_grid_before_and_a_short_row_are_padded_to_the_grid():
    grid = "<w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
    body = (
        f"<w:tbl>{grid}<w:tr>{tc('a')}{tc('b')}{tc('c')}</w:tr>"
        f"<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>{tc('e')}</w:tr></w:tbl>"
    )

    (read,) = read_docx(docx_with_body(body)).tables()

    assert read.texts() == [["a", "b", "c"], ["", "e", ""]]


def test_a_word_row_with_more_cells_than_the_declared_grid_keeps_them_all():
    row = f"<w:tr>{tc('a')}{tc('b')}{tc('c')}</w:tr>"
    body = f"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid>{row}</w:tbl>"

    (read,) = read_docx(docx_with_body(body)).tables()

    assert read.texts() == [["a", "b", "c"]]


def test_word_text_in_content_controls_and_tracked_insertions_is_read_and_deletions_are_not():
    body = (
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>一、总体要求</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t>做好</w:t></w:r><w:del><w:r><w:delText>旧的</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>公开</w:t></w:r></w:ins><w:r><w:br/><w:t>第二行</w:t></w:r></w:p>"
    )

    assert read_docx(docx_with_body(body)).paragraphs() == ["一、总体要求", "做好公开", "第二行"]


@pytest.mark.parametrize("grid", ["<w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>", ""])
def test_a_word_cell_spanning_two_million_columns_is_read_fast_on_the_grid(grid):
    # given: the 936-byte attack, a gridSpan python-docx would lay out cell by cell
    span = "<w:gridSpan w:val='2000000'/>"
    rows = "".join(f"<w:tr>{tc('x', span)}{tc('y', span)}</w:tr>" for _ in range(50))
    data = docx_with_body(f"<w:tbl>{grid}{rows}</w:tbl>")
    assert len(data) < 40_000

    # when
    started = time.perf_counter()
    (read,) = read_docx(data).tables()

    # then
    assert time.perf_counter() - started < 1
    assert len(read.rows) == 50
    assert {len(row) for row in read.rows} == {2}
    assert read.rows[0][:2] == [Cell("x"), Cell("x", merged=True)]


def test_a_word_table_of_more_rows_than_any_plan_is_refused():
    rows = f"<w:tr>{tc('x')}</w:tr>" * 5001

    error = refused(read_docx, docx_with_body(f"<w:tbl>{rows}</w:tbl>"))

    assert (error.code, error.params) == ("table_too_large", {"kind": "docx", "rows": 5000})


# --- Excel ------------------------------------------------------------------------------------


def workbook_bytes(book: openpyxl.Workbook) -> bytes:
    return saved(book)


def test_every_sheet_with_values_is_a_table_after_its_title_and_its_notes_are_paragraphs():
    # given
    book = openpyxl.Workbook()
    first = book.active
    first.title = "任务分解表"
    first.append(["序号", "工作任务", "责任单位", "完成时限"])
    first.append(
        [1.0, "公开部门预算。", "计财股", datetime.datetime(2024, 3, 31)]  # noqa: DTZ001
    )
    first.append([2, "公开部门决算。", None, datetime.date(2024, 6, 30)])
    first.append([2.5, "", "", "年底前"])
    first.append(["注:时限为最迟完成时间。"])
    first.merge_cells("C2:C3")
    book.create_sheet("空白")
    second = book.create_sheet("重点工作")
    second["A1"] = "重点工作清单"
    second.merge_cells("A1:B1")
    second.append(["事项", "单位"])
    hidden = book.create_sheet("下拉选项")
    hidden["A1"] = "计财股"
    hidden.sheet_state = "hidden"

    # when
    read = read_xlsx(workbook_bytes(book))

    # then
    assert read.kind == "xlsx"
    assert read.paragraphs() == ["任务分解表", "注:时限为最迟完成时间。", "重点工作"]
    tasks, focus = read.tables()
    assert cells(tasks) == [
        [("序号", False), ("工作任务", False), ("责任单位", False), ("完成时限", False)],
        [("1", False), ("公开部门预算。", False), ("计财股", False), ("2024年3月31日", False)],
        [("2", False), ("公开部门决算。", False), ("计财股", True), ("2024年6月30日", False)],
        [("2.5", False), ("", False), ("", False), ("年底前", False)],
    ]
    assert cells(focus) == [
        [("重点工作清单", False), ("重点工作清单", True)],
        [("事项", False), ("单位", False)],
    ]


def test_a_value_in_the_last_cell_of_a_sheet_is_refused_fast_without_building_the_sheet():
    # given: a few kilobytes naming cell XFD1048576, 17 billion cells away from A1
    book = openpyxl.Workbook()
    book.active["A1"] = "序号"
    book.active["XFD1048576"] = "x"
    data = workbook_bytes(book)
    assert len(data) < 10_000

    # when
    tracemalloc.start()
    started = time.perf_counter()
    error = refused(read_xlsx, data)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    # then
    assert elapsed < 2
    assert peak < 20 * 2**20
    assert (error.code, error.params["sheet"], error.params["cell"]) == (
        "sheet_too_large",
        "Sheet",
        "XFD1048576",
    )


def test_a_sheet_declared_and_merged_over_its_whole_grid_is_read_as_far_as_its_values():
    # given: the dimension and a merged range both claim every cell of the sheet
    book = openpyxl.Workbook()
    book.active.append(["序号", "工作任务"])
    book.active.append(["1", "公开部门预算。"])
    data = workbook_bytes(book)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = sheet.replace('<dimension ref="A1:B2"/>', '<dimension ref="A1:XFD1048576"/>')
    sheet = sheet.replace(
        "</sheetData>",
        '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    )
    data = with_member(data, "xl/worksheets/sheet1.xml", sheet.encode())

    # when
    started = time.perf_counter()
    (read,) = read_xlsx(data).tables()

    # then
    assert time.perf_counter() - started < 1
    assert cells(read) == [[("序号", False), ("序号", True)], [("序号", True), ("序号", True)]]


# --- Word and Excel: files that are not what they say -----------------------------------------


@pytest.mark.parametrize("read", [read_docx, read_xlsx])
def test_an_office_file_that_is_empty_or_old_or_not_office_is_refused_with_its_code(read):
    kind = read.__name__.removeprefix("read_")

    assert refused(read, b"").code == "empty"
    assert refused(read, OLE_MAGIC + b"\x00" * 100).params == {"kind": kind}
    assert refused(read, OLE_MAGIC + b"\x00" * 100).code == "encrypted_or_old"
    assert refused(read, b"plain bytes, not a zip").code == "not_office"


def test_a_cut_off_word_document_is_corrupt_and_one_without_text_is_empty():
    data = saved(docx.Document())

    assert refused(read_docx, data[: len(data) // 2]).code == "corrupt"
    assert refused(read_docx, data).code == "empty"


def test_a_spreadsheet_without_values_is_empty():
    assert refused(read_xlsx, workbook_bytes(openpyxl.Workbook())).code == "empty"


# --- PDF --------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = 595, 842


def pdf_bytes(pages: list[tuple[list, list]], *, encrypted: bool = False) -> bytes:
    """A PDF in Courier (every character 6 points wide at 10 points): each page is a list of
    (x, top, text) lines and a list of (x0, top, x1, bottom) rectangles drawn as cell borders."""
    objects: list[bytes] = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>", b""]
    kids = []
    for texts, rects in pages:
        ops = [f"{x0} {PAGE_HEIGHT - b} {x1 - x0} {b - t} re S" for x0, t, x1, b in rects]
        for x, top, text in texts:
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /F1 10 Tf {x} {PAGE_HEIGHT - top - 8} Td ({escaped}) Tj ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 1 0 R >> >> /Contents {len(objects)} 0 R >>".encode()
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    trailer = f"/Size {len(objects) + 1} /Root {len(objects)} 0 R"
    if encrypted:  # a user password: the empty one does not open it
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"11" * 32, b"22" * 32)
        )
        trailer = f"/Size {len(objects) + 1} /Root {len(objects) - 1} 0 R "
        trailer += f"/Encrypt {len(objects)} 0 R /ID [<{'ab' * 16}> <{'ab' * 16}>]"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += f"trailer\n<< {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def table_drawn(top: int, rows: list[list[str]], widths: list[int]) -> tuple[list, list]:
    texts, rects = [], []
    for r, row in enumerate(rows):
        x = 72
        for text, width in zip(row, widths, strict=True):
            rects.append((x, top + r * 20, x + width, top + (r + 1) * 20))
            texts.append((x + 3, top + r * 20 + 5, text))
            x += width
    return texts, rects


FULL = 60  # characters of a full Courier line between x=72 and x=432


def test_a_pdf_loses_its_page_numbers_running_header_and_line_wraps():
    # given: three pages, each with a header, a page number and a paragraph wrapped at full width
    words = ["one", "two", "three"]
    pages = []
    for n, word in enumerate(words, start=1):
        first = f"Paragraph {word} is long enough that the layout had to wrap".ljust(FULL)[:FULL]
        pages.append(
            (
                [
                    (72, 40, "Municipal Education Bureau"),
                    (72, 110, first),
                    (72, 122, "it onto the next line."),
                    (72, 146, "Short line"),
                    (72, 158, "another short line"),
                    (280, 800, ["- 1 -", "- - - 2 -", "Page 3 of 3"][n - 1]),
                ],
                [],
            )
        )

    # when
    read = read_pdf(pdf_bytes(pages))

    # then
    assert read.kind == "pdf"
    assert read.paragraphs()[:3] == [
        "Paragraph one is long enough that the layout had to wrap it onto the next line.",
        "Short line",
        "another short line",
    ]
    assert len(read.paragraphs()) == 9
    assert not any("Bureau" in text or "1" in text for text in read.paragraphs())


def test_a_pdf_table_over_two_pages_is_one_table_without_its_repeated_header():
    # given: a ruled table whose header row repeats on the second page
    header = ["No", "Task", "Unit"]
    first = table_drawn(100, [header, ["1", "Publish the budget", "Finance"]], [50, 200, 100])
    second = table_drawn(72, [header, ["2", "Publish the accounts", "Office"]], [50, 200, 100])
    pages = [
        ([(72, 80, "Tasks"), *first[0]], first[1]),
        ([*second[0], (72, 200, "After the table.")], second[1]),
    ]

    # when
    read = read_pdf(pdf_bytes(pages))

    # then
    assert [type(b).__name__ for b in read.blocks] == ["Paragraph", "Table", "Paragraph"]
    assert read.tables()[0].texts() == [
        header,
        ["1", "Publish the budget", "Finance"],
        ["2", "Publish the accounts", "Office"],
    ]


def test_a_pdf_cell_drawn_over_two_columns_repeats_as_merged():
    texts, rects = table_drawn(
        100, [["No", "Task", "Unit"], ["1", "Publish", "Office"]], [50, 200, 100]
    )
    texts.append((75, 145, "All units"))
    rects.append((72, 140, 422, 160))  # the third row: one cell across all three columns

    (read,) = read_pdf(pdf_bytes([(texts, rects)])).tables()

    assert cells(read)[-1] == [("All units", False), ("All units", True), ("All units", True)]


def test_a_scanned_pdf_is_refused_as_holding_only_images():
    buffer = io.BytesIO()
    Image.new("RGB", (200, 300), "white").save(buffer, "PDF")

    assert refused(read_pdf, buffer.getvalue()).code == "scanned_pdf"


def test_a_pdf_with_a_password_is_refused_as_encrypted():
    error = refused(read_pdf, pdf_bytes([([(72, 100, "secret")], [])], encrypted=True))

    assert (error.code, error.params) == ("encrypted_or_old", {"kind": "pdf"})


def test_a_damaged_pdf_is_corrupt_and_a_renamed_file_is_not_a_pdf():
    data = pdf_bytes([([(72, 100, "text")], [])])

    assert refused(read_pdf, data[:60] + b"\x00garbage" * 20).code == "corrupt"
    assert refused(read_pdf, b"GIF89a not a pdf").code == "not_office"
    assert refused(read_pdf, b"").code == "empty"


def test_a_pdf_of_more_pages_than_a_plan_is_refused_by_its_page_count():
    data = pdf_bytes([([], [])] * 301)

    error = refused(read_pdf, data)

    assert (error.code, error.params) == ("too_many_pages", {"pages": 301, "limit": 300})


@needs_libreoffice
@pytest.mark.skipif(not has_cjk_font(), reason="no Chinese font for LibreOffice to set the PDF in")
def test_a_chinese_plan_printed_to_pdf_reads_back_as_written(tmp_path):
    # given: a Word plan with a running header, page numbers, long paragraphs and a table over
    # pages with a repeated header row and a category merged down its rows
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "某区教育局文件"
    footer = section.footer.paragraphs[0]
    footer.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)
    footer.add_run(" —")
    long = [
        f"（{n}）做好第{n}项公开工作，按要求在规定时间内公开部门预算、决算及说明，细化公开内容到项级科目，"
        f"并在门户网站专栏集中展示。（责任单位：计财股）"
        for n in range(1, 31)
    ]
    document.add_paragraph("一、重点任务")
    for text in long:
        document.add_paragraph(text)
    rows = [["类别", "工作任务", "责任单位"]] + [
        ["预算公开", f"公开第{n}项预算信息。", "计财股"] for n in range(1, 41)
    ]
    table = document.add_table(rows=len(rows), cols=3)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text if c or r < 2 else ""
    table.cell(1, 0).merge(table.cell(40, 0))
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    document.add_paragraph("二、保障措施")
    pdf = converted_by_libreoffice({"plan.docx": saved(document)}, "pdf", tmp_path)["plan.docx"]

    # when
    read = read_pdf(pdf)

    # then
    assert read.paragraphs() == ["一、重点任务", *long, "二、保障措施"]
    (read_table,) = read.tables()
    assert read_table.texts()[0] == ["类别", "工作任务", "责任单位"]
    assert [row[1].text for row in read_table.rows[1:]] == [r[1] for r in rows[1:]]
    assert read_table.rows[1][0] == Cell("预算公开")
    assert read_table.rows[2][0] == Cell("预算公开", merged=True)


# --- HTML -------------------------------------------------------------------------------------

PORTAL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="gb2312"><title>市民政局</title><script>var tracker = 1;</script>
<style>.x { color: red }</style></head>
<body><form id="form1">
<div class="top_nav"><ul><li>首页</li><li>政务公开</li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 计划总结</div>
<table class="layout" width="100%"><tr><td>
  <table class="xxgk_head">
    <tr><td>索 引 号：</td><td>11350-2024-00012</td><td>主题分类：</td><td>政务公开</td></tr>
    <tr><td>发布机构：</td><td>市民政局</td><td>成文日期：</td><td>2024-03-01</td></tr>
    <tr><td>文　　号：</td><td colspan="3">市民〔2024〕5号</td></tr>
  </table>
</td></tr><tr><td>
  <h1>市民政局2024年政务公开工作要点</h1>
  <div class="content">
    <p>　　一、总体要求</p>
    <p>做好公开工作。<br>及时发布<span>政策信息</span>。</p>
    <ul><li>（一）公开预算</li><li>（二）公开决算</li></ul>
    <table border="1">
      <tr><th>序号</th><th>工作任务</th><th colspan="2">责任</th></tr>
      <tr><td rowspan="2">1</td><td>公开预算</td><td>计财股</td><td>6月底前</td></tr>
      <tr><td>公开决算</td><td colspan="2">办公室</td></tr>
    </table>
  </div>
</td></tr></table>
<div class="bdsharebuttonbox">分享到：微信</div>
<div id="footer">主办单位：市民政局 网站标识码 1135000012</div>
<footer>版权所有</footer>
</form></body></html>
"""


def test_a_saved_portal_page_gives_its_record_text_and_tables_without_site_chrome():
    # when
    read = read_html(PORTAL_PAGE.encode("gb18030"))

    # then
    assert read.kind == "html"
    assert read.paragraphs() == [
        "索引号: 11350-2024-00012",
        "主题分类: 政务公开",
        "发布机构: 市民政局",
        "成文日期: 2024-03-01",
        "文号: 市民〔2024〕5号",
        "市民政局2024年政务公开工作要点",
        "一、总体要求",
        "做好公开工作。",
        "及时发布政策信息。",
        "（一）公开预算",
        "（二）公开决算",
    ]
    (table,) = read.tables()
    assert cells(table) == [
        [("序号", False), ("工作任务", False), ("责任", False), ("责任", True)],
        [("1", False), ("公开预算", False), ("计财股", False), ("6月底前", False)],
        [("1", True), ("公开决算", False), ("办公室", False), ("办公室", True)],
    ]


def test_a_pasted_fragment_in_utf8_is_read_whatever_charset_its_meta_names():
    fragment = (
        "Version:0.9\r\nStartHTML:0000000105\r\n<html><body><!--StartFragment-->"
        '<meta charset="gbk"><p>一、任务</p><p>做好公开(责任单位:办公室)。</p><!--EndFragment-->'
        "</body></html>"
    )

    assert looks_like_html(fragment)
    assert read_html(fragment.encode()).paragraphs() == ["一、任务", "做好公开(责任单位:办公室)。"]


@pytest.mark.parametrize(
    ("text", "is_html"),
    [
        ("<!DOCTYPE html><html><body>方案</body></html>", True),
        ("<table><tr><td>序号</td><td>任务</td></tr></table>", True),
        ("<p>一、任务</p>\n<p>做好公开。</p>\n<p>二、保障</p>", True),
        ("一、任务\n做好公开(责任单位:办公室)。", False),
        ("一、任务\n网页中的<br>标签写法不影响。\n1<2 且 3>2", False),
    ],
)
def test_html_is_told_from_plain_text(text, is_html):
    assert looks_like_html(text) is is_html


def test_a_cell_claiming_a_huge_span_is_cut_to_the_table():
    # given: under a header of three columns, a cell claims a hundred million rows and columns
    header = "<tr><td>序号</td><td>任务</td><td>单位</td></tr>"
    rows = header + '<tr><td colspan="100000000" rowspan="100000000">a</td><td>b</td></tr>' * 199
    started = time.perf_counter()

    (table,) = read_html(f"<table>{rows}</table>".encode()).tables()

    assert time.perf_counter() - started < 1
    assert len(table.rows) == 200
    assert {len(row) for row in table.rows} == {3}
    assert table.rows[1][:2] == [Cell("a"), Cell("a", merged=True)]
    assert table.rows[199] == [Cell("a", merged=True)] * 3


def test_an_html_page_without_text_is_empty():
    page = "<html><body><script>x()</script><nav>首页</nav></body></html>"

    assert refused(read_html, page.encode()).code == "empty"


# --- Converted formats ------------------------------------------------------------------------


def test_without_libreoffice_a_doc_is_refused_with_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no soffice on the path

    error = refused(lambda data: to_docx(data, "doc"), OLE_MAGIC + b"\x00" * 100)

    assert (error.code, error.params) == ("needs_libreoffice", {"kind": "doc"})


def plan_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("某区教育局2024年政务公开工作要点")
    table = document.add_table(rows=3, cols=2)
    for r, row in enumerate([["类别", "任务"], ["预算", "公开预算。"], ["", "公开决算。"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0))
    document.add_paragraph("二、保障措施")  # LibreOffice's .doc export drops a table that ends it
    return saved(document)


@needs_libreoffice
@pytest.mark.parametrize(
    ("kind", "written_as"),
    [("doc", "doc"), ("wps", "doc"), ("odt", "odt")],  # WPS Office writes .wps in Word's format
)
def test_an_old_word_or_open_document_file_is_read_through_libreoffice(kind, written_as, tmp_path):
    data = converted_by_libreoffice({"plan.docx": plan_docx()}, written_as, tmp_path)["plan.docx"]

    read = read_docx(to_docx(data, kind))

    assert read.paragraphs() == ["某区教育局2024年政务公开工作要点", "二、保障措施"]
    assert cells(read.tables()[0]) == [
        [("类别", False), ("任务", False)],
        [("预算", False), ("公开预算。", False)],
        [("预算", True), ("公开决算。", False)],
    ]


@needs_libreoffice
def test_rich_text_is_read_through_libreoffice():
    rtf = rb"{\rtf1\ansi{\fonttbl{\f0 SimSun;}}\f0 \u19968?\u12289?\u20219?\u21153?\par Hello\par}"

    assert read_docx(to_docx(rtf, "rtf")).paragraphs() == ["一、任务", "Hello"]


@needs_libreoffice
def test_two_conversions_at_once_both_succeed():
    rtf = rb"{\rtf1\ansi\deff0 {\fonttbl{\f0 Arial;}}\f0 Plan\par}"
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(to_docx(rtf, "rtf"))) for _ in range(2)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [read_docx(data).paragraphs() for data in results] == [["Plan"], ["Plan"]]


@needs_libreoffice
def test_a_conversion_past_its_time_is_refused_as_corrupt(monkeypatch):
    monkeypatch.setattr(convert, "TIMEOUT", 0.01)

    error = refused(lambda data: to_docx(data, "rtf"), rb"{\rtf1\ansi Plan\par}")

    assert (error.code, error.params) == ("corrupt", {"kind": "rtf"})
