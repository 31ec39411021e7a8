"""Eighteen plans other offices published (../shared/reference/plans), each read as a careful
human reads it (INDEX.md there): counts, units, leads, deadlines, flags and facts.

Each plan goes through every door an office has: the text as stored, the same text typed with
full-width punctuation, and the Word document, workbook and web page made from it in the test
(its tables as real tables, their merged cells merged), and that Word document printed to PDF by
LibreOffice where it is installed. The project holds none of their text.
"""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest

from plans import tables
from plans.document import Document, Paragraph, Table
from plans.parsing import PlanFormatError
from plans.readers import convert, read_document
from plans.readers.text import read_text
from plans.reading import parse_document

from .office_files import converted_by_libreoffice, has_cjk_font

PLANS = Path(__file__).resolve().parents[3] / "shared" / "reference" / "plans"
D = datetime.date
END = None  # no date written: the plan's year end, flagged (the contract)

# file prefix -> (year, number, task count, {index: (text starts, units, leads, deadline,
# ongoing, recurrence)}). Where the human reading calls a point ambiguous the choice made is the
# one the INDEX describes first (04: four sub-items under one unit line are four tasks).
EXPECTED: dict[str, tuple] = {
    "01": (2020, "辽民办函〔2020〕111号", 5, {
        0: ("系统梳理我厅", ["办公室", "各有关处室", "民服中心", "省信息中心运维九部"], ["办公室"], END, False, None),
        1: ("及时完善更新", ["审批处", "人事处", "各有关处室", "民服中心", "省信息中心运维九部"], ["审批处", "人事处"], END, False, None),
        2: ("全面优化政务", ["审批处", "各有关处室", "民服中心"], ["审批处"], END, False, None),
        3: ("积极推进政务公开", ["救助处", "养老处"], ["救助处", "养老处"], D(2020, 8, 31), False, None),
        4: ("完善行政决策", ["各处室", "民服中心"], ["各处室"], END, False, None),
    }),
    "02": (2022, "", 1, {
        0: ("夯实主动公开基础", ["市府办〔市大数据局〕", "市政府各部门", "各县〔区〕政府", "各功能区管委会"], ["市府办〔市大数据局〕"], END, False, None),
    }),
    "03": (2023, "", 1, {
        0: ("深化政务服务", ["市行政审批服务局", "市直有关部门、单位", "各区市政府", "开发区管委"], ["市行政审批服务局"], D(2023, 12, 31), False, None),
    }),
    "04": (2017, "", 4, {
        0: ("加强应急预案管理", ["市直各有关单位", "各县(市、区)人民政府", "各开发区管委会"], ["市直各有关单位"], END, False, None),
        3: ("加强应急预案的培训", ["市直各有关单位", "各县(市、区)人民政府", "各开发区管委会"], ["市直各有关单位"], END, False, None),
    }),
    "05": (2017, "", 4, {
        0: ("围绕我市经济", ["市发改委"], ["市发改委"], END, False, None),
        1: ("围绕出台促进就业", ["市人社局"], ["市人社局"], END, False, None),
        2: ("围绕稳健中性", ["市金融办", "人民银行潍坊市中心支行", "潍坊银监分局"], ["市金融办", "人民银行潍坊市中心支行", "潍坊银监分局"], END, False, None),
        3: ("加强财政政策", ["市财政局"], ["市财政局"], END, False, "monthly"),
    }),
    "06": (2022, "", 2, {
        0: ("进一步增强政策文件", ["市政府各有关部门", "各县市区人民政府", "功能区管委会"], ["市政府各有关部门"], END, True, None),
        1: ("开设行业帮扶", ["市政府各有关部门", "各县市区人民政府", "功能区管委会"], ["市政府各有关部门"], END, True, None),
    }),
    "07": (2016, "", 1, {
        0: ("全面公开市级政府", ["法规和司法鉴定科", "各科室"], ["法规和司法鉴定科"], END, True, None),
    }),
    "08": (2021, "", 3, {
        0: ("扩大解读范围", [], [], END, False, None),
        1: ("落实解读责任", [], [], END, False, None),
        2: ("加大解读力度", [], [], END, False, None),
    }),
    "09": (2020, "", 4, {
        0: ("加强高质量发展信息公开", [], [], END, False, None),
        1: ("加强重点领域信息公开", [], [], END, False, None),
        3: ("加强“六稳”", [], [], END, False, None),
    }),
    "10": (2018, "", 1, {
        0: ("加强行政决策公开", ["办公室", "各科室"], ["办公室"], END, False, None),
    }),
    "11": (2023, "", 1, {
        0: ("政府信息公开工作的分管领导", [], [], END, False, None),
    }),
    "12": (2021, "", 6, {
        0: ("是否及时公开本地区老年人", ["中医科"], ["中医科"], END, False, None),
        1: ("是否按月度公开", ["中医科"], ["中医科"], END, False, "monthly"),
        2: ("是否公开本地区卫生健康", ["办公室"], ["办公室"], END, False, None),
        3: ("是否公开2021年本地区对公共场所", ["医政医管与疾控监督科", "区卫生健康监督执法大队"], ["医政医管与疾控监督科"], END, False, None),
        4: ("是否公开2021年度本地有关机构", ["医政医管与疾控监督科", "区卫生健康监督执法大队"], ["医政医管与疾控监督科"], END, False, None),
        5: ("是否公开2021年度本地区传染病", ["医政医管与疾控监督科", "区卫生健康监督执法大队"], ["医政医管与疾控监督科"], END, False, None),
    }),
    "13": (2023, "", 4, {
        0: ("做好行政规范性文件", ["区司法局", "区各行政规范性文件制定主体", "各成员单位"], ["区司法局"], END, False, None),
        1: ("公开页面详细列明", ["区司法局", "区各行政规范性文件制定主体", "各成员单位"], ["区司法局"], END, False, None),
        2: ("发生修改、废止", ["区司法局", "区各行政规范性文件制定主体", "各成员单位"], ["区司法局"], END, True, None),
        3: ("及时公开行政规范性文件", ["各成员单位"], ["各成员单位"], END, True, None),
    }),
    "14": (2023, "鞍立政发〔2023〕2号", 6, {
        0: ("努力实现地区生产总值", ["区发改局", "立山经济开发区", "全区经济运行各专班"], ["区发改局"], END, False, None),
        2: ("固定资产投资", ["区发改局", "立山经济开发区", "各街道", "区直各部门"], ["区发改局"], END, False, None),
        3: ("社会消费品零售", ["区商务局", "各街道", "区市场局"], ["区商务局"], END, False, None),
        4: ("一般公共预算收入", ["区财政局", "立山经济开发区", "各街道", "税务局"], ["区财政局"], END, False, None),
    }),
    "15": (2020, "", 2, {
        0: ("切实提高政治站位", ["区卫健局", "区疫情防控指挥部成员单位", "各街办(新区)"], ["区卫健局"], END, False, None),
        1: ("以爱国卫生运动", ["区卫健局", "区创文办", "区疫情防控指挥部成员单位", "区创文工作领导小组成员单位", "各街办(新区)"], ["区卫健局", "区创文办"], END, False, None),
    }),
    "16": (2019, "", 1, {
        0: ("完善街道党工委", ["区委组织部", "区委编办", "区民政局(区委社会工委)", "园区党工委", "各街道党工委"], ["区委组织部"], END, False, None),
    }),
    "17": (None, "", 8, {
        0: ("常态化公开就业", ["财政所", "便民综合服务中心", "土管所"], ["财政所"], END, True, None),
        1: ("积极探索特定群体", ["便民综合服务中心"], ["便民综合服务中心"], END, False, None),
        2: ("聚焦就业创业", ["民政办公室", "卫生院"], ["民政办公室"], END, False, None),
        7: ("拓展线下解读渠道", ["党政办公室"], ["党政办公室"], END, False, None),
    }),
    "18": (2023, "", 11, {
        0: ("依据标准目录", [], [], END, True, None),
        1: ("将各类惠民惠农", [], [], D(2023, 12, 31), False, None),
        6: ("政府信息公开工作主管部门", [], [], END, True, None),
        7: ("进一步规范政务公开第三方", [], [], END, True, None),
        8: ("将年度政务公开重点工作", [], [], D(2023, 12, 31), False, None),
    }),
}  # fmt: skip


