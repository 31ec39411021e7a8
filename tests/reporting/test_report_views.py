"""The report draft's pages through the test client, and the export_report command."""

import datetime
import json
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from lxml import html as lxml_html
from openpyxl import load_workbook

from plans.models import Heading
from reporting import queries, services
from reporting.exports import WRITERS
from reporting.formats import SECTION_TITLES
from reporting.grid import table_grid
from reporting.jobs import generate_report_draft
from reporting.models import HeadingTopic, ManualCell, ReportDraft
from reporting.xlsx_export import FIRST_ROW, sheet_name
from tests.factories import make_request, make_review_case

YEAR = 2026


@pytest.fixture
def draft(world, office_staff) -> ReportDraft:
    make_request(
        world.department,
        received_on=datetime.date(YEAR, 3, 2),
        replied_on=datetime.date(YEAR, 3, 10),
        outcome="disclosed",
    )
    make_review_case(world.department, filed_on=datetime.date(YEAR, 4, 1))
    return services.generate(
        services.create_draft(world.department, YEAR, by=office_staff), by=None
    )


def _all(node, css_class: str, tag: str = "*"):
    return node.xpath(f'.//{tag}[contains(concat(" ", @class, " "), " {css_class} ")]')


def _cell(node, key: str):
    return node.xpath(f'.//td[@data-cell="{key}"]')[0]


def _page(client, draft):
    response = client.get(reverse("reporting:report_detail", args=[draft.pk]))
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def test_the_office_creates_a_years_report_and_its_generation_is_queued(
    client, world, office_staff, django_capture_on_commit_callbacks, monkeypatch
):
    # given
    queued = []
    monkeypatch.setattr(generate_report_draft, "delay", lambda *args: queued.append(args))
    client.force_login(office_staff)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:report_list"), {"year": "2025"})
    # then
    draft = ReportDraft.objects.get(department=world.department, year=2025)
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()
    assert draft.generation == ReportDraft.Generation.QUEUED
    assert queued == [(draft.pk, office_staff.pk)]
    # and the page shows the progress bar polling the status view
    page = _page(client, draft)
    assert page.get_element_by_id("generation-progress") is not None
    status = client.get(reverse("reporting:report_status", args=[draft.pk])).json()
    assert status == {"generation": "queued", "progress": 0, "error": "", "done": False}


def test_the_draft_page_shows_the_six_parts_and_the_tables_in_the_official_layout(
    client, office_staff, draft
):
    client.force_login(office_staff)
    page = _page(client, draft)
    titles = [h.text_content() for h in [p.xpath("./h2")[0] for p in _all(page, "report-part")]]
    assert titles == list(SECTION_TITLES)
    three = _all(page, "report-table-3")[0]
    results = next(th for th in three.xpath(".//th") if th.text_content() == "三、本年度办理结果")
    assert results.get("rowspan") == "22"  # 2021: （六）其他处理 has three rows
    corner = three.xpath(".//th")[0]
    assert corner.text_content().startswith("（本列数据的勾稽关系为")
    assert (corner.get("rowspan"), corner.get("colspan")) == ("3", "3")
    cell = _cell(three, "disclosed|natural_person")
    assert cell.text_content().strip() == "1"
    four = _all(page, "report-table-4")[0]
    assert _cell(four, "cases|review.pending").text_content().strip() == "1"


def test_a_cell_entered_by_hand_is_marked_and_a_failed_check_is_shown_next_to_it(
    client, office_staff, draft
):
    # given
    client.force_login(office_staff)
    # when
    response = client.post(
        reverse("reporting:report_cell", args=[draft.pk]),
        {"t3-cell": "new|business", "t3-value": "2"},
    )
    # then
    assert response.status_code == 302
    assert ManualCell.objects.get(draft=draft).value == 2
    page = _page(client, draft)
    cell = _cell(page, "new|business")
    assert "manual" in cell.get("class")
    total = _cell(page, "total|business")
    assert "failed" in total.get("class")
    assert "T3-1" in total.text_content()
    # and "mark as final" is refused, nothing corrected
    response = client.post(reverse("reporting:report_final", args=[draft.pk]), follow=True)
    assert "T3-1" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ReportDraft.Status.DRAFT


