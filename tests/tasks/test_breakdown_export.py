"""The 任务分解表 the task list exports (?_export=xlsx): the sheet an office prints and files."""

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header

from org.models import Unit, User
from plans.models import Heading, Plan
from plans.services import save_heading
from tasks import queries, xlsx_export
from tasks.models import Task
from tasks.services import close_task
from tests.factories import PlanFactory, make_task

TZ = ZoneInfo("Asia/Shanghai")
EXPORT = reverse("tasks:task_list") + "?_export=xlsx"
FIRST_ROW = 4  # below the title, the note and the column headers
HEADERS = ["序号", "任务", "牵头单位", "配合单位", "完成时限", "进展", "备注"]


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def numbers_and_texts(sheet) -> list[tuple[str, str]]:
    return list(sheet.iter_rows(min_row=FIRST_ROW, max_col=2, values_only=True))


def is_band(sheet, row: int) -> bool:
    """A row of its own (a plan's or a heading's): its text merged across the row."""
    return f"B{row}:G{row}" in {str(r) for r in sheet.merged_cells.ranges}


@pytest.fixture
def world(world):
    """The small world, its tasks told apart by their texts."""
    for task, text in [(world.own_task, "社管办牵头的任务"), (world.foreign_task, "计财股的任务")]:
        task.text = text
        task.save(update_fields=["text"])
    return world


@pytest.fixture
def demo(db) -> Plan:
    call_command("load_demo", year=2026, stdout=io.StringIO())
    return Plan.objects.get(number="泉丰教〔2026〕58号")


@pytest.fixture
def demo_office(client, demo):
    client.force_login(User.objects.get(username="office"))
    return client


# --- Title and note -------------------------------------------------------------------------


