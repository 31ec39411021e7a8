"""The office's task list, a unit's own list and the plan page: queries, filters, export."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from org.models import Unit, UnitGroup, User
from plans.models import Plan
from tasks.models import Assignment, Task
from tasks.services import Report, record_progress, review_assignment
from tests.factories import PlanFactory, UnitFactory, UserFactory, make_task

TZ = ZoneInfo("Asia/Shanghai")
TASK_LIST = reverse("tasks:task_list")
ASSIGNMENT_LIST = reverse("tasks:assignment_list")


def rows(response) -> list[Task | Assignment]:
    assert response.status_code == 200
    return [row.record for row in response.context["table"].paginated_rows]


def texts(response) -> list[str]:
    return [task.text for task in rows(response)]


def query_count(client, url: str) -> int:
    """Queries of a request once warmed up (the first one also fills ContentType's cache)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_tasks(world, by, n: int) -> None:
    """n more tasks of world.plan, each with a lead and a co-operating unit."""
    for i in range(n):
        make_task(
            world.plan,
            lead=[world.own_unit],
            support=[world.other_unit],
            text=f"批量任务{i}",
            by=by,
        )


@pytest.fixture
def head_client(client, unit_head):
    client.force_login(unit_head)
    return client


# --- Queries --------------------------------------------------------------------------------


def test_the_task_list_runs_the_same_queries_for_3_and_for_30_tasks(
    office_client, world, office_staff
):
    # given
    add_tasks(world, office_staff, 1)  # 3 tasks in the department
    few = query_count(office_client, TASK_LIST)
    # when
    add_tasks(world, office_staff, 27)  # 30 tasks: more than a page of 25
    many = query_count(office_client, TASK_LIST)
    # then
    assert few == many


def test_the_task_list_query_count_is_pinned(
    office_client, world, office_staff, django_assert_num_queries
):
    add_tasks(world, office_staff, 28)
    office_client.get(TASK_LIST)  # warm up
    # session, user with their unit (the top bar names it), count, plan filter choices, the
    # units the filter and the bulk actions bar offer (read once for both: 10 -> 9), page of
    # tasks, their assignments with units, the department's working-day calendar (the deadline
    # badges), and the bell's unread count with the submissions awaiting review (once, although
    # render_table renders its template with the request and the context processors run again)
    with django_assert_num_queries(9):
        response = office_client.get(TASK_LIST)
    assert len(rows(response)) == 25


def test_the_filtered_task_list_runs_the_same_queries_for_3_and_for_30_tasks(
    office_client, world, office_staff
):
    url = f"{TASK_LIST}?unit={world.own_unit.pk}&state=not_started&due=overdue&q=任务"
    add_tasks(world, office_staff, 1)
    with time_machine.travel(datetime.datetime(2026, 7, 1, 9, tzinfo=TZ), tick=False):
        few = query_count(office_client, url)
        add_tasks(world, office_staff, 27)
        many = query_count(office_client, url)
    assert few == many


def test_the_unit_list_runs_the_same_queries_for_3_and_for_30_assignments(
    head_client, world, office_staff
):
    # given
    add_tasks(world, office_staff, 2)  # 社管办: own_task and 2 more
    few = query_count(head_client, ASSIGNMENT_LIST)
    # when
    add_tasks(world, office_staff, 27)
    many = query_count(head_client, ASSIGNMENT_LIST)
    # then
    assert few == many


def test_the_unit_list_query_count_is_pinned(
    head_client, world, office_staff, django_assert_num_queries
):
    add_tasks(world, office_staff, 29)
    head_client.get(ASSIGNMENT_LIST)  # warm up (ContentType's cache)
    # session, user with their unit (top bar), count, page with tasks and plans, plan filter
    # choices, the working-day calendar (deadline badges), and the bell's unread count (once)
    with django_assert_num_queries(7):
        response = head_client.get(ASSIGNMENT_LIST)
    assert len(rows(response)) == 25


def test_the_menu_counts_the_review_queues_submissions_and_no_other_bureaus(office_client, world):
    # The menu counts by unit (tasks/context_processors.py), the queue by plan: they agree
    # because work is only given to units of the plan's department.
    for assignment in (world.own_assignment, world.foreign_assignment, world.other_assignment):
        head = UserFactory(
            department=assignment.unit.department, unit=assignment.unit, role=User.Role.UNIT_HEAD
        )
        record_progress(assignment, Report(text="已完成。"), submit=True, by=head)

    queue = office_client.get(reverse("tasks:review_queue"))

    assert len(rows(queue)) == 2  # this bureau's two, not the other bureau's
    assert 'title="待审核的提交">2<' in queue.content.decode()


# --- The unit's own list --------------------------------------------------------------------


def test_the_unit_list_shows_only_the_units_own_assignments(head_client, world, office_staff):
    make_task(world.plan, lead=[world.other_unit], support=[world.own_unit], by=office_staff)

    assignments = rows(head_client.get(ASSIGNMENT_LIST))

    assert {a.unit for a in assignments} == {world.own_unit}
    assert len(assignments) == 2


def test_the_unit_list_leaves_out_drafts(head_client, world, office_staff):
    draft = PlanFactory(department=world.department, status=Plan.Status.DRAFT)
    make_task(draft, lead=[world.own_unit], by=office_staff)

    assert rows(head_client.get(ASSIGNMENT_LIST)) == [world.own_assignment]


def test_the_unit_list_filters_by_status(head_client, world, unit_head, office_staff):
    make_task(world.plan, lead=[world.own_unit], text="另一项任务", by=office_staff)
    record_progress(world.own_assignment, Report(text="开始"), by=unit_head)

    response = head_client.get(f"{ASSIGNMENT_LIST}?status=in_progress")

    assert rows(response) == [world.own_assignment]


# --- Filters of the office's list -----------------------------------------------------------


def test_office_staff_see_every_task_of_their_department_only(office_client, world):
    assert set(rows(office_client.get(TASK_LIST))) == {world.own_task, world.foreign_task}


def test_the_task_list_filters_by_plan(office_client, world, office_staff):
    other_plan = PlanFactory(department=world.department)
    make_task(other_plan, lead=[world.own_unit], text="另一方案的任务", by=office_staff)

    response = office_client.get(f"{TASK_LIST}?plan={other_plan.pk}")

    assert texts(response) == ["另一方案的任务"]


def test_the_task_list_refuses_another_departments_plan_as_a_filter(office_client, world):
    response = office_client.get(f"{TASK_LIST}?plan={world.other_plan.pk}")

    assert "plan" in response.context["filter"].form.errors
    assert rows(response) == []


def test_the_task_list_filters_by_unit(office_client, world):
    response = office_client.get(f"{TASK_LIST}?unit={world.other_unit.pk}")
    assert rows(response) == [world.foreign_task]


def test_the_unit_filter_lists_a_task_once_whatever_its_assignments(
    office_client, world, office_staff
):
    both = make_task(world.plan, lead=[world.own_unit], support=[world.other_unit], by=office_staff)

    response = office_client.get(f"{TASK_LIST}?unit={world.own_unit.pk}")

    assert sorted(t.pk for t in rows(response)) == sorted([world.own_task.pk, both.pk])
    # each row's progress counts its two units once (completed, all)
    table = response.context["table"]
    assert {table.progress_of(t) for t in rows(response)} == {(0, 2)}


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("not_started", {"untouched"}),
        ("in_progress", {"started"}),
        ("completed", {"done"}),
    ],
)
def test_the_task_list_filters_by_state(
    office_client, world, office_staff, unit_head, state, expected
):
    # given
    Task.objects.all().delete()
    untouched = make_task(world.plan, lead=[world.own_unit], text="untouched", by=office_staff)
    started = make_task(world.plan, lead=[world.own_unit], text="started", by=office_staff)
    done = make_task(world.plan, lead=[world.own_unit], text="done", by=office_staff)
    record_progress(started.assignments.get(), Report(text="开始"), by=unit_head)
    record_progress(done.assignments.get(), Report(text="完成"), submit=True, by=unit_head)
    review_assignment(done.assignments.get(), accept=True, by=office_staff)
    assert untouched.assignments.get().status == Assignment.Status.NOT_STARTED
    # when
    response = office_client.get(f"{TASK_LIST}?state={state}")
    # then
    assert set(texts(response)) == expected


