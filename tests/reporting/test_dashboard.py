"""The office dashboard and the progress brief: scope, agreement with lists, queries, pictures."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import docx
import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from org.models import User
from reporting import charts
from reporting.dashboard import Brief
from tasks.models import Assignment, Reminder
from tests.factories import UnitFactory, UserFactory, make_task

TZ = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 7, 1)
DASHBOARD = reverse("reporting:dashboard")
S = Assignment.Status
# Statuses handed out in turn; completed ones alternately on time and late.
CYCLE = [
    S.COMPLETED,
    S.NOT_STARTED,
    S.IN_PROGRESS,
    S.SUBMITTED,
    S.COMPLETED,
    S.RETURNED,
    S.NOT_STARTED,
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 7, 1, 9, tzinfo=TZ), tick=False):
        yield


def generate(world, by, n: int) -> None:
    """n tasks of world.plan over the year, led in turn by 社管办, 计财股 and the office (every
    other one with a co-operating unit), their assignments in every status, some reminded and
    escalated; completions on time and late."""
    units = [world.own_unit, world.other_unit, world.office_unit]
    start = len(world.plan.tasks.all())
    for i in range(start, start + n):
        make_task(
            world.plan,
            lead=[units[i % 3]],
            support=[units[(i + 1) % 3]] if i % 2 else [],
            due=datetime.date(2026, 1, 10) + datetime.timedelta(days=(i * 37) % 340),
            text=f"生成任务{i}",
            by=by,
        )
    assignments = list(
        Assignment.objects.filter(task__plan=world.plan).select_related("task").order_by("pk")
    )
    reminders = []
    for j, assignment in enumerate(assignments):
        assignment.status = CYCLE[j % len(CYCLE)]
        due = assignment.task.due_date
        late = datetime.timedelta(days=3 if j % 2 else -2)
        assignment.updated_at = datetime.datetime.combine(due + late, datetime.time(10), TZ)
        if j % 4 == 0:
            rule = Reminder.Rule.ESCALATE if j % 8 == 0 else Reminder.Rule.OVERDUE
            reminders.append(
                Reminder(assignment=assignment, rule=rule, date=TODAY, deadline=due, days=5)
            )
    Assignment.objects.bulk_update(assignments, ["status", "updated_at"])
    Reminder.objects.bulk_create(reminders, ignore_conflicts=True)


@pytest.fixture
def data(world, office_staff):
    generate(world, office_staff, 14)
    return world


def page_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["table"].paginator.count


def figures(response) -> list[tuple[str, int, str]]:
    """(label, number, link) of every linked figure: the tiles and the units table's cells."""
    assert response.status_code == 200
    linked = [
        (tile.key, tile.value, tile.url)
        for group in response.context["tiles"]
        for tile in group.tiles
        if tile.url and tile.key != "review_queue"
    ]
    cells = re.findall(
        r'<td class="num"><a href="([^"]+)">(\d+)</a></td>', response.content.decode()
    )
    linked += [("unit cell", int(n), url.replace("&amp;", "&")) for url, n in cells]
    return linked


# --- Scope -----------------------------------------------------------------------------------


def units_of(response) -> set[str]:
    return {row.name for row in response.context["table"].data}


def tiles(response) -> dict[str, int]:
    return {t.key: t.value for group in response.context["tiles"] for t in group.tiles}


def test_office_staff_and_leaders_see_every_unit_of_their_department(
    client, data, office_staff, leader
):
    for person in (office_staff, leader):
        client.force_login(person)
        response = client.get(DASHBOARD)
        assert units_of(response) == {"社管办", "计财股", "办公室"}
        assert response.context["scope"].whole_department


def test_a_unit_head_sees_only_their_units_standing(client, data, unit_head):
    client.force_login(unit_head)

    response = client.get(DASHBOARD)

    assert units_of(response) == {"社管办"}
    own = Assignment.objects.filter(unit=data.own_unit).count()
    assert tiles(response)["assignments"] == own
    assert "tasks" not in tiles(response)  # a unit has no task list to drill into