def source(prefix: str) -> str:
    if not PLANS.exists():
        pytest.skip(f"the reference plans are not on this machine ({PLANS})")
    [path] = PLANS.glob(f"{prefix}-*.txt")
    return path.read_text(encoding="utf-8")


# What an input method types: full-width punctuation, digits and brackets throughout.
_TO_FULL = {c: c + 0xFEE0 for c in range(0x21, 0x7F) if chr(c) not in "|\t"} | {0x20: 0x3000}


def full_width(text: str) -> str:
    return text.translate(_TO_FULL)


def grid_of(table: Table) -> list[list[str | None]]:
    """The table as Word or a web page holds it: a text rendering lost the cells of merged
    ranges (a spanning header, category cells written once), so short rows get them back on the
    left, ``None`` for a cell merged with the one above. A table flattened to one cell a line is
    first cut into its rows."""
    rows = table.texts()
    end = next((k for k, r in enumerate(rows) if not r), len(rows))
    header = [r[0] for r in rows[:end]]
    if table.flat and tables.header_roles(header):
        cells = [r[0] if r else tables.ROW_END for r in rows[end + 1 :]]
        rows = [header, *tables.flat_rows(cells, tables.header_roles(header))]
    rows = [r for r in rows if r]
    roles = tables.header_roles(rows[0]) or []
    width = max(len(r) for r in rows)
    grid: list[list[str | None]] = []
    for r, row in enumerate(rows):
        if r and roles and roles[-1] == "units" and not tables.is_units_cell(row[-1]):
            row = [*row, None]  # the unit cell merged with the row above
        missing = width - len(row)
        if r == 0:
            grid.append([row[0]] * missing + row)  # a header label spanning columns
        else:
            grid.append([None] * missing + row)
    return grid