def dated_tasks(world, by) -> None:
    Task.objects.all().delete()
    for text, due in [
        ("六月底", datetime.date(2026, 6, 30)),
        ("七月三日", datetime.date(2026, 7, 3)),
        ("七月十日", datetime.date(2026, 7, 10)),
        ("年底", datetime.date(2026, 12, 31)),
    ]:
        make_task(world.plan, lead=[world.own_unit], text=text, due=due, by=by)


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        # 1 July: 30 June is past; 3 July is within the week (up to 8 July), 10 July is not.
        ("overdue", {"六月底"}),
        ("due_soon", {"七月三日"}),
    ],
)
def test_the_task_list_filters_by_due_window(office_client, world, office_staff, window, expected):
    dated_tasks(world, office_staff)
    with time_machine.travel(datetime.datetime(2026, 7, 1, 9, tzinfo=TZ), tick=False):
        response = office_client.get(f"{TASK_LIST}?due={window}")
    assert set(texts(response)) == expected


def test_a_completed_task_is_never_overdue(office_client, world, office_staff, unit_head):
    dated_tasks(world, office_staff)
    june = Task.objects.get(text="六月底").assignments.get()
    record_progress(june, Report(text="已完成"), submit=True, by=unit_head)
    review_assignment(june, accept=True, by=office_staff)

    with time_machine.travel(datetime.datetime(2026, 7, 1, 9, tzinfo=TZ), tick=False):
        response = office_client.get(f"{TASK_LIST}?due=overdue")

    assert texts(response) == []


