"""Issue 19, item 8: a real published report, re-entered through the product's own inputs as an
office would (a new draft for its year, each of its tables 二/三/四 pasted as copied from the
published page, the front-matter form), comes out of the exports as it was published: every
table cell, the title, the opening paragraph and the sign-off.

The pasted tables are sliced from the reference texts themselves, not read by the product: seed
000's web page gives a cell a line; 平潭2022's text runs each row's cells together
(「713000074」), so its rows are written out below with the cuts a reader makes, and the test
first checks that they are the reference's text exactly, cuts aside. Those pages print no 落款
under the text: the sign-off is the issuing body the title names and the page's 发布时间.
"""

import datetime
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document

from org.models import User
from reporting import pdf_export
from reporting.formats import FORMATS, MONEY_UNITS, CellKey, TableFormat
from reporting.frontmatter import chinese_date
from reporting.grid import VALUE, table_grid
from reporting.models import ReportDraft
from tests.factories import DepartmentFactory, UnitFactory, UserFactory
from tests.reporting.test_report_pdf import layout_faults, pdf_pages

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
TABLE_HEADS = {
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政",  # 平潭2022 misprints 「行政法复议」
    5: "五、",
}
HEAD_ENDS = {2: "政府信息情况", 3: "申请情况", 4: "诉讼情况"}

Row = list[str]  # a printed row as copied: header or label cells, then value cells


@dataclass
class Published:
    department: str
    year: int
    title: str
    opening: str
    sign_off: tuple[str, datetime.date]
    tables: dict[int, list[Row]]


def _read(path: Path) -> str:
    if not path.exists():
        pytest.skip(f"reference report {path.name} not found")
    return path.read_text(encoding="utf-8")


def _section(text: str, number: int) -> str:
    """Table ``number``'s text: from the end of its heading to the next part's heading."""
    start = text.index(TABLE_HEADS[number])
    start = text.index(HEAD_ENDS[number], start) + len(HEAD_ENDS[number])
    return text[start : text.index(TABLE_HEADS[number + 1], start)].strip()


_VALUE = re.compile(r"-?\d+(?:\.\d+)?(?:元|万元)?")


def _is_value(cell: str) -> bool:
    return not cell or bool(_VALUE.fullmatch(cell))


def _web_rows(section: str) -> list[Row]:
    """A table as its web page's text gives it, a cell a line, cells apart by an empty line (a
    blank cell is a line of spaces), grouped back into the printed rows: each row's text cells,
    then its value cells."""
    cells = [" ".join(cell.split()) for cell in section.split("\n\n")]
    rows: list[Row] = []
    for cell in cells:
        if not rows or (not _is_value(cell) and _is_value(rows[-1][-1])):
            rows.append([])
        rows[-1].append(cell)
    return rows


def seed_000() -> Published:
    text = _read(next(iter(sorted((REFERENCE / "seeds").glob("000_*.txt"))), Path("-")))
    four = _web_rows(_section(text, 4))
    # Table 四's headers end at the last 总计; the line of values follows, as one row.
    last = max(i for i, cell in enumerate(four[-1]) if cell == "总计")
    four[-1:] = [four[-1][: last + 1], four[-1][last + 1 :]]
    return Published(
        department="福建省教育厅",
        year=2019,
        title=text.splitlines()[0].split(" -")[0],  # the page title carries the site's name
        opening="",  # the report goes from its title straight to 一、总体情况
        sign_off=("福建省教育厅", datetime.date(2020, 1, 14)),  # 发布时间:2020-01-14
        tables={2: _web_rows(_section(text, 2)), 3: _web_rows(_section(text, 3)), 4: four},
    )