def test_another_bureaus_work_is_not_counted(client, data, office_staff):
    client.force_login(office_staff)

    response = client.get(DASHBOARD)

    ours = Assignment.objects.filter(task__plan__department=data.department).count()
    assert tiles(response)["assignments"] == ours
    assert Assignment.objects.count() > ours


@pytest.mark.parametrize(
    "url_name", ["reporting:dashboard", "reporting:brief", "reporting:brief_docx"]
)
@pytest.mark.parametrize("persona", ["office_staff", "leader", "unit_head"])
def test_a_plan_the_person_may_not_see_answers_404(client, data, request, persona, url_name):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(url_name)

    assert client.get(url, {"plan": data.other_plan.pk}).status_code == 404
    assert client.get(url, {"plan": data.plan.pk}).status_code == 200


def test_a_year_without_plans_shows_zeros(client, data, office_staff):
    client.force_login(office_staff)

    response = client.get(f"{DASHBOARD}?year=2019")

    assert response.status_code == 200
    assert not any(n for key, n in tiles(response).items() if key != "review_queue")


# --- Agreement with the lists ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["office_staff", "leader", "unit_head"])
@pytest.mark.parametrize("scope", ["year", "plan"])
def test_every_figure_equals_the_row_count_of_the_list_it_links_to(
    client, data, request, persona, scope
):
    # given
    client.force_login(request.getfixturevalue(persona))
    url = f"{DASHBOARD}?plan={data.plan.pk}" if scope == "plan" else f"{DASHBOARD}?year=2026"
    # when
    linked = figures(client.get(url))
    # then
    assert len(linked) >= 8
    assert any(n > 0 for _, n, _ in linked)
    for label, number, link in linked:
        assert page_count(client, link) == number, f"{label}: {link}"


def test_the_review_queue_figure_is_the_queues_length(client, data, office_staff):
    client.force_login(office_staff)

    response = client.get(DASHBOARD)

    tile = next(t for g in response.context["tiles"] for t in g.tiles if t.key == "review_queue")
    assert tile.value == page_count(client, tile.url) > 0


def test_unit_figures_add_up_to_the_totals(client, data, office_staff):
    client.force_login(office_staff)

    response = client.get(DASHBOARD)

    rows = response.context["table"].data
    assert sum(r.assigned for r in rows) == tiles(response)["assignments"]
    assert sum(r.overdue for r in rows) == tiles(response)["assignments.overdue"]


def test_reminders_and_open_escalations_are_counted(client, data, office_staff):
    client.force_login(office_staff)

    response = client.get(DASHBOARD)

    escalated = Reminder.objects.filter(rule=Reminder.Rule.ESCALATE)
    assert tiles(response)["reminders"] == Reminder.objects.count() > 0
    assert (
        tiles(response)["escalations"] == escalated.exclude(assignment__status=S.COMPLETED).count()
    )


def test_the_units_table_sorts_by_any_column(client, data, office_staff):
    client.force_login(office_staff)

    by_rate = client.get(f"{DASHBOARD}?sort=on_time_rate").context["table"]
    by_name = client.get(f"{DASHBOARD}?sort=-assigned").context["table"]

    rates = [row.record.on_time_rate or 0 for row in by_rate.rows]
    assert rates == sorted(rates)
    assigned = [row.record.assigned for row in by_name.rows]
    assert assigned == sorted(assigned, reverse=True)


