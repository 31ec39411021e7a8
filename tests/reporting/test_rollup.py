"""The region's report (年度报告汇总) through real requests: the standings of the departments below
against their deadline in words, the reminder of the late ones (sent once a day, through a real
SMTP server on loopback), and the roll-up: the sums, their sources on the page and in the .xlsx,
and the checks of the sum and of each department."""

import datetime
import io
import re
import zoneinfo
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import Digest
from core.reminders import deliver
from org.models import Department, User
from registers.models import DisclosureRequest
from reporting import queries, rollup, services
from reporting.content import is_subheading, paragraphs
from reporting.formats import format_for
from reporting.jobs import file_report_deadline_tasks, generate_report_draft
from reporting.models import LateReportReminder, ReportDraft, RollupPart
from tasks.models import Notification, Task
from tests.factories import DepartmentFactory, PlanFactory, UnitFactory, UserFactory, make_request
from tests.tasks.conftest import mailbox  # noqa: F401  (the SMTP server on loopback)

YEAR = 2025
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
URL = reverse("reporting:rollup")
OVERVIEW = """{name}{year}年政务公开工作有序推进。
（一）主动公开
{name}全年主动公开信息若干条。
（二）依申请公开
{name}申请均按期答复。"""


def at(year, month, day):
    return time_machine.travel(datetime.datetime(year, month, day, 10, tzinfo=TZ), tick=False)


@pytest.fixture
def district(world):
    """区政府办公室 over the world's bureau (教育局) and 卫健局, each with office staff."""
    superior = DepartmentFactory(name="泉州市丰泽区人民政府办公室")
    office = UnitFactory(department=superior, name="秘书科", is_office=True)
    world.department.parent = superior
    world.department.save(update_fields=["parent"])
    health = DepartmentFactory(name="泉州市丰泽区卫生健康局", parent=superior)
    health_office = UnitFactory(department=health, name="办公室", is_office=True)
    people = {
        "district": UserFactory(
            username="district", department=superior, unit=office, role=User.Role.OFFICE
        ),
        "district_leader": UserFactory(department=superior, role=User.Role.LEADER),
        "district_head": UserFactory(department=superior, unit=office, role=User.Role.UNIT_HEAD),
        "health": UserFactory(
            username="health",
            department=health,
            unit=health_office,
            role=User.Role.OFFICE,
            email="health@wsj.example.cn",
        ),
    }
    return superior, world.department, health, people


def report(department: Department, cells: dict, *, by: User, final: bool = False):
    """A department's report of YEAR with cells entered by hand and its own part 一."""
    with at(YEAR, 12, 20):
        draft = services.create_draft(department, YEAR, by=by)
        for (table, row, column), value in cells.items():
            services.set_cell(draft, table=table, row=row, column=column, value=value, by=by)
        draft = services.generate(draft, by=by)
        text = OVERVIEW.format(name=department.name, year=YEAR)
        services.edit_section(draft.sections.get(number=1), text=text, by=by)
    if final:
        with at(YEAR + 1, 1, 20):
            draft = services.mark_final(draft, by=by)
    return draft


EDUCATION = {
    (2, "normative", "issued"): 2,
    (2, "normative", "in_force"): 9,
    (3, "new", "natural_person"): 3,
    (3, "disclosed", "natural_person"): 3,
}
HEALTH = {
    (2, "normative", "issued"): 5,
    (2, "normative", "in_force"): 12,
    (3, "new", "natural_person"): 2,
    (3, "new", "business"): 1,
    (3, "disclosed", "natural_person"): 1,
    (3, "partly_disclosed", "natural_person"): 1,
    (3, "disclosed", "business"): 1,
}


@pytest.fixture
def reports(district, office_staff):
    _superior, education, health, people = district
    return (
        report(education, EDUCATION, by=office_staff, final=True),
        report(health, HEALTH, by=people["health"], final=True),
    )


def checkbox(page: str, department: Department) -> str:
    found = re.search(
        rf'<input type="checkbox" name="departments" value="{department.pk}"[^>]*>', page
    )
    assert found, department
    return "checked" if " checked" in found.group(0) else "not checked"