def test_the_sheet_is_titled_after_the_plan_and_says_when_and_how_it_was_exported(
    demo_office, demo
):
    # given
    unit = Unit.objects.get(department=demo.department, short_name="社管办")
    # when
    with time_machine.travel(datetime.datetime(2026, 12, 6, 9, 30, tzinfo=TZ), tick=False):
        response = demo_office.get(f"{EXPORT}&unit={unit.pk}&q=公开")
    # then
    assert response["Content-Disposition"] == content_disposition_header(True, "任务分解表.xlsx")
    sheet = sheet_of(response)
    title = sheet["A1"]
    assert title.value == "《泉州市丰泽区教育局2026年政务公开工作实施方案》任务分解表"
    assert title.font.b
    assert title.font.sz >= 14
    assert {"A1:G1", "A2:G2"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value == (
        "泉丰教〔2026〕58号；导出时间：2026-12-06 09:30；筛选条件：单位：社管办；内容：公开"
    )
    assert sheet["A2"].font.sz < title.font.sz
    assert sheet.title == "任务分解表"


def test_the_tasks_of_several_plans_come_under_a_row_each_and_a_title_of_their_years(
    office_client, world, office_staff
):
    # given: last year's plan beside this year's
    last_year = PlanFactory(department=world.department, year=2025, title="2025年实施方案")
    make_task(last_year, lead=[world.own_unit], text="去年的任务", by=office_staff)
    # when
    sheet = sheet_of(office_client.get(EXPORT))
    # then
    assert sheet["A1"].value == "泉州市丰泽区教育局2025—2026年政务公开工作任务分解表"
    plan_rows = [
        (row, text)
        for row, (_, text) in enumerate(numbers_and_texts(sheet), start=FIRST_ROW)
        if text.startswith("《")
    ]
    assert [text for _, text in plan_rows] == [
        f"《{world.plan.title}》（{world.plan.number}）",
        f"《2025年实施方案》（{last_year.number}）",
    ]
    assert all(is_band(sheet, row) and sheet[f"B{row}"].font.b for row, _ in plan_rows)
    # numbered afresh under each plan
    assert [n for n, _ in numbers_and_texts(sheet)] == [None, "1.", "2.", None, "1."]


def test_an_export_with_nothing_in_it_says_so(office_client, world):
    sheet = sheet_of(office_client.get(f"{EXPORT}&q=没有这样的任务"))

    assert sheet["A1"].value == "政务公开工作任务分解表"
    assert [c.value for c in sheet[3]] == HEADERS
    assert numbers_and_texts(sheet) == [(None, "没有符合条件的任务。")]


# --- Headings and numbering -----------------------------------------------------------------


def test_the_plans_headings_are_rows_of_their_own_with_the_tasks_numbered_under_them(
    demo_office,
):
    sheet = sheet_of(demo_office.get(EXPORT))

    rows = numbers_and_texts(sheet)
    # The labels the plan gives its headings (「三、」 keeps 「(二)」: its 「(一)」 has no task),
    # the tasks a rank below: 1. 2. under 一、 and (一), (1) (2) under 1.
    assert [number for number, _ in rows] == [
        *["二、", "（一）", "1.", "（1）", "（2）", "（3）", "（4）", "2.", "（1）", "（2）"],
        *["3.", "（1）", "（二）", "1.", "2.", "3.", "（三）", "1.", "（四）", "1."],
        *["三、", "（二）", "1."],
    ]
    headings = [(r, n, t) for r, (n, t) in enumerate(rows, start=FIRST_ROW) if is_band(sheet, r)]
    assert [(n, t) for _, n, t in headings] == [
        ("二、", "重点任务和分工"),
        ("（一）", "做好政策发布与解读"),
        ("1.", "依法依规公开政策文件"),
        ("2.", "加大重点领域信息公开"),
        ("3.", "做好政策解读和舆情回应"),
        ("（二）", "提升政务服务便利度"),
        ("（三）", "管好用好政务新媒体"),
        ("（四）", "健全公开制度规范"),
        ("三、", "工作要求"),
        ("（二）", "按时报送"),
    ]
    for row, _, _ in headings:
        assert sheet[f"A{row}"].font.b
        assert sheet[f"B{row}"].font.b
        assert sheet[f"A{row}"].fill.fill_type == "solid"
    top, second = headings[0][0], headings[1][0]
    assert sheet[f"A{top}"].fill.fgColor.rgb != sheet[f"A{second}"].fill.fgColor.rgb
    task_row = FIRST_ROW + 3
    assert not sheet[f"B{task_row}"].font.b
    assert sheet[f"B{task_row}"].fill.fill_type is None


def test_headings_without_a_label_are_numbered_by_their_depth(office_client, world, office_staff):
    # given: headings typed in without numbers, a task under the second level
    top = save_heading(Heading(plan=world.plan, title="重点工作", position=1), by=office_staff)
    second = save_heading(
        Heading(plan=world.plan, parent=top, title="政策解读", position=2), by=office_staff
    )
    Task.objects.filter(pk=world.own_task.pk).update(heading=second)
    # when
    sheet = sheet_of(office_client.get(EXPORT))
    # then: tasks with no heading come first
    assert numbers_and_texts(sheet) == [
        ("1.", world.foreign_task.text),
        ("一、", "重点工作"),
        ("（一）", "政策解读"),
        ("1.", world.own_task.text),
    ]


# --- Cells ----------------------------------------------------------------------------------


def test_lead_and_co_operating_units_have_a_column_each(office_client, world):
    sheet = sheet_of(office_client.get(f"{EXPORT}&unit={world.own_unit.pk}"))

    assert [c.value for c in sheet[3]] == HEADERS
    number, text, lead, support, _, progress, remarks = (c.value for c in sheet[FIRST_ROW])
    assert (number, text, lead, support) == ("1.", world.own_task.text, "社管办", "办公室")
    assert progress == "2个单位中已完成0个"
    assert remarks is None


def test_deadlines_are_dates_excel_prints_in_chinese(office_client, world):
    sheet = sheet_of(office_client.get(EXPORT))

    due = sheet[f"E{FIRST_ROW}"]
    assert due.is_date
    assert due.value.date() == datetime.date(2026, 6, 30)
    assert due.number_format == 'yyyy"年"m"月"d"日"'


def test_an_english_export_prints_iso_dates(office_client, world):
    with translation.override("en"):
        data = xlsx_export.breakdown_workbook(
            queries.breakdown(queries.task_rows(Task.objects.filter(pk=world.own_task.pk))),
            exported_at=datetime.datetime(2026, 12, 6, 9, 30, tzinfo=TZ),
        )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active

    assert sheet[f"E{FIRST_ROW}"].number_format == "yyyy-mm-dd"
    assert sheet["C3"].value == "lead units"


def test_remarks_say_what_the_date_does_not(demo_office, demo):
    # given
    task = demo.tasks.get(deadline_kind=Task.DeadlineKind.DATE, is_milestone=False, position=1)
    close_task(task, reason="并入年度总结", by=User.objects.get(username="office"))
    # when
    sheet = sheet_of(demo_office.get(EXPORT))
    # then
    rows = sheet.iter_rows(min_row=FIRST_ROW, values_only=True)
    remarks = {row[1]: row[-1] for row in rows}
    by_kind = {t.deadline_kind: t for t in demo.tasks.exclude(deadline_kind=Task.DeadlineKind.DATE)}
    assert remarks[by_kind["ongoing"].text] == "持续至年底"
    recurring = by_kind["recurring"]
    assert remarks[recurring.text].startswith(recurring.get_recurrence_display())
    assert remarks[demo.tasks.get(is_milestone=True).text] == "节点任务"
    assert remarks[task.text] == "已关闭：并入年度总结"
    waiting = demo.tasks.get(groups__name="各承办科室")
    assert remarks[waiting.text] == "各承办科室：待办公室指定单位"


def test_cells_wrap_columns_are_wide_and_the_header_stays_in_view(office_client, world):
    sheet = sheet_of(office_client.get(EXPORT))

    assert sheet.freeze_panes == "A4"
    for cell in sheet[3]:
        assert cell.font.b
        assert {cell.border.left.style, cell.border.top.style, cell.border.bottom.style} == {"thin"}
    assert all(cell.alignment.wrap_text for cell in sheet[FIRST_ROW])
    assert all(cell.border.left.style == "thin" for cell in sheet[FIRST_ROW])
    widths = {col: sheet.column_dimensions[col].width for col in "ABCDEFG"}
    assert widths["A"] >= 6  # room for 「（十二）」
    assert widths["B"] >= 40  # the task's text
    assert widths["E"] >= 14  # 「2026年12月31日」


def test_the_sheet_prints_on_a4_landscape_one_page_wide_with_its_headers_on_every_page(
    office_client, world
):
    sheet = sheet_of(office_client.get(EXPORT))

    setup = sheet.page_setup
    assert (setup.orientation, str(setup.paperSize)) == ("landscape", sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"


# --- What is exported, and to whom ----------------------------------------------------------


def add_tasks(world, by, n: int) -> None:
    for i in range(n):
        make_task(world.plan, lead=[world.own_unit], text=f"批量任务{i}", by=by)


def test_the_export_holds_every_task_the_filtered_list_shows_on_all_its_pages(
    office_client, world, office_staff
):
    # given: 30 of 社管办's tasks, more than a page of the list
    add_tasks(world, office_staff, 29)
    url = f"{reverse('tasks:task_list')}?unit={world.own_unit.pk}"
    listed = office_client.get(url).context["filter"].qs
    assert office_client.get(url).context["table"].page.paginator.num_pages == 2
    # when
    sheet = sheet_of(office_client.get(f"{url}&_export=xlsx"))
    # then
    exported = [text for _, text in numbers_and_texts(sheet)]
    assert sorted(exported) == sorted(task.text for task in listed)
    assert len(exported) == 30
    assert world.foreign_task.text not in exported


def test_the_export_follows_the_filters(office_client, world):
    sheet = sheet_of(office_client.get(f"{EXPORT}&unit={world.other_unit.pk}"))

    assert numbers_and_texts(sheet) == [("1.", world.foreign_task.text)]


def test_the_export_holds_only_the_tasks_the_person_may_see(office_client, world):
    # given: the other bureau's task, which the first bureau's office does not see
    Task.objects.filter(pk=world.other_task.pk).update(text="其他区的任务")
    # when
    texts = [t for _, t in numbers_and_texts(sheet_of(office_client.get(EXPORT)))]
    # then
    assert "其他区的任务" not in texts
    assert len(texts) == Task.objects.filter(plan__department=world.department).count() == 2


def test_a_leader_exports_and_unit_people_are_refused(client, world, leader, unit_head):
    client.force_login(leader)
    assert sheet_of(client.get(EXPORT))["A1"].value.endswith("任务分解表")
    client.force_login(unit_head)
    assert client.get(EXPORT).status_code == 403


def test_the_export_runs_the_same_queries_for_3_and_for_30_tasks(
    office_client, world, office_staff
):
    def count() -> int:
        office_client.get(EXPORT)
        with CaptureQueriesContext(connection) as done:
            assert office_client.get(EXPORT).status_code == 200
        return len(done)

    add_tasks(world, office_staff, 1)
    few = count()
    add_tasks(world, office_staff, 27)
    assert count() == few