def docx_of(document: Document) -> bytes:
    """A Word document of the blocks: paragraphs as paragraphs, tables as Word tables with
    their merged cells merged."""
    import docx

    out = docx.Document()
    for block in document.blocks:
        if isinstance(block, Paragraph):
            out.add_paragraph(block.text)
            continue
        grid = grid_of(block)
        table = out.add_table(rows=len(grid), cols=len(grid[0]))
        table.style = "Table Grid"  # ruled, as plans print their tables
        for r, row in enumerate(grid):
            for c, text in enumerate(row):
                if text is None:
                    table.cell(r - 1, c).merge(table.cell(r, c))
                else:
                    table.cell(r, c).text = text
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def rows_merged(grid: list[list[str | None]], r: int, c: int) -> int:
    """How many rows the cell at (r, c) spans: itself and the merged cells below it."""
    below = 1
    while r + below < len(grid) and grid[r + below][c] is None:
        below += 1
    return below


def html_of(document: Document) -> bytes:
    from html import escape

    parts = ["<html><head><meta charset='utf-8'></head><body>", "<nav>首页 | 政务公开</nav>"]
    for block in document.blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
            continue
        grid = grid_of(block)
        cells = "".join(
            "<tr>"
            + "".join(
                f"<td rowspan='{rows_merged(grid, r, c)}'>{escape(text)}</td>"
                for c, text in enumerate(row)
                if text is not None
            )
            + "</tr>"
            for r, row in enumerate(grid)
        )
        parts.append(f"<table>{cells}</table>")
    parts.append("</body></html>")
    return "".join(parts).encode()