def rolled_up(
    client, person, departments, django_capture_on_commit_callbacks, monkeypatch, *, on=(2, 10)
):
    """The office's roll-up through the page on ``on`` (month, day) of the next year; the
    generation job it queues, run here."""
    queued = []
    monkeypatch.setattr(generate_report_draft, "delay", lambda *args: queued.append(args))
    client.force_login(person)
    with at(YEAR + 1, *on), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:rollup_generate"),
            {"year": YEAR, "departments": [d.pk for d in departments]},
        )
    assert len(queued) == 1, response
    with at(YEAR + 1, *on):
        generate_report_draft(*queued[0])
    return response


def deliver_pending() -> None:
    """The delivery jobs the reminder queued, run here."""
    for pk in Digest.objects.filter(status=Digest.Status.PENDING).values_list("pk", flat=True):
        deliver(pk)


def test_the_regions_tables_are_the_departments_cells_added_to_its_own_registers(
    client, district, reports, django_capture_on_commit_callbacks, monkeypatch
):
    # given: the district office's own register has one request answered in the year
    superior, education, health, people = district
    make_request(
        superior,
        received_on=datetime.date(YEAR, 3, 2),
        replied_on=datetime.date(YEAR, 3, 20),
        outcome=DisclosureRequest.Outcome.DISCLOSED,
    )
    # when
    response = rolled_up(
        client,
        people["district"],
        [education, health],
        django_capture_on_commit_callbacks,
        monkeypatch,
    )
    # then: the superior's own report of the year holds the sums
    draft = ReportDraft.objects.get(department=superior, year=YEAR)
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()
    assert draft.generation == ReportDraft.Generation.DONE
    tables = queries.tables_of(draft)
    three, two = tables[3].values, tables[2].values
    assert three[("new", "natural_person")] == 3 + 2 + 1
    assert three[("new", "business")] == 1
    assert three[("disclosed", "natural_person")] == 3 + 1 + 1
    assert three[("partly_disclosed", "natural_person")] == 1
    assert three[("new", "total")] == 3 + 3 + 1
    assert three[("total", "total")] == 7
    assert two[("normative", "issued")] == 2 + 5
    # part 一 keeps the format's topics, a paragraph per department under each
    text = draft.sections.get(number=1).text
    assert "（一）主动公开\n" in text
    assert "泉州市丰泽区教育局：泉州市丰泽区教育局全年主动公开信息若干条。" in text
    assert "泉州市丰泽区卫生健康局：泉州市丰泽区卫生健康局申请均按期答复。" in text
    assert text.index("（一）主动公开") < text.index("卫生健康局全年主动公开")
    assert text.index("卫生健康局全年主动公开") < text.index("（二）依申请公开")


def test_part_one_states_the_summed_requests_and_drops_the_superiors_stand_ins(
    client, district, reports, django_capture_on_commit_callbacks, monkeypatch
):
    # given: the district office has no plan (its own part 一 is stand-ins) and no requests
    superior, education, health, people = district
    # when
    rolled_up(
        client,
        people["district"],
        [education, health],
        django_capture_on_commit_callbacks,
        monkeypatch,
    )
    # then: 依申请公开 opens with table 三's sum (3 + 3 new, all answered), not the office's
    # empty register, and is followed by the departments' words
    draft = ReportDraft.objects.get(department=superior, year=YEAR)
    three = queries.tables_of(draft)[3]
    assert three.number("new", "total") == 6
    text = draft.sections.get(number=1).text
    assert "全年未收到政府信息公开申请" not in text
    on_request = text[text.index("（二）依申请公开") : text.index("（三）")]
    assert on_request.split("\n")[1] == "全年新收政府信息公开申请6件，办结6件。"
    assert "泉州市丰泽区卫生健康局：泉州市丰泽区卫生健康局申请均按期答复。" in on_request
    # the topics the departments wrote on carry no stand-in of the office's; the others keep
    # theirs, for the office to write
    proactive = text[text.index("（一）主动公开") : text.index("（二）依申请公开")]
    assert "（待补充）" not in proactive
    assert "（待补充）" not in on_request
    assert text.count("（待补充）") == 3