def test_with_a_unit_chosen_the_task_list_counts_that_units_part(client, data, office_staff):
    # given: a task 社管办 finished and 计财股 has not, past its deadline
    task = make_task(
        data.plan,
        lead=[data.own_unit],
        support=[data.other_unit],
        due=datetime.date(2026, 6, 1),
        by=office_staff,
    )
    task.assignments.filter(unit=data.own_unit).update(status=S.COMPLETED)
    client.force_login(office_staff)
    task_list = reverse("tasks:task_list")

    def listed(query: str) -> bool:
        response = client.get(f"{task_list}?{query}")
        return task in [row.record for row in response.context["table"].rows]

    # then
    assert not listed(f"unit={data.own_unit.pk}&due=overdue")
    assert listed(f"unit={data.other_unit.pk}&due=overdue")
    assert listed(f"unit={data.own_unit.pk}&state=completed")
    assert not listed(f"unit={data.other_unit.pk}&state=completed")
    assert listed("due=overdue")  # with no unit: any unit's part


# --- Queries ---------------------------------------------------------------------------------


def query_count(client, url: str) -> int:
    client.get(url)  # warm up (ContentType's cache, the calendar year's seed)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["office_staff", "leader", "unit_head"])
def test_the_dashboard_runs_the_same_queries_for_n_and_3n_tasks(client, world, request, persona):
    office = request.getfixturevalue("office_staff")
    client.force_login(request.getfixturevalue(persona))
    generate(world, office, 6)
    few = query_count(client, DASHBOARD)
    generate(world, office, 12)
    many = query_count(client, DASHBOARD)
    assert few == many


def test_the_dashboard_query_count_is_pinned(
    client, world, office_staff, django_assert_num_queries
):
    generate(world, office_staff, 18)
    client.force_login(office_staff)
    client.get(DASHBOARD)  # warm up
    # session, user with their unit (top bar), visible plans, units' figures, deadlines by
    # date, completions by date, calendar year, its month's days and deadlines, task figures,
    # reminders, review queue and the bell's unread count (once, although render_table renders
    # with the request)
    with django_assert_num_queries(13):
        client.get(DASHBOARD)


# --- Pictures --------------------------------------------------------------------------------


def test_the_pictures_are_inline_svg_and_the_page_stays_small(client, data, office_staff):
    # given: a school year's worth of units
    for i in range(40):
        unit = UnitFactory(department=data.department, name=f"丰泽区第{i}实验小学")
        make_task(data.plan, lead=[unit], due=datetime.date(2026, 3 + i % 9, 1), by=office_staff)
    client.force_login(office_staff)
    # when
    response = client.get(DASHBOARD)
    # then
    page = response.content.decode()
    assert page.count("<svg") == 3
    # drawn without script: the page's one script folds the top bar's menu on a phone
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/js/menu.js">']
    assert len(response.content) < 300_000


def test_names_in_the_pictures_are_escaped(client, data, office_staff):
    unit = UnitFactory(department=data.department, name="<script>alert(1)</script>")
    make_task(data.plan, lead=[unit], by=office_staff)
    client.force_login(office_staff)

    page = client.get(DASHBOARD).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_calendar_marks_holidays_and_make_up_days():
    weeks = [
        [
            charts.CalendarCell(datetime.date(2026, 10, 1), False, "国庆节", True, 2),
            charts.CalendarCell(datetime.date(2026, 10, 10), True, "国庆节调休上班", True, 0),
            charts.CalendarCell(datetime.date(2026, 10, 12), True, "", False, 1),
            None,
            None,
            None,
            None,
        ]
    ]

    svg = charts.month_calendar(weeks, today=TODAY, label="十月")

    assert svg.count(charts.HOLIDAY_FILL) == 1
    assert ">休<" in svg
    assert ">班<" in svg
    assert "国庆节" in svg
    assert svg.count("<circle") == 2


def test_the_burn_up_line_clamps_deadlines_outside_the_year():
    svg = charts.burn_up(
        year=2026,
        due={datetime.date(2025, 12, 1): 1, datetime.date(2026, 6, 30): 2},
        completed={datetime.date(2026, 3, 1): 1},
        today=TODAY,
        label="x",
    )
    assert svg.startswith("<svg")
    assert svg.count("<path") >= 4
    assert ">3<" in svg  # the total


