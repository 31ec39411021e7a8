"""The report's front matter (title, opening, sign-off), the department's self-name, numbers
printed as typed and the 2019 labels, through the draft page and read back from every export."""

import datetime
import json
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from lxml import html as lxml_html
from openpyxl import load_workbook

from org.models import derived_self_name
from reporting import exports, queries, services
from reporting.exports import WRITERS
from reporting.frontmatter import title_lines
from reporting.models import ReportDraft

YEAR = 2026
FINAL_DAY = datetime.datetime(YEAR + 1, 1, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture
def draft(world, office_staff) -> ReportDraft:
    department = world.department
    department.contact_address = "丰泽区东海大街100号"
    department.contact_phone = "0595-22222222"
    department.report_site = "丰泽区人民政府门户网站“政府信息公开”专栏"
    department.save()
    return services.generate(services.create_draft(department, YEAR, by=office_staff), by=None)


def _export(draft: ReportDraft, fmt: str) -> bytes:
    return WRITERS[fmt].write(queries.content(draft))


def _docx_text(data: bytes) -> list[str]:
    return [p.text for p in Document(BytesIO(data)).paragraphs]


def _html_text(data: bytes) -> str:
    return lxml_html.fromstring(data.decode()).text_content()


def _post_front(client, draft, **fields):
    page = client.get(reverse("reporting:report_detail", args=[draft.pk]))
    form = page.context["front"]
    data = {f"front-{name}": value or "" for name, value in form.initial.items()}
    data |= {f"front-{name}": value for name, value in fields.items()}
    return client.post(reverse("reporting:report_front", args=[draft.pk]), data)


# --- Self-name ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "own"),
    [
        ("泉州市丰泽区教育局", "我局"),
        ("福建省教育厅", "我厅"),
        ("某市发展和改革委员会", "我委"),
        ("平潭综合实验区管委会", "我委"),
        ("某开发区管理委员会", "我委"),
        ("某区人民政府办公室", "我办"),
        ("某市档案馆", "我单位"),
    ],
)
def test_a_departments_self_name_is_read_off_the_end_of_its_name(name, own):
    assert derived_self_name(name) == own


def test_part_five_speaks_with_the_departments_self_name(world, office_staff):
    # given
    world.department.name = "福建省教育厅"
    world.department.save()
    # when
    draft = services.generate(
        services.create_draft(world.department, YEAR, by=office_staff), by=None
    )
    # then: it names itself in the problems and in next year's measures
    text = draft.sections.get(number=5).text
    assert text.count("我厅") == 2
    assert "我局" not in text

    world.department.self_name = "本厅"
    world.department.save()
    draft = services.generate(ReportDraft.objects.get(pk=draft.pk), by=None)
    assert draft.sections.get(number=5).text.count("本厅") == 2


# --- Title breaks ------------------------------------------------------------------------------


def test_a_long_title_is_broken_after_the_departments_name():
    title = "平潭综合实验区管理委员会2022年政府信息公开工作年度报告"
    assert title_lines(title, "平潭综合实验区管理委员会") == (
        "平潭综合实验区管理委员会",
        "2022年政府信息公开工作年度报告",
    )


def test_a_title_is_broken_where_the_office_broke_it_or_kept_whole_when_it_fits():
    assert title_lines("某区教育局\n2024年度政府信息公开工作年度报告", "某区教育局") == (
        "某区教育局",
        "2024年度政府信息公开工作年度报告",
    )
    assert title_lines("某局2024年政府信息公开工作年度报告", "某局") == (
        "某局2024年政府信息公开工作年度报告",
    )
    # Renamed in the title: broken before the year, not inside a word.
    assert title_lines("泉州市丰泽区教育局（体育局）2024年度政府信息公开工作年度报告", "x") == (
        "泉州市丰泽区教育局（体育局）",
        "2024年度政府信息公开工作年度报告",
    )


# --- Defaults ----------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(YEAR + 1, 1, 10, 9, tzinfo=datetime.UTC), tick=False)
def test_the_front_matter_defaults_to_the_departments_name_settings_and_today(draft):
    content = queries.content(draft)

    assert content.title == "泉州市丰泽区教育局2026年政府信息公开工作年度报告"
    assert "国办公开办函〔2021〕30号" in content.preamble
    assert "丰泽区人民政府门户网站“政府信息公开”专栏" in content.preamble
    assert "地址：丰泽区东海大街100号" in content.preamble
    assert "电话：0595-22222222" in content.preamble
    assert content.sign_off == ("泉州市丰泽区教育局", "2027年1月10日")