def test_part_one_keeps_the_departments_text_under_their_own_further_sub_headings():
    # given: two departments writing past the format's five topics, one (六) in the same words
    fmt = format_for(YEAR)
    education = """教育局全年工作有序推进。
（一）主动公开
教育局公开招生信息。
（六）其他工作
教育局开展培训2次。
（十一）下一步打算
教育局将完善目录。"""
    health = """（二）依申请公开
卫健局申请均按期答复。
（六）其他工作
卫健局开展专项检查。"""
    own = "（一）主动公开\n区政府公开政策文件。\n（六）其他工作\n区政府组织考核。"
    # when
    text = rollup.overview(fmt, own, [("教育局", education), ("卫健局", health)])
    # then: no sentence is dropped
    lines = text.split("\n")
    for written in (education, health, own):
        for paragraph in paragraphs(written):
            if not is_subheading(paragraph):
                assert paragraph in text, paragraph
    # and the further sub-headings follow the format's topics, each once, as written
    assert lines.index("（六）其他工作") > lines.index("卫健局：卫健局申请均按期答复。")
    assert lines.count("（六）其他工作") == 1
    sixth = lines.index("（六）其他工作")
    assert lines[sixth : sixth + 5] == [
        "（六）其他工作",
        "区政府组织考核。",
        "教育局：教育局开展培训2次。",
        "卫健局：卫健局开展专项检查。",
        "（十一）下一步打算",
    ]
    assert lines[-1] == "教育局：教育局将完善目录。"


def test_rolling_up_adds_no_task_to_any_plan(
    client, district, reports, django_capture_on_commit_callbacks, monkeypatch
):
    # given: the district office has its plan of the year after the report's
    superior, education, health, people = district
    PlanFactory(department=superior, year=YEAR + 1)
    # when: it rolls up its departments' reports of the year (made on 10 February)
    rolled_up(
        client,
        people["district"],
        [education, health],
        django_capture_on_commit_callbacks,
        monkeypatch,
    )
    with at(YEAR + 1, 2, 11):
        file_report_deadline_tasks()
    # then: the region's report is tracked on the roll-up page, not by a task nobody planned
    draft = ReportDraft.objects.get(department=superior, year=YEAR)
    assert draft.task is None
    assert not Task.objects.filter(plan__department=superior).exists()


def test_every_figure_of_the_sum_is_traced_to_its_department_on_the_page_and_in_the_xlsx(
    client, district, reports, django_capture_on_commit_callbacks, monkeypatch
):
    superior, education, health, people = district
    education_report, health_report = reports
    rolled_up(
        client,
        people["district"],
        [education, health],
        django_capture_on_commit_callbacks,
        monkeypatch,
    )
    draft = ReportDraft.objects.get(department=superior, year=YEAR)
    # the page: a 来源 breakdown under the tables
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "一、本年新收政府信息公开申请数量 / 申请人情况 / 自然人" in page
    assert (
        f'<a href="{health_report.get_absolute_url()}">泉州市丰泽区卫生健康局</a> 2；'
        f'<a href="{education_report.get_absolute_url()}">泉州市丰泽区教育局</a> 3'
    ) in page
    # each link opens that department's report, read-only, for the superior's office
    opened = client.get(health_report.get_absolute_url())
    assert opened.status_code == 200
    assert not opened.context["can_write"]
    # the .xlsx: a 来源 sheet, one line per cell and department, adding up to the tables
    response = client.get(reverse("reporting:report_export", args=[draft.pk, "xlsx"]))
    sheet = load_workbook(BytesIO(response.content))["来源"]
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0] == ("表", "单元格", "来源", "数值")
    new = "一、本年新收政府信息公开申请数量 / 申请人情况 / 自然人"
    assert sorted((d, v) for t, c, d, v in lines[1:] if t == "三" and c == new) == [
        ("泉州市丰泽区卫生健康局", 2),
        ("泉州市丰泽区教育局", 3),
    ]
    values = queries.tables_of(draft)
    for table, number in (("二", 2), ("三", 3)):
        by_cell: dict[str, Decimal] = {}
        for t, cell, _department, value in lines[1:]:
            if t == table:
                by_cell[cell] = by_cell.get(cell, Decimal(0)) + Decimal(value)
        fmt = queries.report_format(draft).table(number)
        for row in fmt.blocks[0].rows:
            for column in fmt.blocks[0].columns:
                label = " / ".join(dict.fromkeys((*row.path, *column.path)))
                if label in by_cell:
                    assert values[number].values[(row.key, column.key)] == by_cell[label]