def xlsx_of(document: Document) -> bytes:
    """The plan kept in one sheet: each paragraph a line in the first column, each table's grid
    below with its merged cells merged."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for block in document.blocks:
        if isinstance(block, Paragraph):
            sheet.append([block.text])
            continue
        grid = grid_of(block)
        top = sheet.max_row + 1
        for row in grid:
            sheet.append(row)
        for r, row in enumerate(grid):
            for c, text in enumerate(row):
                if text is not None and (span := rows_merged(grid, r, c)) > 1:
                    sheet.merge_cells(
                        start_row=top + r, start_column=c + 1, end_row=top + r + span - 1,
                        end_column=c + 1,
                    )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def printed(tmp_path_factory) -> dict[str, bytes]:
    """Every plan's Word document printed to PDF, in one LibreOffice run."""
    if convert.soffice() is None or not has_cjk_font():
        pytest.skip("LibreOffice or a Chinese font to print the plans to PDF is not installed")
    files = {f"{p}.docx": docx_of(read_text(source(p))) for p in EXPECTED if p not in NOT_PRINTED}
    pdfs = converted_by_libreoffice(files, "pdf", tmp_path_factory.mktemp("printed"))
    return {name.removesuffix(".docx"): data for name, data in pdfs.items()}


MADE = {"docx": docx_of, "xlsx": xlsx_of, "html": html_of}
# Texts whose printed form is not what an office would print: the lines of 16 keep the hard
# breaks of the PDF they were copied from (a Word file holds one paragraph each), and 18 is a
# table flattened to one cell a line (printed, it would be a table).
NOT_PRINTED = {"16", "18"}
FORMS = ["text", "full-width", "docx", "xlsx", "html", "pdf"]


def read(prefix: str, form: str, request):
    text = source(prefix)
    if form == "text":
        return parse_document(read_text(text))
    if form == "full-width":
        return parse_document(read_text(full_width(text)))
    if form == "pdf":
        if prefix in NOT_PRINTED:
            pytest.skip("its text is not the form an office prints")
        return parse_document(read_document("plan.pdf", request.getfixturevalue("printed")[prefix]))
    return parse_document(read_document(f"plan.{form}", MADE[form](read_text(text))))


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_each_field_plan_is_read_as_a_careful_human_reads_it(prefix, form, request):
    year, number, count, samples = EXPECTED[prefix]

    plan = read(prefix, form, request)

    assert (plan.facts.year, plan.facts.number, len(plan.tasks)) == (year, number, count)
    for index, (start, units, leads, deadline, ongoing, recurrence) in samples.items():
        task = plan.tasks[index]
        wanted_deadline = deadline or (D(year, 12, 31) if year else None)
        assert task.text.startswith(start), f"task {index}: {task.text[:30]}"
        assert (task.units, task.leads) == (units, leads), f"task {index}"
        assert task.lead == (leads[0] if leads else None), f"task {index}"
        assert (task.deadline, task.ongoing, task.recurrence) == (
            wanted_deadline,
            ongoing,
            recurrence,
        ), f"task {index}"


def test_a_standing_rule_adds_its_units_to_every_later_task():
    plan = parse_document(
        read_text(
            "一、任务\n"
            "1.公开预算。(办公室牵头,各股室负责。以下工作均需各学校落实,不再列出)\n"
            "2.公开决算。(计财股负责)\n"
        )
    )

    assert [t.units for t in plan.tasks] == [["办公室", "各股室"], ["计财股", "各学校"]]


def test_a_plan_without_units_gives_its_leaf_paragraphs_with_a_warning_each():
    plan = parse_document(read_text("一、主要任务\n(一)加强解读\n扩大解读范围。\n落实解读责任。\n"))

    assert [t.text for t in plan.tasks] == ["扩大解读范围。", "落实解读责任。"]
    assert [w.code for w in plan.warnings if w.code == "no_units"] == ["no_units", "no_units"]