def test_a_final_report_is_signed_on_the_day_it_was_marked_final(draft, office_staff):
    ReportDraft.objects.filter(pk=draft.pk).update(finalised_at=FINAL_DAY)
    draft.refresh_from_db()
    with time_machine.travel(FINAL_DAY + datetime.timedelta(days=30), tick=False):
        assert queries.content(draft).sign_off[1] == "2027年1月20日"


# --- Edited on the page, used by every export --------------------------------------------------


def test_the_office_edits_the_front_matter_and_every_export_uses_it(client, office_staff, draft):
    # given
    client.force_login(office_staff)
    # when
    response = _post_front(
        client,
        draft,
        title="泉州市丰泽区教育局\n2026年度政府信息公开工作年度报告",
        opening="本报告由泉州市丰泽区教育局编制。联系电话：0595-11111111。",
        sign_off_name="泉州市丰泽区教育局（盖章）",
        sign_off_date="2027-01-25",
    )
    # then
    assert response.status_code == 302
    draft.refresh_from_db()
    title = "泉州市丰泽区教育局2026年度政府信息公开工作年度报告"
    opening = "本报告由泉州市丰泽区教育局编制。联系电话：0595-11111111。"
    signed = ("泉州市丰泽区教育局（盖章）", "2027年1月25日")

    document = Document(BytesIO(_export(draft, "docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "泉州市丰泽区教育局\n2026年度政府信息公开工作年度报告"
    assert paragraphs[1] == opening
    assert tuple(paragraphs[-2:]) == signed
    assert document.core_properties.title == title

    page = lxml_html.fromstring(_export(draft, "html").decode())
    assert page.findtext(".//title") == title
    h1 = page.find(".//h1")
    assert [h1.text, *(br.tail for br in h1.findall("br"))] == [
        "泉州市丰泽区教育局",
        "2026年度政府信息公开工作年度报告",
    ]
    assert opening in page.text_content()
    assert [p.text for p in page.findall(".//footer/p")] == list(signed)

    document_json = json.loads(_export(draft, "json"))
    assert document_json["title"] == title
    assert document_json["title_lines"] == [
        "泉州市丰泽区教育局",
        "2026年度政府信息公开工作年度报告",
    ]
    assert document_json["opening"] == opening
    assert document_json["sign_off"] == list(signed)

    workbook = load_workbook(BytesIO(_export(draft, "xlsx")))
    assert workbook.properties.title == title
    assert all(sheet["A1"].value.startswith(title) for sheet in workbook.worksheets)
    assert exports.filename(queries.content(draft), "pdf") == f"{title}.pdf"


def test_a_field_emptied_or_left_at_its_default_follows_the_department(client, office_staff, draft):
    client.force_login(office_staff)
    _post_front(client, draft, opening="")  # the other fields as shown: their defaults
    draft.refresh_from_db()
    assert (draft.title, draft.opening, draft.sign_off_name, draft.sign_off_date) == (
        "",
        "",
        "",
        None,
    )
    draft.department.contact_phone = "0595-33333333"
    draft.department.save()
    assert "电话：0595-33333333" in queries.content(draft).preamble


def test_a_front_matter_save_over_someone_elses_is_refused_and_keeps_the_typing(
    client, office_staff, draft
):
    # given: the page is opened, then someone else saves a title
    client.force_login(office_staff)
    page = client.get(reverse("reporting:report_detail", args=[draft.pk]))
    shown = page.context["front"]
    services.set_front_matter(
        draft,
        title="他人修改的标题",
        opening="",
        sign_off_name="",
        sign_off_date=None,
        by=office_staff,
    )
    # when
    data = {f"front-{name}": value or "" for name, value in shown.initial.items()}
    data["front-opening"] = "我的开头"
    response = client.post(reverse("reporting:report_front", args=[draft.pk]), data)
    # then
    assert response.status_code == 200
    form = response.context["front"]
    assert "stale" in [e.code for e in form.errors.as_data()["__all__"]]
    assert form.data["front-opening"] == "我的开头"
    assert form.data["front-title"] == "他人修改的标题"  # theirs, shown
    draft.refresh_from_db()
    assert (draft.title, draft.opening) == ("他人修改的标题", "")


def test_the_front_matter_form_is_the_offices_and_not_on_a_final_report(
    client, leader, office_staff, draft
):
    client.force_login(leader)
    page = client.get(reverse("reporting:report_detail", args=[draft.pk]))
    assert page.context["front"] is None
    assert "泉州市丰泽区教育局2026年政府信息公开工作年度报告" in page.content.decode()

    client.force_login(office_staff)
    ReportDraft.objects.filter(pk=draft.pk).update(status=ReportDraft.Status.FINAL)
    page = client.get(reverse("reporting:report_detail", args=[draft.pk]))
    assert page.context["front"] is None


# --- Numbers as typed --------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "printed"), [("18651.06", "18651.06"), ("12.00", "12.00")])
def test_money_prints_as_typed_and_counts_as_integers_in_every_export(
    client, office_staff, draft, typed, printed
):
    # given: 行政事业性收费 and 行政许可 entered on the page
    client.force_login(office_staff)
    url = reverse("reporting:report_cell", args=[draft.pk])
    client.post(url, {"t2-cell": "fees|amount", "t2-value": typed})
    client.post(url, {"t2-cell": "licensing|decisions", "t2-value": "7"})
    # then
    docx = Document(BytesIO(_export(draft, "docx")))
    two = docx.tables[0]
    texts = {c.text for row in two.rows for c in row.cells}
    assert printed in texts
    assert "7" in texts
    assert not any("0000" in t for t in texts)

    html = _html_text(_export(draft, "html"))
    assert printed in html
    assert "18651.060000" not in html

    document_json = json.loads(_export(draft, "json"))
    blocks = document_json["tables"][0]["blocks"]
    assert blocks[3]["rows"][0]["values"] == [printed]  # money: exact decimals, as a string
    assert blocks[1]["rows"][0]["values"] == [7]  # a count: an integer

    sheet = load_workbook(BytesIO(_export(draft, "xlsx"))).worksheets[0]
    cells = {c.coordinate: c for row in sheet.iter_rows() for c in row}
    fee = next(c for c in cells.values() if c.value == float(typed))
    assert fee.number_format == "#,##0.00"
    count = next(c for c in cells.values() if c.value == 7)
    assert count.number_format == "0"


def test_the_2019_table_reads_its_labels_and_prints_the_purchase_unit(world, office_staff):
    # given
    draft = services.create_draft(world.department, 2020, by=office_staff)
    services.set_cell(
        draft,
        table=2,
        row="procurement",
        column="amount",
        value=Decimal("439.1575"),
        by=office_staff,
    )
    # then
    two = Document(BytesIO(_export(draft, "docx"))).tables[0]
    texts = [c.text for row in two.rows for c in row.cells]
    assert "处理决定数量" in texts
    assert "本年处理决定数量" not in texts
    assert "采购总金额" in texts
    assert "439.1575万元" in texts
    document_json = json.loads(_export(draft, "json"))
    procurement = document_json["tables"][0]["blocks"][4]
    assert procurement["units"] == {"procurement|amount": "万元"}
    assert procurement["rows"][0]["values"][1] == "439.1575"
    sheet = load_workbook(BytesIO(_export(draft, "xlsx"))).worksheets[0]
    amount = next(c for row in sheet.iter_rows() for c in row if c.value == 439.1575)
    assert amount.number_format == '#,##0.0000"万元"'


# --- .docx layout ------------------------------------------------------------------------------


def test_docx_tables_keep_with_their_headers_and_rows_never_split(draft):
    document = Document(BytesIO(_export(draft, "docx")))
    two, three, four = document.tables
    for table in (two, three, four):
        rows = table.rows
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
        # Every row but the last keeps with the next: the table (and each block with its
        # header) stays on one page when it fits.
        for row in rows[:-1]:
            assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
        assert not any(
            p.paragraph_format.keep_with_next for c in rows[-1].cells for p in c.paragraphs
        )

    def repeated(table):
        return [r._tr.trPr.find(qn("w:tblHeader")) is not None for r in table.rows]

    assert repeated(three)[:3] == [True] * 3
    assert not any(repeated(three)[3:])
    assert not any(repeated(two))
    assert not any(repeated(four))


def test_docx_title_is_broken_after_the_departments_name_in_the_title_fonts(world, office_staff):
    world.department.name = "平潭综合实验区管理委员会"
    world.department.save()
    draft = services.create_draft(world.department, 2022, by=office_staff)
    title = Document(BytesIO(_export(draft, "docx"))).paragraphs[0]
    assert title.text == "平潭综合实验区管理委员会\n2022年政府信息公开工作年度报告"
    assert title.style.font.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_a_report_may_print_no_opening_paragraph(client, office_staff, draft):
    # Seed 000 goes from its title straight to 一、总体情况.
    client.force_login(office_staff)
    _post_front(client, draft, opening="", no_opening="on")
    draft.refresh_from_db()
    assert draft.no_opening
    content = queries.content(draft)
    assert content.preamble == ""
    assert json.loads(_export(draft, "json"))["opening"] == ""
    _post_front(client, draft, no_opening="")
    draft.refresh_from_db()
    assert queries.content(draft).preamble.startswith("本报告根据")