def test_a_new_choice_of_departments_shows_no_sources_until_the_tables_are_generated_from_it(
    client, district, reports, django_capture_on_commit_callbacks, monkeypatch
):
    # given: the district office rolled up both departments, then chooses 教育局 alone; the
    # generation of that choice has not run (queued, or failed)
    superior, education, health, people = district
    rolled_up(
        client,
        people["district"],
        [education, health],
        django_capture_on_commit_callbacks,
        monkeypatch,
    )
    draft = ReportDraft.objects.get(department=superior, year=YEAR)
    with at(YEAR + 1, 2, 11):
        services.take_parts(superior, YEAR, [education.pk], by=people["district"])
    # when
    page = client.get(draft.get_absolute_url()).content.decode()
    response = client.get(reverse("reporting:report_export", args=[draft.pk, "xlsx"]))
    # then: the tables still hold both departments' sums, and no breakdown by the new choice
    # is set beside them
    assert queries.tables_of(draft)[3].values[("new", "natural_person")] == 3 + 2
    assert "泉州市丰泽区教育局</a> 3" not in page  # the new choice's figure, not the tables'
    assert "来源将在以当前所选机关重新生成后更新" in page
    lines = list(load_workbook(BytesIO(response.content))["来源"].iter_rows(values_only=True))
    assert lines[1:] == [(None, "来源将在重新生成后更新。", None, None)]
    # once generated: the tables and their sources agree again
    with at(YEAR + 1, 2, 12):
        draft = services.generate(draft, by=people["district"])
    page = client.get(draft.get_absolute_url()).content.decode()
    assert queries.tables_of(draft)[3].values[("new", "natural_person")] == 3
    assert "来源将在" not in page
    assert f'<a href="{reports[0].get_absolute_url()}">泉州市丰泽区教育局</a> 3' in page


def test_the_checks_run_on_the_sum_and_on_each_department_listed_by_department(
    client, district, office_staff, django_capture_on_commit_callbacks, monkeypatch
):
    # given: 卫健局's table 三 does not balance (5 new, 1 answered, none carried forward)
    superior, education, health, people = district
    report(education, EDUCATION, by=office_staff, final=True)
    report(
        health,
        {(3, "new", "natural_person"): 5, (3, "disclosed", "natural_person"): 1},
        by=people["health"],
    )
    # when: the district office rolls up both, the draft too
    rolled_up(
        client,
        people["district"],
        [education, health],
        django_capture_on_commit_callbacks,
        monkeypatch,
    )
    # then: 卫健局's part carries its failure, 教育局's none, and the sum fails the same rule
    draft = ReportDraft.objects.get(department=superior, year=YEAR)
    parts = {p.department_id: p for p in draft.rollup_parts.all()}
    assert parts[health.pk].source == RollupPart.Source.DRAFT
    assert parts[education.pk].source == RollupPart.Source.FINAL
    assert parts[superior.pk].source == RollupPart.Source.OWN
    failed = {p.department_id: {c["rule"] for c in p.checks if not c["ok"]} for p in parts.values()}
    assert "T3-1" in failed[health.pk]
    assert "T3-1" not in failed[education.pk]
    assert any(f.rule == "T3-1" and not f.ok for f in queries.findings(draft))
    with at(YEAR + 1, 2, 10):
        page = client.get(URL, {"year": YEAR}).content.decode()
    health_row = page[page.index('<td data-label="机关">泉州市丰泽区卫生健康局</td><td') :]
    assert "T3-1" in health_row[: health_row.index("</tr>")]


def test_departments_final_or_published_are_chosen_by_default_and_ones_without_a_report_not_offered(
    client, district, office_staff
):
    _superior, education, health, people = district
    report(education, EDUCATION, by=office_staff, final=True)
    report(health, HEALTH, by=people["health"])
    client.force_login(people["district"])
    with at(YEAR + 1, 2, 3):
        page = client.get(URL, {"year": YEAR}).content.decode()
        none = client.get(URL, {"year": YEAR - 1}).content.decode()
    assert checkbox(page, education) == "checked"
    assert checkbox(page, health) == "not checked"
    assert 'name="departments"' not in none  # nobody has a report of the year before