def test_the_office_edits_a_part_in_the_browser(client, office_staff, draft):
    client.force_login(office_staff)
    section = draft.sections.get(number=5)
    response = client.post(
        reverse("reporting:report_section", args=[section.pk]),
        {"action": "save", f"s{section.pk}-text": "一是宣传不够。\r\n二是培训不足。"},
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.is_edited
    assert section.text == "一是宣传不够。\n二是培训不足。"
    assert draft.versions.count() == 2


def test_the_office_marks_a_consistent_report_final(client, office_staff, draft):
    client.force_login(office_staff)
    # given: part 一 left with a placeholder for the office to fill in
    services.edit_section(
        draft.sections.get(number=1), text="（一）主动公开。（待补充）", by=office_staff
    )
    response = client.post(reverse("reporting:report_final", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == ReportDraft.Status.DRAFT
    assert "（待补充）" in response.content.decode()  # the message names what to fix
    # when the office writes the text, then it can be final
    services.edit_section(
        draft.sections.get(number=1), text="本机关做好公开工作。", by=office_staff
    )
    client.post(reverse("reporting:report_final", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ReportDraft.Status.FINAL


def test_a_leader_reads_the_draft_but_cannot_change_it(client, leader, draft):
    client.force_login(leader)
    page = _page(client, draft)
    assert not page.xpath("//textarea")
    section = draft.sections.get(number=1)
    response = client.post(
        reverse("reporting:report_section", args=[section.pk]), {f"s{section.pk}-text": "x"}
    )
    assert response.status_code == 403
    response = client.post(reverse("reporting:report_generate", args=[draft.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["unit_head", "other_office"])
def test_a_unit_or_another_bureau_cannot_reach_the_draft(client, world, request, draft, persona):
    # given
    if persona == "other_office":
        from tests.factories import UserFactory

        user = UserFactory(
            department=world.other_department,
            unit=world.other_task.assignments.get().unit,
            role="office",
        )
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    section = draft.sections.get(number=1)
    # when / then: forged posts answer 404 and change nothing
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("reporting:report_section", args=[section.pk]), {f"s{section.pk}-text": "x"}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("reporting:report_cell", args=[draft.pk]),
        {"t3-cell": "new|business", "t3-value": "9"},
    )
    assert response.status_code == 404
    section.refresh_from_db()
    assert not section.is_edited
    assert not ManualCell.objects.exists()


def test_a_version_is_a_page_of_the_report_as_it_stood_and_its_json_document(
    client, office_staff, draft
):
    client.force_login(office_staff)
    version = draft.versions.get()
    url = reverse("reporting:report_version", args=[version.pk])
    # the page: the title, every part under its heading, the tables' labels and values
    page = client.get(url)
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "泉州市丰泽区教育局2026年政府信息公开工作年度报告" in html
    for section in version.document["sections"]:
        assert section["title"] in html
    first_row = version.document["tables"][1]["blocks"][0]["rows"][0]
    assert first_row["label"] in html
    # and the document itself, for machines
    data = client.get(url, {"format": "json"}).json()
    assert data["format"] == "2021"
    assert data["title"] == "泉州市丰泽区教育局2026年政府信息公开工作年度报告"


def test_export_report_writes_the_json_document(world, office_staff, draft, tmp_path):
    # given
    services.set_cell(
        draft, table=2, row="fees", column="amount", value=Decimal("282.1"), by=office_staff
    )
    output = tmp_path / "report.json"
    # when
    call_command(
        "export_report",
        department=world.department.name,
        year=YEAR,
        fmt="json",
        output=str(output),
    )
    # then
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["format"] == "2021"
    assert [s["title"] for s in data["sections"]] == list(SECTION_TITLES)
    assert all({"number", "title", "text"} <= set(s) for s in data["sections"])
    two, three, four = data["tables"]
    assert next(b["title"] for b in two["blocks"]) == "第二十条第（一）项"
    fees = two["blocks"][3]["rows"][0]
    assert (fees["label"], fees["values"]) == ("行政事业性收费", ["282.1"])
    assert two["manual_cells"] == [["fees", "amount"]]
    columns = [c["label"] for c in three["blocks"][0]["columns"]]
    assert columns == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    rows = {r["key"]: r for r in three["blocks"][0]["rows"]}
    assert rows["new"]["label"] == "一、本年新收政府信息公开申请数量"
    assert rows["disclosed"]["values"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["withheld_state_secret"]["path"] == [
        "三、本年度办理结果",
        "（三）不予公开",
        "1.属于国家秘密",
    ]
    assert four["blocks"][0]["rows"][0]["values"][3:5] == [1, 1]  # 复议: 尚未审结, 总计
    assert {c["rule"] for c in data["checks"]} >= {"T3-1", "T4-1"}
    assert all({"rule", "ok", "message"} <= set(c) for c in data["checks"])


def test_export_report_drafts_a_year_never_drafted(world, tmp_path):
    output = tmp_path / "r.json"
    call_command(
        "export_report",
        department=world.department.name,
        year=2020,
        fmt="json",
        output=str(output),
    )
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["format"] == "2019"
    labels = [r["label"] for r in data["tables"][1]["blocks"][0]["rows"]]
    assert "（六）其他处理" in labels


def test_the_draft_page_costs_the_same_queries_whatever_the_size_of_the_year(
    client, world, office_staff, draft
):
    # given
    client.force_login(office_staff)
    url = reverse("reporting:report_detail", args=[draft.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    # when: more requests, cells entered by hand, versions
    for day in range(1, 6):
        make_request(world.department, received_on=datetime.date(YEAR, 6, day))
    for column in ("business", "research", "other_organisation"):
        services.set_cell(
            draft, table=3, row="new", column=column, value=Decimal(1), by=office_staff
        )
    services.generate(draft, by=None)
    # then
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_the_office_switches_on_optional_items_and_maps_a_heading(
    client, world, office_staff, draft
):
    # given
    client.force_login(office_staff)
    heading = Heading.objects.create(plan=world.plan, label="一、", title="深化公开")
    # when
    client.post(
        reverse("reporting:report_options", args=[draft.pk]),
        {"plan_summary": "on", "other_text": "按通知报告。"},
    )
    client.post(
        reverse("reporting:report_topics", args=[draft.pk]),
        {"heading": heading.pk, "topic": HeadingTopic.Topic.PLATFORMS},
    )
    # then: kept, and the draft is queued to be generated again
    draft.refresh_from_db()
    assert draft.options["plan_summary"] is True
    assert draft.options["other_text"] == "按通知报告。"
    assert draft.generation == ReportDraft.Generation.QUEUED
    assert HeadingTopic.objects.get(heading=heading).topic == "platforms"
    # a heading of another bureau's plan is not found
    other = Heading.objects.create(plan=world.other_plan, title="外局")
    response = client.post(
        reverse("reporting:report_topics", args=[draft.pk]),
        {"heading": other.pk, "topic": HeadingTopic.Topic.PLATFORMS},
    )
    assert response.status_code == 404


# --- Downloads -------------------------------------------------------------------------------


def _download(client, draft, fmt: str):
    response = client.get(reverse("reporting:report_export", args=[draft.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == WRITERS[fmt].content_type
    # RFC 5987: the Chinese title as filename*=utf-8''…
    title = quote(f"泉州市丰泽区教育局{YEAR}年政府信息公开工作年度报告.{fmt}")
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{title}"
    return response.content


def test_the_office_and_a_leader_download_the_draft_with_table_three_as_on_the_page(
    client, office_staff, leader, draft
):
    # given: the cell of table 三 the disclosed request counts in, where the grid puts it
    grid = table_grid(queries.report_format(draft).table(3))
    cell = next(c for c in grid.cells if c.key == ("disclosed", "natural_person"))
    assert queries.tables_of(draft)[3].values[cell.key] == 1
    for person in (office_staff, leader):
        client.force_login(person)
        # when
        docx = Document(BytesIO(_download(client, draft, "docx")))
        workbook = load_workbook(BytesIO(_download(client, draft, "xlsx")))
        # then
        assert docx.tables[1].cell(cell.row, cell.col).text == "1"
        assert workbook[sheet_name(grid)].cell(FIRST_ROW + cell.row, 1 + cell.col).value == 1
        assert "<table" in _download(client, draft, "html").decode()
        document = json.loads(_download(client, draft, "json"))
        assert document["title"] == docx.core_properties.title == queries.content(draft).title


@pytest.mark.parametrize("fmt", ["odt", "DOCX", "json.exe"])
def test_a_format_the_report_is_not_written_in_answers_404(client, office_staff, draft, fmt):
    client.force_login(office_staff)
    response = client.get(reverse("reporting:report_export", args=[draft.pk, fmt]))
    assert response.status_code == 404