# 平潭2022's tables, a row a line and its cells apart by 「|」, as its web page prints them.
PINGTAN_TABLES = {
    2: """
第二十条第（一）项
信息内容|本年制发件数|本年废止件数|现行有效件数
规章|0|0|0
行政规范性文件|88|55|698
第二十条第（五）项
信息内容|本年处理决定数量
行政许可|10690
第二十条第（六）项
信息内容|本年处理决定数量
行政处罚|2113
行政强制|0
第二十条第（八）项
信息内容|本年收费金额（单位：万元）
行政事业性收费|9116.36
""",
    3: """
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）|申请人情况
自然人|法人或其他组织|总计
商业企业|科研机构|社会公益组织|法律服务机构|其他
一、本年新收政府信息公开申请数量|71|3|0|0|0|0|74
二、上年结转政府信息公开申请数量|1|0|0|0|0|0|1
三、本年度办理结果|（一）予以公开|21|0|0|0|0|0|21
（二）部分公开（区分处理的，只计这一情形，不计其他情形）|8|1|0|0|0|0|9
（三）不予公开|1.属于国家秘密|0|0|0|0|0|0|0
2.其他法律行政法规禁止公开|0|0|0|0|0|0|0
3.危及“三安全一稳定”|0|0|0|0|0|0|0
4.保护第三方合法权益|0|0|0|0|0|0|0
5.属于三类内部事务信息|1|0|0|0|0|0|1
6.属于四类过程性信息|2|0|0|0|0|0|2
7.属于行政执法案卷|1|0|0|0|0|0|1
8.属于行政查询事项|0|0|0|0|0|0|0
（四）无法提供|1.本机关不掌握相关政府信息|37|0|0|0|0|0|37
2.没有现成信息需要另行制作|0|0|0|0|0|0|0
3.补正后申请内容仍不明确|0|0|0|0|0|0|0
（五）不予处理|1.信访举报投诉类申请|0|0|0|0|0|0|0
2.重复申请|0|0|0|0|0|0|0
3.要求提供公开出版物|0|0|0|0|0|0|0
4.无正当理由大量反复申请|0|0|0|0|0|0|0
5.要求行政机关确认或重新出具已获取信息|0|0|0|0|0|0|0
（六）其他处理|1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请|2|0|0|0|0|0|2
2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请|0|0|0|0|0|0|0
3.其他|0|2|0|0|0|0|2
（七）总计|72|3|0|0|0|0|75
四、结转下年度继续办理|0|0|0|0|0|0|0
""",
    4: """
行政复议|行政诉讼
结果维持|结果纠正|其他结果|尚未审结|总计|未经复议直接起诉|复议后起诉
结果维持|结果纠正|其他结果|尚未审结|总计|结果维持|结果纠正|其他结果|尚未审结|总计
0|1|1|0|2|1|0|0|0|1|0|0|0|0|0
""",
}


def _squeezed(text: str) -> str:
    return "".join(text.split()).replace("|", "")


def pingtan_2022() -> Published:
    text = _read(REFERENCE / "reports" / "pingtan-2022.txt")
    body = text.split("正文 ====================", 1)[1].strip()
    tables = {}
    for number, rows in PINGTAN_TABLES.items():
        # The rows written out are the published text, cell for cell: only the cuts are added.
        assert _squeezed(rows) == _squeezed(_section(body, number))
        tables[number] = [line.split("|") for line in rows.strip().splitlines()]
    return Published(
        department="平潭综合实验区",
        year=2022,
        title=re.search(r"^标题: (.+)$", text, re.M).group(1),  # type: ignore[union-attr]
        opening=body[: body.index(" 一、总体情况")],
        sign_off=("平潭综合实验区", datetime.date(2023, 2, 20)),  # 发布时间: 2023-02-20
        tables=tables,
    )


# --- Re-entering it ----


@pytest.fixture
def office(db):
    def make(name: str) -> User:
        department = DepartmentFactory(name=name)
        office = UnitFactory(department=department, name="办公室", is_office=True)
        return UserFactory(department=department, unit=office, role=User.Role.OFFICE)

    return make


def reenter(client, user: User, report: Published) -> ReportDraft:
    client.force_login(user)
    response = client.post(reverse("reporting:report_list"), {"year": report.year})
    assert response.status_code == 302
    draft = ReportDraft.objects.get(department=user.department, year=report.year)
    url = reverse("reporting:report_table_entry", args=[draft.pk])
    for number, rows in report.tables.items():
        pasted = "\n".join("\t".join(row) for row in rows)
        preview = client.post(url, {"table": number, "text": pasted, "action": "preview"})
        assert preview.context["read"].errors == []
        response = client.post(url, {"table": number, "text": pasted, "action": "confirm"})
        assert response.status_code == 302, response.context["read"].errors
    page = client.get(draft.get_absolute_url())
    data = {f"front-{name}": value or "" for name, value in page.context["front"].initial.items()}
    name, date = report.sign_off
    data |= {
        "front-title": report.title,
        "front-opening": report.opening,
        "front-sign_off_name": name,
        "front-sign_off_date": date.isoformat(),
    }
    if not report.opening:
        data["front-no_opening"] = "on"
    response = client.post(reverse("reporting:report_front", args=[draft.pk]), data)
    assert response.status_code == 302
    return draft


def _export(client, draft: ReportDraft, fmt: str) -> bytes:
    response = client.get(reverse("reporting:report_export", args=[draft.pk, fmt]))
    assert response.status_code == 200
    return response.content


def _amount(text: str, unit: str) -> Decimal:
    """A printed figure, an amount in 元 whatever unit it is printed in (its own, else the
    cell's); a count as itself."""
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)(元|万元)?", text.strip() or "0")
    assert match, text
    return Decimal(match.group(1)) * (10_000 if (match.group(2) or unit) == "万元" else 1)


def _unit(table: TableFormat, key: CellKey) -> str:
    """The unit a cell's figure is in: its column's (（单位：万元）) or the format's."""
    return "万元" if "万元" in table.column(key[1]).label else MONEY_UNITS.get(key, "")