def test_standings_say_how_late_each_report_is_in_words(client, district, office_staff):
    # given: 教育局 final two days after its deadline, 卫健局 still a draft
    _superior, education, health, people = district
    draft = report(education, EDUCATION, by=office_staff)
    with at(YEAR + 1, 2, 2):
        services.mark_final(draft, by=office_staff)
    report(health, HEALTH, by=people["health"])
    client.force_login(people["district_leader"])
    # when: seen on 3 February and on 20 January
    with at(YEAR + 1, 2, 3):
        late = client.get(URL, {"year": YEAR}).content.decode()
    with at(YEAR + 1, 1, 20):
        early = client.get(URL, {"year": YEAR}).content.decode()
    with at(YEAR + 1, 1, 31):
        due = client.get(URL, {"year": YEAR}).content.decode()
    # then
    assert "逾期2天定稿" in late
    assert "逾期3天，尚未定稿" in late
    assert "尚未定稿，距截止还有11天" in early  # 卫健局, before its deadline
    assert "尚未定稿，今天截止" in due
    assert "尚未定稿" not in late.replace("逾期3天，尚未定稿", "")
    assert "2026-01-31" in late  # the deadline, 《条例》第四十九条
    # a leader reads: no button to remind or roll up
    assert reverse("reporting:rollup_remind") not in late
    assert reverse("reporting:rollup_generate") not in late


def test_the_late_departments_office_is_reminded_once_however_often_the_button_is_pressed(
    client,
    district,
    office_staff,
    mailbox,  # noqa: F811
):
    # given: 教育局 final on time, 卫健局 not final, a week after the deadline
    _superior, education, health, people = district
    report(education, EDUCATION, by=office_staff, final=True)
    report(health, HEALTH, by=people["health"])
    client.force_login(people["district"])
    # when: the office presses twice, and once more the same day
    with at(YEAR + 1, 2, 7):
        for _press in range(3):
            response = client.post(reverse("reporting:rollup_remind"), {"year": YEAR})
            assert response.status_code == 302
        deliver_pending()
    # then: one e-mail, to 卫健局's office, in Chinese, with the deadline
    assert mailbox.to() == ["health@wsj.example.cn"]
    message = mailbox.messages[0]
    assert "2026-01-31" in message["Subject"]
    body = message.get_content()
    assert "泉州市丰泽区人民政府办公室" in body
    assert "泉州市丰泽区卫生健康局" in body
    assert "第四十九条" in body
    assert LateReportReminder.objects.get().department == health
    # the next day, a press reminds again
    with at(YEAR + 1, 2, 8):
        client.post(reverse("reporting:rollup_remind"), {"year": YEAR})
        deliver_pending()
    assert len(mailbox.messages) == 2


def test_the_page_says_who_reminded_when_and_the_late_office_finds_it_in_its_bell(
    client,
    district,
    office_staff,
    mailbox,  # noqa: F811
):
    # given: 卫健局's report of the year still a draft a week after its deadline
    _superior, education, health, people = district
    report(education, EDUCATION, by=office_staff, final=True)
    draft = report(health, HEALTH, by=people["health"])
    client.force_login(people["district"])
    with at(YEAR + 1, 2, 7):
        before = client.get(URL, {"year": YEAR}).content.decode()
        # when: the district office reminds
        client.post(reverse("reporting:rollup_remind"), {"year": YEAR})
        after = client.get(URL, {"year": YEAR}).content.decode()
    with at(YEAR + 1, 2, 8):
        next_day = client.get(URL, {"year": YEAR}).content.decode()
    # then: the page says when and by whom, and offers no second reminder that day
    assert "提醒1个今天尚未提醒的逾期机关" in before
    assert "上次提醒" not in before
    assert f"上次提醒：{YEAR + 1}-02-07，{people['district']}" in after
    assert reverse("reporting:rollup_remind") not in after
    assert "逾期机关今天均已提醒" in after
    assert reverse("reporting:rollup_remind") in next_day
    assert f"上次提醒：{YEAR + 1}-02-07" in next_day
    # and 卫健局's office finds the reminder in its bell, leading to its report
    note = Notification.objects.get(recipient=people["health"])
    assert note.read_at is None
    assert note.link == draft.get_absolute_url()
    assert "泉州市丰泽区人民政府办公室" in note.note
    assert f"{YEAR + 1}-01-31" in note.note
    client.force_login(people["health"])
    bell = client.get(reverse("tasks:notification_list")).content.decode()
    assert f'<a href="{draft.get_absolute_url()}">{note.note}</a>' in bell
    assert not Notification.objects.exclude(recipient=people["health"]).exists()