def test_due_soon_follows_the_local_date_not_utc(office_client, world, office_staff):
    # 23 June 17:00 UTC is already 24 June in China: 1 July is then within the week.
    dated_tasks(world, office_staff)
    make_task(
        world.plan,
        lead=[world.own_unit],
        text="七月一日",
        due=datetime.date(2026, 7, 1),
        by=office_staff,
    )
    moment = datetime.datetime(2026, 6, 23, 17, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        response = office_client.get(f"{TASK_LIST}?due=due_soon")
    assert set(texts(response)) == {"六月底", "七月一日"}


def test_the_task_list_searches_the_task_text(office_client, world, office_staff):
    make_task(world.plan, lead=[world.own_unit], text="公开部门预算执行情况。", by=office_staff)

    response = office_client.get(f"{TASK_LIST}?q=部门预算")

    assert texts(response) == ["公开部门预算执行情况。"]


def test_the_task_list_is_sorted_by_deadline_either_way(office_client, world, office_staff):
    dated_tasks(world, office_staff)
    by_date = ["六月底", "七月三日", "七月十日", "年底"]

    assert texts(office_client.get(TASK_LIST)) == by_date
    assert texts(office_client.get(f"{TASK_LIST}?sort=due_date")) == by_date
    assert texts(office_client.get(f"{TASK_LIST}?sort=-due_date")) == by_date[::-1]


@pytest.mark.parametrize("sort", ["due_date", "-due_date", "progress"])
def test_paging_through_tasks_that_share_a_deadline_shows_each_once(
    office_client, world, office_staff, sort
):
    add_tasks(world, office_staff, 30)  # every one due on the same day
    url = f"{TASK_LIST}?sort={sort}&per_page=10"

    pages = [rows(office_client.get(f"{url}&page={page}")) for page in (1, 2, 3, 4)]

    # The database orders equal deadlines as it likes unless told: the primary key breaks ties.
    assert office_client.get(url).context["table"].data.data.query.order_by[-1] == "pk"
    seen = [task.pk for page in pages for task in page]
    assert sorted(seen) == sorted(Task.objects.filter(plan=world.plan).values_list("pk", flat=True))


def units_named(world, *names: str) -> list[Unit]:
    # Latin letters: the same order under any database collation (Chinese names sort by code
    # point in SQLite and by the collation's rules in PostgreSQL).
    return [UnitFactory(department=world.department, name=name) for name in names]


def tasks_led_by_units(world, by) -> list[str]:
    """Tasks under A, B and C股 in a plan of their own; the expected order by lead unit."""
    a, b, c = units_named(world, "A股", "B股", "C股")
    Task.objects.all().delete()
    for text, lead, due in [
        ("C六月", [c], datetime.date(2026, 6, 30)),
        ("A七月十日", [a], datetime.date(2026, 7, 10)),
        ("A七月三日", [a], datetime.date(2026, 7, 3)),
        ("B与A年底", [b, a], datetime.date(2026, 12, 31)),  # led by two: sorted under A
    ]:
        make_task(world.plan, lead=lead, text=text, due=due, by=by)
    make_task(world.plan, support=[b], text="无牵头", by=by)
    return ["A七月三日", "A七月十日", "B与A年底", "C六月", "无牵头"]


def test_the_task_list_sorts_by_lead_unit_then_deadline(office_client, world, office_staff):
    by_unit = tasks_led_by_units(world, office_staff)

    assert texts(office_client.get(f"{TASK_LIST}?sort=lead")) == by_unit
    # descending by unit, ties still by deadline, and tasks without a lead still last
    assert texts(office_client.get(f"{TASK_LIST}?sort=-lead")) == [
        "C六月", "A七月三日", "A七月十日", "B与A年底", "无牵头"
    ]  # fmt: skip


def test_the_unit_lists_sort_by_unit_name_then_deadline(client, world, office_staff, leader):
    # given: a task for each unit, and two for A股 whose deadlines break the tie
    a, b = units_named(world, "A股", "B股")
    Task.objects.all().delete()
    for unit, due in [(b, 6), (a, 9), (a, 7)]:
        make_task(world.plan, lead=[unit], text=f"{unit}{due}月", due=datetime.date(2026, due, 1),
                  by=office_staff)  # fmt: skip
    client.force_login(leader)  # a leader's list holds every unit's assignments
    # when
    response = client.get(f"{ASSIGNMENT_LIST}?sort=unit")
    # then
    assert [a.task.text for a in rows(response)] == ["A股7月", "A股9月", "B股6月"]
    assert response.context["table"].data.data.query.order_by[-1] == "pk"


def test_the_unit_list_is_sorted_by_deadline(head_client, world, office_staff):
    dated_tasks(world, office_staff)
    response = head_client.get(ASSIGNMENT_LIST)
    assert [a.task.text for a in rows(response)] == ["六月底", "七月三日", "七月十日", "年底"]


# --- Export ---------------------------------------------------------------------------------


# The sheet itself: test_breakdown_export.py.


def test_unit_people_cannot_open_or_export_the_task_list(head_client, world):
    assert head_client.get(TASK_LIST).status_code == 403
    assert head_client.get(f"{TASK_LIST}?_export=xlsx").status_code == 403


# --- The plan page --------------------------------------------------------------------------


def tasks_on_page(response) -> set[Task]:
    def walk(nodes):
        for node in nodes:
            yield from node.tasks
            yield from walk(node.children)

    assert response.status_code == 200
    return set(walk(response.context["tree"]))


def test_a_unit_head_sees_only_their_units_tasks_on_the_plan_page(head_client, world):
    response = head_client.get(reverse("tasks:plan_detail", args=[world.plan.pk]))

    assert tasks_on_page(response) == {world.own_task}
    page = response.content.decode()
    assert world.own_task.get_absolute_url() in page
    assert world.foreign_task.get_absolute_url() not in page


def test_office_staff_see_all_tasks_on_the_plan_page(office_client, world):
    response = office_client.get(reverse("tasks:plan_detail", args=[world.plan.pk]))

    assert tasks_on_page(response) == {world.own_task, world.foreign_task}
    page = response.content.decode()
    assert world.foreign_task.get_absolute_url() in page


def test_a_school_sees_a_collective_task_on_the_plan_page(client, world, office_staff):
    # given
    school = UnitFactory(department=world.department, name="东湖小学", kind="school")
    head = UserFactory(department=world.department, unit=school, role=User.Role.UNIT_HEAD)
    schools = UnitGroup.objects.get(department=world.department, name="各区属学校")
    task = make_task(world.plan, groups=[schools], by=office_staff)
    client.force_login(head)
    # when
    response = client.get(reverse("tasks:plan_detail", args=[world.plan.pk]))
    # then
    assert tasks_on_page(response) == {task}


def test_the_year_filter_shows_every_plan_of_the_year_and_only_the_department_s(
    office_client, world, office_staff
):
    # given: a second plan of 2026 and one of 2025 in the department; bureau B has its own 2026
    second = PlanFactory(department=world.department, year=2026, status=Plan.Status.DRAFT)
    older = PlanFactory(department=world.department, year=2025, status=Plan.Status.DRAFT)
    in_second = make_task(second, lead=[world.own_unit], by=office_staff)
    in_older = make_task(older, lead=[world.own_unit], by=office_staff)

    def shown(year: int) -> set[int]:
        return {task.pk for task in rows(office_client.get(f"{TASK_LIST}?year={year}"))}

    # when / then: bureau B's 2026 task is not among A's
    assert shown(2026) == {world.own_task.pk, world.foreign_task.pk, in_second.pk}
    assert shown(2025) == {in_older.pk}
    assert shown(2019) == set()


# --- The page as written ----------------------------------------------------------------------
# Rows are written by the tables (org.tables.WrittenRowsTable) and the filters' choices by
# org.forms.WrittenSelect; nothing of a list is kept between requests.


def table_rows(page: str) -> list[str]:
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", page, re.S).group(1)
    return re.findall(r"<tr[^>]*>.*?</tr>", body, re.S)


def test_a_changed_task_shows_at_once(office_client, world):
    office_client.get(TASK_LIST)
    # when: changed behind the app's back, as a bulk update or another process would
    Task.objects.filter(pk=world.own_task.pk).update(text="改过的任务")
    Assignment.objects.filter(task=world.own_task).update(status=Assignment.Status.COMPLETED)
    Plan.objects.filter(pk=world.plan.pk).update(title="改过名的方案")
    # then: the row itself, a count annotated on it, the plan selected with it
    page = office_client.get(TASK_LIST).content.decode()
    assert "改过的任务" in page
    assert '<meter min="0" max="2" value="2"></meter> 2/2' in page
    assert "改过名的方案" in page


def test_a_renamed_unit_shows_at_once_in_the_rows_and_the_filter(office_client, world):
    office_client.get(TASK_LIST)
    Unit.objects.filter(pk=world.own_unit.pk).update(short_name="社会事业办")
    page = office_client.get(TASK_LIST).content.decode()
    assert "社管办" not in page
    assert f'<option value="{world.own_unit.pk}">社会事业办</option>' in page
    assert any('<td data-label="牵头单位">社会事业办</td>' in row for row in table_rows(page))


@pytest.mark.parametrize("url", [TASK_LIST, ASSIGNMENT_LIST])
def test_every_cell_of_a_list_is_labelled_with_its_column_for_the_phones_cards(
    office_client, world, url
):
    # given: 社管办 leads the task and the office co-operates
    # when
    page = office_client.get(url).content.decode()
    # then: each cell carries its column's heading, in the headings' order (a phone shows
    # the rows as cards, each cell under its label: 牵头 and 配合 are told apart)
    head = re.search(r"<thead[^>]*>(.*?)</thead>", page, re.S).group(1)
    headings = [re.sub(r"<[^>]+>|\s", "", th) for th in re.findall(r"<th.*?</th>", head, re.S)]
    assert 'class="table cards"' in page
    for row in table_rows(page):
        assert re.findall(r'<td data-label="([^"]*)"', row) == headings
    if url == TASK_LIST:
        assert any(
            '<td data-label="牵头单位">社管办</td><td data-label="配合单位">办公室</td>' in row
            for row in table_rows(page)
        )


def test_the_chosen_filter_value_is_selected_and_the_page_follows_the_language(
    office_client, world
):
    chosen = office_client.get(f"{TASK_LIST}?unit={world.own_unit.pk}").content.decode()
    assert f'<option value="{world.own_unit.pk}" selected>' in chosen
    assert '<option value="">全部</option>' in chosen
    unchosen = office_client.get(TASK_LIST).content.decode()
    assert f'<option value="{world.own_unit.pk}" selected>' not in unchosen
    assert '<option value="" selected>全部</option>' in unchosen
    english = office_client.get(TASK_LIST, headers={"accept-language": "en"}).content.decode()
    chinese = office_client.get(TASK_LIST, headers={"accept-language": "zh-hans"}).content.decode()
    assert "完成时限" in chinese  # the deadline column's heading
    assert "完成时限" not in english
    assert '<option value="not_started">未开始</option>' in chinese  # a choice's label


def test_the_overdue_mark_follows_the_day(office_client, world):
    def page_on(day: datetime.date) -> str:
        at = datetime.datetime.combine(day, datetime.time(9), TZ)
        with time_machine.travel(at, tick=False):
            return office_client.get(TASK_LIST).content.decode()

    due = world.own_task.due_date
    before, after = page_on(due), page_on(due + datetime.timedelta(days=1))
    marked = re.compile(r'<tr [^>]*class="[^"]*overdue')
    assert not marked.search(before)
    assert marked.search(after)


def test_a_task_row_shows_its_columns_in_order(office_client, world):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=TZ), tick=False):
        page = office_client.get(f"{TASK_LIST}?plan={world.plan.pk}").content.decode()
    row = next(r for r in table_rows(page) if world.own_task.text in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    seen = "".join(
        f'<input type="hidden" name="seen" value="{a.pk}:{a.version}" form="bulk">'
        for a in world.own_task.assignments.order_by("-role", "unit__position", "pk")
    )
    assert cells == [
        # the office's checkbox for the bulk actions, with the versions of the row's assignments
        f'<input type="checkbox" name="task" value="{world.own_task.pk}" form="bulk" '
        f'aria-label="{gettext("select")}" />{seen}',
        "1",
        f'<a href="{world.own_task.get_absolute_url()}">{world.own_task.text}</a>',
        "社管办",
        "办公室",
        world.own_task.due_date.isoformat(),
        '<meter min="0" max="2" value="0"></meter> 0/2',
        f'<a href="{world.plan.get_absolute_url()}">{world.plan.title}</a>',
    ]


@pytest.mark.parametrize(
    ("today", "badge"),
    [
        (datetime.date(2026, 3, 2), None),  # months ahead: the date says enough
        (datetime.date(2026, 6, 26), "还剩2个工作日"),
        (datetime.date(2026, 6, 30), "今日到期"),
        (datetime.date(2026, 7, 3), "逾期3个工作日"),
    ],
)
def test_list_rows_say_in_words_where_their_deadline_stands(
    client, world, office_staff, unit_head, today, badge
):
    at = datetime.datetime.combine(today, datetime.time(9), TZ)
    pages = []
    for person, url in ((office_staff, TASK_LIST), (unit_head, ASSIGNMENT_LIST)):
        client.force_login(person)
        with time_machine.travel(at, tick=False):
            pages.append(client.get(url))
    for page in pages:
        row = next(r for r in table_rows(page.content.decode()) if world.own_task.text in r)
        badges = re.findall(r'<span class="badge due-\w+">(.*?)</span>', row)
        assert badges == ([badge] if badge else [])


def test_rows_are_numbered_down_the_pages(office_client, world, office_staff):
    add_tasks(world, office_staff, 28)
    second = office_client.get(f"{TASK_LIST}?page=2").content.decode()
    numbers = [re.search(r"<td[^>]*>(\d+)</td>", row).group(1) for row in table_rows(second)]
    assert numbers[:2] == ["26", "27"]


def test_an_empty_list_says_so(office_client, world):
    page = office_client.get(f"{TASK_LIST}?q=没有这样的任务").content.decode()
    # seven columns, and the office's checkboxes
    assert table_rows(page) == [f'<tr><td colspan="8">{gettext("No tasks match.")}</td></tr>']


def test_a_unit_list_row_shows_its_task_status_and_plan_as_changed(client, unit_head, world):
    client.force_login(unit_head)
    client.get(ASSIGNMENT_LIST)
    # when: the task and its plan, selected two levels deep with each assignment, change
    Task.objects.filter(pk=world.own_task.pk).update(text="改过的任务")
    Plan.objects.filter(pk=world.plan.pk).update(title="改过名的方案")
    Assignment.objects.filter(pk=world.own_assignment.pk).update(status="submitted")
    # then
    page = client.get(ASSIGNMENT_LIST).content.decode()
    row = next(r for r in table_rows(page) if "改过的任务" in r)
    assert f'<a href="{world.own_assignment.get_absolute_url()}">改过的任务</a>' in row
    assert '<td data-label="状态" class="status-submitted">已提交</td>' in row
    assert '<td data-label="工作方案">改过名的方案</td>' in row


def test_the_unit_filter_lists_the_department_s_units_in_order_labelled_as_they_name_themselves(
    office_client, world
):
    # given: a unit with a short name and one without
    long_only = UnitFactory(department=world.department, name="第一百直属学校", short_name="")
    # when
    form = office_client.get(TASK_LIST).context["filter"].form
    # then: the options are the department's units, each labelled by str(unit)
    units = Unit.objects.filter(department=world.department)
    assert list(form.fields["unit"].choices)[1:] == [(u.pk, str(u)) for u in units]
    assert (long_only.pk, "第一百直属学校") in form.fields["unit"].choices
    assert (world.own_unit.pk, "社管办") in form.fields["unit"].choices


def test_returned_work_comes_first_on_the_units_list(client, world, office_staff, unit_head):
    # given: the unit's assignments, the one due last returned by the office
    for month in (4, 5):
        make_task(
            world.plan, lead=[world.own_unit], due=datetime.date(2026, month, 1), by=office_staff
        )
    last = make_task(
        world.plan, lead=[world.own_unit], due=datetime.date(2026, 12, 1), by=office_staff
    )
    assignment = Assignment.objects.get(task=last)
    record_progress(assignment, Report(text="已完成。"), submit=True, by=unit_head)
    review_assignment(assignment, accept=False, comment="请补充。", by=office_staff)
    client.force_login(unit_head)
    # when / then: first by default, and still first with the deadlines sorted the other way
    for url in (ASSIGNMENT_LIST, f"{ASSIGNMENT_LIST}?sort=-due"):
        first = table_rows(client.get(url).content.decode())[0]
        assert assignment.task.text in first
    page = client.get(ASSIGNMENT_LIST).content.decode()
    assert "工作日" in page[page.index('class="legend') :]  # the legend says how it counts