def _label(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def reference_cells(report: Published, table: TableFormat) -> dict[CellKey, str]:
    """The reference's figures by cell: its rows that hold values, in the official order, each
    checked to be the format's row by its label."""
    rows = []
    for row in report.tables[table.number]:
        texts = [i for i, cell in enumerate(row) if not _is_value(cell)]
        label, cells = (row[texts[-1]], row[texts[-1] + 1 :]) if texts else ("", row)
        if cells:
            rows.append((label, cells))
    lines = [(block, line) for block in table.blocks for line in block.rows]
    assert len(rows) == len(lines)
    figures = {}
    for (block, line), (label, cells) in zip(lines, rows, strict=True):
        assert _label(line.label) == _label(label)
        assert len(cells) == len(block.columns), label
        figures |= {(line.key, c.key): cell for c, cell in zip(block.columns, cells, strict=True)}
    return figures


def json_matches(report: Published, document: dict) -> tuple[int, int]:
    """(cells of the JSON export equal to the reference's figure, cells in the reference)."""
    matched = total = 0
    fmt = FORMATS[document["format"]]
    for exported in document["tables"]:
        table = fmt.table(exported["number"])
        values = {
            (row["key"], column["key"]): str(value)
            for block in exported["blocks"]
            for row in block["rows"]
            for column, value in zip(block["columns"], row["values"], strict=True)
        }
        for key, figure in reference_cells(report, table).items():
            total += 1
            unit = _unit(table, key)
            matched += _amount(figure, unit) == _amount(values.get(key, "?"), unit)
    return matched, total


def docx_matches(report: Published, draft: ReportDraft, data: bytes) -> tuple[int, int]:
    """The same on the .docx's Word tables, each cell read at its place in the official grid."""
    matched = total = 0
    fmt = FORMATS[draft.format]
    for word, table in zip(Document(BytesIO(data)).tables, fmt.tables, strict=True):
        figures = reference_cells(report, table)
        for cell in table_grid(table).cells:
            if cell.kind == VALUE and cell.key is not None:
                total += 1
                unit = _unit(table, cell.key)
                printed = word.cell(cell.row, cell.col).text
                matched += _amount(figures[cell.key], unit) == _amount(printed, unit)
    return matched, total


@pytest.mark.parametrize(
    ("published", "cells"), [(seed_000, 198), (pingtan_2022, 200)], ids=["seed000", "pingtan"]
)
def test_a_published_report_reentered_is_exported_as_it_was_published(
    client, office, published, cells
):
    report = published()
    draft = reenter(client, office(report.department), report)
    document = json.loads(_export(client, draft, "json"))
    assert (document["year"], document["format"]) == (report.year, draft.format)
    # then: every table cell is the published figure, in JSON and in Word
    assert json_matches(report, document) == (cells, cells)
    assert docx_matches(report, draft, _export(client, draft, "docx")) == (cells, cells)
    # and the title, opening paragraph and sign-off are the published ones
    name, date = report.sign_off
    assert document["title"] == report.title
    assert document["opening"] == report.opening
    assert document["sign_off"] == [name, chinese_date(date)]
    paragraphs = [p.text for p in Document(BytesIO(_export(client, draft, "docx"))).paragraphs]
    assert paragraphs[0].replace("\n", "") == report.title  # broken in print, not changed
    assert not report.opening or report.opening in paragraphs
    assert paragraphs[-2:] == [name, chinese_date(date)]
    if pdf_export.available():
        # and its PDF is laid out as offices print, page by page
        pages = pdf_pages(_export(client, draft, "pdf"))
        assert layout_faults(pages) == []
        assert "".join(pages[-1][-2:]).replace(" ", "") == name + chinese_date(date)


# --- The checks on a real report ----

SOURCES = {"seed_000": "seeds/000_26e855e64031a3b2.txt", "pingtan_2022": "reports/pingtan-2022.txt"}


def _part_one(path: Path) -> str:
    """Part 一 of a reference report's text, its heading left out."""
    text = _read(path)
    start = text.index("一、总体情况") + len("一、总体情况")
    return text[start : text.index(TABLE_HEADS[2], start)].strip()


@pytest.mark.parametrize(
    ("published", "warnings"),
    [
        (seed_000, set()),
        # 2,031 characters where the 2021 format asks for about 1,000: a true warning.
        (pingtan_2022, {"G-1"}),
    ],
    ids=["seed000", "pingtan"],
)
def test_a_published_report_reentered_with_its_text_draws_no_false_warning(
    client, office, published, warnings
):
    # given: the report re-entered, and its part 一 as published, saved on the draft's page
    report = published()
    draft = reenter(client, office(report.department), report)
    section = draft.sections.get(number=1)
    text = _part_one(REFERENCE / SOURCES[published.__name__])
    response = client.post(
        reverse("reporting:report_section", args=[section.pk]), {f"s{section.pk}-text": text}
    )
    assert response.status_code == 302
    # then: the checks that fail are the ones the report really breaks
    draft.refresh_from_db()
    assert draft.sections.get(number=1).text == text
    failing = {f["rule"] for f in draft.checks if not f["ok"] and f["severity"] != "info"}
    assert failing == warnings