def _late_departments(superior: Department, count: int) -> None:
    """``count`` departments below the superior without a report of YEAR, each with two
    office staff, one with an e-mail address."""
    for n in range(count):
        department = DepartmentFactory(name=f"{superior.name}第{n}局", parent=superior)
        office = UnitFactory(department=department, name="办公室", is_office=True)
        for email in (f"office{n}@example.cn", ""):
            UserFactory(department=department, unit=office, role=User.Role.OFFICE, email=email)


def test_reminding_late_departments_takes_the_same_queries_for_3_or_10_of_them(db):
    # given: two district offices, one with 3 late departments below it, one with 10
    counted = []
    for count in (3, 10):
        superior = DepartmentFactory(name=f"第{count}区人民政府办公室")
        _late_departments(superior, count)
        unit = UnitFactory(department=superior, name="秘书科", is_office=True)
        by = UserFactory(department=superior, unit=unit, role=User.Role.OFFICE)
        # when
        with at(YEAR + 1, 2, 7), CaptureQueriesContext(connection) as queries_made:
            services.remind_late_reports(superior, YEAR, by=by)
        # then: every one reminded, two people in their bell, one by e-mail
        below = Department.objects.filter(parent=superior)
        assert LateReportReminder.objects.filter(department__in=below).count() == count
        assert Notification.objects.filter(recipient__department__in=below).count() == 2 * count
        assert Digest.objects.filter(recipient__department__in=below).count() == count
        counted.append(len(queries_made))
    assert counted[0] == counted[1]


def test_a_late_department_without_office_staff_is_not_said_to_be_reminded(
    client, district, office_staff
):
    # given: 卫健局's office has nobody active any more; the bureau (教育局) is late too
    _superior, education, health, people = district
    User.objects.filter(department=health).update(is_active=False)
    client.force_login(people["district"])
    # when: the district office reminds a week after the deadline
    with at(YEAR + 1, 2, 7):
        response = client.post(reverse("reporting:rollup_remind"), {"year": YEAR}, follow=True)
    # then: the bureau is reminded, 卫健局 said to have nobody to tell, and no reminder of it kept
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        f"已提醒：{education.name}。",
        f"未提醒，没有可通知的在岗办公室人员：{health.name}。请其开设办公室账号。",
    ]
    assert list(LateReportReminder.objects.values_list("department", flat=True)) == [education.pk]
    page = response.content.decode()
    health_row = page[page.index(f'<td data-label="机关">{health.name}</td>') :]
    assert "上次提醒" not in health_row[: health_row.index("</tr>")]


@pytest.mark.parametrize(
    ("who", "get", "post"),
    [
        ("district", 200, 302),
        ("district_leader", 200, 403),
        ("district_head", 403, 403),
        ("bureau_office", 403, 403),  # a department with nothing below it
        ("anonymous", 302, 302),
    ],
)
def test_only_the_superiors_office_acts_and_its_leaders_read(
    client, district, office_staff, who, get, post
):
    people = {**district[3], "bureau_office": office_staff}
    if who != "anonymous":
        client.force_login(people[who])
    assert client.get(URL).status_code == get
    response = client.post(reverse("reporting:rollup_remind"), {"year": YEAR})
    assert response.status_code == post
    if who == "anonymous":
        assert response.url.startswith(reverse("login"))