def test_a_table_cell_with_numbered_lines_holds_that_many_tasks():
    table = Table.of(
        [
            ["序号", "任务", "责任单位", "完成时限"],
            ["1", "1、公开预算\n2、公开决算", "计财股", "6月底前"],
        ]
    )

    plan = parse_document(Document([Paragraph("某局2024年任务清单"), table], kind="docx"))

    assert [(t.text, t.units, t.deadline) for t in plan.tasks] == [
        ("公开预算。", ["计财股"], D(2024, 6, 30)),
        ("公开决算。", ["计财股"], D(2024, 6, 30)),
    ]


def test_leaders_named_in_a_column_are_a_note_not_units():
    table = Table.of(
        [
            ["序号", "工作任务", "责任领导", "责任单位", "完成时限"],
            ["1", "公开预算。", "张三", "计财股", "年底前"],
        ]
    )

    plan = parse_document(Document([Paragraph("某局2024年任务分解表"), table], kind="docx"))

    [task] = plan.tasks
    assert (task.units, task.note) == (["计财股"], "张三")


@pytest.mark.parametrize(
    ("written", "deadline", "response"),
    [
        ("6月上旬完成", D(2024, 6, 10), []),
        ("9月中旬前报送", D(2024, 9, 20), []),
        ("11月下旬前报送", D(2024, 11, 30), []),
        ("2024年8月前出台方案", D(2024, 7, 31), []),
        ("收到申请3天内答复", D(2024, 12, 31), [3]),
    ],
)
def test_deadlines_of_the_field(written, deadline, response):
    plan = parse_document(read_text(f"某局2024年工作要点\n一、任务\n1.{written}。(办公室负责)"))

    [task] = plan.tasks
    assert (task.deadline, task.response_days) == (deadline, response)


def test_a_garbled_date_is_said_and_never_guessed():
    plan = parse_document(
        read_text("某局2024年工作要点\n一、任务\n1.于2024824前报送。(办公室负责)")
    )

    assert plan.tasks[0].deadline == D(2024, 12, 31)
    assert "garbled_date" in [w.code for w in plan.warnings]


def test_the_roles_the_office_sets_read_a_table_its_header_did_not_explain():
    table = Table.of(
        [
            ["编号", "要做的事", "谁来做", "何时"],
            ["1", "公开部门预算。", "计财股", "3月底前"],
        ]
    )
    document = Document([Paragraph("某局2024年工作台账"), table], kind="docx")
    [as_read] = parse_document(document, keep_tables=True).tables

    plan = parse_document(document, {0: (1, ["number", "text", "units", "deadline"])})

    assert (as_read.roles, as_read.unsure) == (None, True)
    assert [(t.text, t.units, t.deadline) for t in plan.tasks] == [
        ("公开部门预算。", ["计财股"], D(2024, 3, 31))
    ]
    assert (plan.tables[0].set_by_office, plan.tables[0].unsure) == (True, False)


def test_without_keeping_tables_a_table_of_no_tasks_is_refused_with_what_was_found():
    table = Table.of([["编号", "要做的事", "谁来做"], ["1", "公开部门预算。", "计财股"]])

    with pytest.raises(PlanFormatError) as caught:
        parse_document(Document([table], kind="docx"))

    assert (caught.value.code, caught.value.params["tables"]) == ("no_tasks", 1)


def test_a_plan_set_in_a_one_column_frame_is_read_as_its_prose():
    frame = Table.of([["某局2024年政务公开工作要点"], ["一、主要任务\n1.公开预算。(办公室负责)"]])

    plan = parse_document(Document([frame], kind="docx"))

    assert [(t.text, t.units) for t in plan.tasks] == [("公开预算。", ["办公室"])]


def test_a_document_kept_with_an_import_reads_back_the_same():
    document = read_document("plan.docx", docx_of(read_text(source("12"))))

    again = Document.from_json(json.loads(json.dumps(document.as_json())))

    assert again == document