@pytest.mark.parametrize("month", ["9999-12", "2026-13", "x"])
def test_a_month_out_of_range_shows_the_current_one(client, data, office_staff, month):
    client.force_login(office_staff)

    response = client.get(DASHBOARD, {"month": month})

    assert response.context["month"].first == datetime.date(2026, 7, 1)


def test_the_calendar_shows_the_chosen_month(client, data, office_staff):
    client.force_login(office_staff)

    response = client.get(f"{DASHBOARD}?month=2026-10")

    month = response.context["month"]
    assert month.first == datetime.date(2026, 10, 1)
    national_day = next(d for w in month.weeks for d in w if d and d.date.day == 1)
    assert not national_day.is_workday
    assert national_day.name


def test_the_calendars_arrows_follow_to_the_months_before_and_after(client, data, office_staff):
    client.force_login(office_staff)
    page = client.get(f"{DASHBOARD}?month=2026-10").content.decode()

    links = {
        rel: href.replace("&amp;", "&")
        for href, rel in re.findall(r'<a href="([^"]*)" rel="(prev|next)">', page)
    }

    # one "?" (Django 5.2's querystring tag writes its own), and following it changes the month
    assert links == {"prev": "?month=2026-09", "next": "?month=2026-11"}
    following = client.get(DASHBOARD + links["next"])
    assert following.context["month"].first == datetime.date(2026, 11, 1)


# --- The progress brief (通报) ----------------------------------------------------------------


def test_the_brief_lists_the_units_behind_with_their_overdue_tasks(client, data, office_staff):
    client.force_login(office_staff)

    response = client.get(reverse("reporting:brief"), {"date": "2026-07-01"})

    brief: Brief = response.context["brief"]
    overdue = Assignment.objects.filter(task__plan=data.plan, task__due_date__lt=TODAY).exclude(
        status=S.COMPLETED
    )
    assert sum(len(b.overdue) for b in brief.behind) == overdue.count() > 0
    assert {b.name for b in brief.behind} <= {"社管办", "计财股", "办公室"}
    page = response.content.decode()
    for unit in brief.behind:
        assert str(unit.overdue[0].task) in page


def test_the_brief_counts_deadlines_against_its_date(client, data, office_staff):
    client.force_login(office_staff)
    brief_url = reverse("reporting:brief")

    early = client.get(brief_url, {"date": "2026-01-01"}).context["brief"]
    late = client.get(brief_url, {"date": "2026-12-31"}).context["brief"]

    assert early.totals.overdue == 0
    assert late.totals.overdue > 0


def test_a_unit_heads_brief_is_their_units(client, data, unit_head):
    client.force_login(unit_head)

    brief = client.get(reverse("reporting:brief")).context["brief"]

    assert {b.name for b in brief.behind} <= {"社管办"}


def test_the_brief_downloads_as_a_word_document(client, data, office_staff):
    client.force_login(office_staff)

    response = client.get(reverse("reporting:brief_docx"), {"date": "2026-07-01"})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2026-07-01" in text
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "社管办" in cells or "计财股" in cells


def test_a_unit_with_nothing_assigned_sees_an_empty_dashboard(client, world):
    school = UnitFactory(department=world.department, name="新建学校", kind="school")
    client.force_login(
        UserFactory(department=world.department, unit=school, role=User.Role.UNIT_HEAD)
    )

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert units_of(response) == set()


def test_the_dashboard_s_kept_units_table_follows_the_figures(client, world, office_staff):
    client.force_login(office_staff)
    url = f"{DASHBOARD}?year={world.plan.year}"

    def units_table() -> str:
        page = client.get(url).content.decode()
        return re.search(r'<table class="table compact units".*?</table>', page, re.S).group(0)

    before = units_table()
    assert units_table() == before  # seen again: the kept table
    # when: 社管办 completes its part, behind the app's back
    Assignment.objects.filter(pk=world.own_assignment.pk).update(status=Assignment.Status.COMPLETED)
    # then: the table shown is the one a fresh rendering makes, not the one kept before
    after = units_table()
    cache.clear()
    assert after != before
    assert after == units_table()