def test_a_roll_up_of_a_department_not_directly_below_is_refused_and_nothing_is_saved(
    client, district, office_staff, world
):
    superior, _education, _health, people = district
    report(world.other_department, EDUCATION, by=office_staff)
    client.force_login(people["district"])
    response = client.post(
        reverse("reporting:rollup_generate"),
        {"year": YEAR, "departments": [world.other_department.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not ReportDraft.objects.filter(department=superior).exists()
    with pytest.raises(ValidationError):
        services.roll_up(superior, YEAR, [world.other_department.pk], by=people["district"])


def test_after_the_demo_is_loaded_the_district_office_sees_one_department_final_and_one_not(
    client, db
):
    # given: `make setup` on 1 December 2026
    with at(2026, 12, 1):
        call_command("load_demo", year=2026, stdout=io.StringIO())
        call_command("load_demo_registers", year=2026, stdout=io.StringIO())
        call_command("load_demo_registers", year=2026, stdout=io.StringIO())  # loaded twice
        # when: the district office opens its roll-up page (last year's, by default)
        client.force_login(User.objects.get(username="district"))
        page = client.get(URL).content.decode()
        this_year = client.get(URL, {"year": 2026}).content.decode()
    # then
    assert "泉州市丰泽区卫生健康局" in page
    assert "按时定稿" in page  # 卫健局's report of 2025, final on 21 January
    assert "逾期304天，尚未定稿" in page  # the bureau has none of 2025
    assert this_year.count("尚未定稿，距截止还有61天") == 2  # both drafts of 2026
    health = Department.objects.get(name="泉州市丰泽区卫生健康局")
    assert ReportDraft.objects.filter(department=health).count() == 2
    assert ReportDraft.objects.get(department=health, year=2026).manual_cells.exists()


def stale_notice(page: str) -> str:
    """The page header's notice of the parts changed since taken ("" without one)."""
    found = re.search(r'<div class="notice" role="status" id="stale">.*?</div>', page, re.S)
    return found.group(0) if found else ""


def part_row(page: str, department: Department) -> str:
    """A department's row in the roll-up's table of parts."""
    start = page.index(f'<td data-label="机关">{department.name}</td><td data-label="来源">')
    return page[start : page.index("</tr>", start)]


def test_a_department_changing_a_cell_after_the_roll_up_is_marked_until_rolled_up_again(
    client, district, office_staff, django_capture_on_commit_callbacks, monkeypatch
):
    # given: 教育局's report final, 卫健局's a draft, both rolled up on 10 February
    _superior, education, health, people = district
    report(education, EDUCATION, by=office_staff, final=True)
    health_draft = report(health, HEALTH, by=people["health"])
    rolled_up(
        client,
        people["district"],
        [education, health],
        django_capture_on_commit_callbacks,
        monkeypatch,
    )
    with at(YEAR + 1, 2, 11):
        before = client.get(URL, {"year": YEAR}).content.decode()
    # when: 卫健局 changes a cell of table 二 on 2 March
    with at(YEAR + 1, 3, 2):
        services.set_cell(
            health_draft, table=2, row="normative", column="issued", value=6, by=people["health"]
        )
    with at(YEAR + 1, 3, 3):
        page = client.get(URL, {"year": YEAR}).content.decode()
        draft = ReportDraft.objects.get(department=_superior, year=YEAR)
        sheet = client.get(reverse("reporting:report_export", args=[draft.pk, "xlsx"])).content
    # then: 卫健局's part is marked with the date of its change, 教育局's not, and the header
    # counts it beside the button that rolls the same departments up again
    assert stale_notice(before) == ""
    assert "3月2日有修改，需重新生成" in part_row(page, health)
    assert "需重新生成" not in part_row(page, education)
    notice = stale_notice(page)
    assert "1个机关的报告在汇总后有修改" in notice
    assert "重新汇总并生成" in notice
    assert sorted(map(int, re.findall(r'name="departments" value="(\d+)"', notice))) == sorted(
        [education.pk, health.pk]
    )
    lines = list(load_workbook(BytesIO(sheet))["来源"].iter_rows(values_only=True))
    assert lines[1] == (None, "3月2日有修改，需重新生成", health.name, None)
    assert "需重新生成" not in str(lines[2:])
    # when: the office presses the header's button
    rolled_up(
        client,
        people["district"],
        [education, health],
        django_capture_on_commit_callbacks,
        monkeypatch,
        on=(3, 4),
    )
    with at(YEAR + 1, 3, 4):
        after = client.get(URL, {"year": YEAR}).content.decode()
        sheet = client.get(reverse("reporting:report_export", args=[draft.pk, "xlsx"])).content
    # then: the region's report holds the change and nothing is marked any more
    draft.refresh_from_db()
    assert queries.tables_of(draft)[2].values[("normative", "issued")] == 2 + 6
    assert stale_notice(after) == ""
    assert "需重新生成" not in after
    assert "需重新生成" not in str(list(load_workbook(BytesIO(sheet))["来源"].values))


def test_a_department_reopening_its_final_report_after_the_roll_up_is_said_to_be_back_in_draft(
    client, district, reports, django_capture_on_commit_callbacks, monkeypatch
):
    # given: both departments' final reports rolled up on 10 February
    superior, education, health, people = district
    rolled_up(
        client,
        people["district"],
        [education, health],
        django_capture_on_commit_callbacks,
        monkeypatch,
    )
    # when: 卫健局 reopens its report on 2 March
    with at(YEAR + 1, 3, 2):
        services.reopen(reports[1], by=people["health"])
        page = client.get(URL, {"year": YEAR}).content.decode()
    # then: said to be back in draft, not merely changed
    assert "已退回修改，尚未重新定稿" in part_row(page, health)
    assert "有修改，需重新生成" not in page
    assert "1个机关的报告在汇总后有修改" in stale_notice(page)
    # once final again, it is a change of that day
    with at(YEAR + 1, 3, 5):
        services.mark_final(reports[1], by=people["health"])
        page = client.get(URL, {"year": YEAR}).content.decode()
    assert "3月5日有修改，需重新生成" in part_row(page, health)
    assert "已退回修改" not in page
    # a final region's report is to be reopened before rolling up again: no button, but why
    ReportDraft.objects.filter(department=superior).update(status=ReportDraft.Status.FINAL)
    with at(YEAR + 1, 3, 5):
        notice = stale_notice(client.get(URL, {"year": YEAR}).content.decode())
    assert reverse("reporting:rollup_generate") not in notice
    assert "本级报告已定稿" in notice


def test_a_part_taken_from_a_published_report_ignores_edits_of_a_draft_not_final(
    district, office_staff
):
    # given: 教育局's published report of the year taken, beside a draft of its own not final
    superior, education, _health, people = district
    draft = report(education, EDUCATION, by=office_staff)
    with at(YEAR + 1, 2, 1):
        services.save_published_report(
            education, YEAR, source="…", values={2: {}}, texts={1: "教育局。"}, by=office_staff
        )
    with at(YEAR + 1, 2, 10):
        region = services.take_parts(superior, YEAR, [education.pk], by=people["district"])
    assert region.rollup_parts.get(department=education).source == RollupPart.Source.PUBLISHED
    parts = rollup.parts_of(region)
    # when: the draft is edited, then marked final
    with at(YEAR + 1, 3, 2):
        services.set_cell(
            draft, table=2, row="normative", column="issued", value=4, by=office_staff
        )
    edited = rollup.stale_parts(region, parts)
    with at(YEAR + 1, 3, 3):
        services.mark_final(draft, by=office_staff)
    # then: the edit changes nothing the region takes; its final report does
    assert edited == {}
    assert rollup.stale_parts(region, parts)[education.pk].words == "3月3日有修改，需重新生成"


def _region(name: str, count: int) -> tuple[User, list[Department]]:
    """A superior with ``count`` departments below it, each with a draft of YEAR, all rolled up
    on 10 February; every other one changes a cell on 2 March."""
    superior = DepartmentFactory(name=name)
    unit = UnitFactory(department=superior, name="秘书科", is_office=True)
    office = UserFactory(department=superior, unit=unit, role=User.Role.OFFICE)
    departments = [DepartmentFactory(name=f"{name}第{n}局", parent=superior) for n in range(count)]
    drafts = [report(d, EDUCATION, by=office) for d in departments]
    with at(YEAR + 1, 2, 10):
        region = services.take_parts(superior, YEAR, [d.pk for d in departments], by=office)
        services.generate(region, by=office)
    with at(YEAR + 1, 3, 2):
        for draft in drafts[::2]:
            services.set_cell(draft, table=2, row="normative", column="issued", value=1, by=office)
    return office, departments


def test_the_roll_up_page_takes_the_same_queries_for_2_or_6_departments(client, db):
    counted = []
    for count in (2, 6):
        # given
        office, departments = _region(f"第{count}区人民政府办公室", count)
        client.force_login(office)
        # when
        with at(YEAR + 1, 3, 3), CaptureQueriesContext(connection) as queries_made:
            page = client.get(URL, {"year": YEAR}).content.decode()
        # then: every other department marked
        assert page.count("3月2日有修改，需重新生成") == len(departments[::2])
        counted.append(len(queries_made))
    assert counted[0] == counted[1]
