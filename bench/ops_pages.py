"""The pages people wait on: the office's task list (page 1 and page 200 of a year's tasks),
a unit's to-do list, an assignment's page and the dashboard, rendered through Django's test
client (the server's time: middleware, view, queries, template).

Baselines: the Django admin over the same models and filters (``bench.admin``), and for the
dashboard a per-row loop. Floors: the SQL that returns the same rows or aggregates.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from api.services import create_token, default_expiry
from org.models import User
from tasks.models import Assignment, ProgressUpdate, Task

from .generate import DataSet
from .suite import Operation, Target, Work

PER_PAGE = 25  # the app's lists and the baselines' admin
LIST = Target(p95_ms=150, floor_ratio=3)


def client_for(user: User) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def get(client: Client, url: str) -> Work:
    def work() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return work


def sql(statements: list[tuple[str, list]]) -> Work:
    """The statements run on Django's connection, every row fetched."""

    def work() -> None:
        with connection.cursor() as cursor:
            for statement, params in statements:
                cursor.execute(statement, params)
                cursor.fetchall()

    return work


def superuser() -> User:
    """The baselines' admin needs a superuser; made once, kept with the data set."""
    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


# The counts in correlated subqueries, as the app's own query: PostgreSQL counts for the rows
# it returns (and those it skips to reach the page), not for the whole year. The year's plan by
# id, as the app's year filter: the page is read from the (plan, due_date, id) index in order.
TASK_PAGE = """
    SELECT t.id, t.text, t.title, t.due_date, p.id, p.title,
           (SELECT count(*) FROM tasks_assignment a WHERE a.task_id = t.id),
           (SELECT count(*) FROM tasks_assignment a
             WHERE a.task_id = t.id AND a.status = 'completed')
      FROM tasks_task t JOIN plans_plan p ON p.id = t.plan_id
     WHERE t.plan_id = %s
     ORDER BY t.due_date, t.id LIMIT %s OFFSET %s"""
TASK_COUNT = "SELECT count(*) FROM tasks_task t WHERE t.plan_id = %s"
TASK_UNITS = """
    SELECT a.task_id, a.role, u.name FROM tasks_assignment a JOIN org_unit u ON u.id = a.unit_id
     WHERE a.task_id IN (
        SELECT t.id FROM tasks_task t WHERE t.plan_id = %s
         ORDER BY t.due_date, t.id LIMIT %s OFFSET %s)"""


def task_list(data: DataSet, page: int, *, changed: bool = False) -> Operation:
    """The office's task list as seen again or, when ``changed``, as first seen after its rows
    changed, with Django's cache emptied before each run. The list keeps nothing in the cache
    (it renders afresh on every request), so the two rows measure the same work: the second
    makes sure of it."""
    plan = data.this_year
    tasks = Task.objects.filter(plan=plan).count()
    page = min(page, -(-tasks // PER_PAGE))  # the last there is, on a small data set
    where = [plan.pk]
    offset = [PER_PAGE, (page - 1) * PER_PAGE]
    return Operation(
        name=f"office task list, page {page}" + (", first view after a change" if changed else ""),
        size=f"{tasks:,} tasks of {plan.year} (of {Task.objects.count():,})",
        target=LIST,
        before_each=cache.clear if changed else None,  # untimed: nothing kept
        run=get(
            client_for(data.bureau.office),
            f"{reverse('tasks:task_list')}?year={plan.year}&page={page}",
        ),
        baseline=get(
            client_for(superuser()),
            f"/bench-admin/tasks/task/?plan__id__exact={plan.pk}&p={page}",
        ),
        floor=sql([(TASK_PAGE, where + offset), (TASK_COUNT, where), (TASK_UNITS, where + offset)]),
        baseline_is="Django admin changelist, same plan and page, units and progress read per row",
        floor_is="the page's rows with progress counts, the count, the rows' units: 3 SELECTs",
    )


def api_task_list(data: DataSet) -> Operation:
    """Page 1 of the office's task list through the REST API, with a personal token, against
    the HTML page of the same list (issue 21: within 1.5× of it)."""
    plan = data.this_year
    office = data.bureau.office
    query = f"?year={plan.year}&page=1"
    _token, raw = create_token(office, name="bench", expires_on=default_expiry())
    api = Client(HTTP_HOST="localhost", headers={"Authorization": f"Bearer {raw}"})
    return Operation(
        name="API task list, page 1",
        size=f"{Task.objects.filter(plan=plan).count():,} tasks of {plan.year}",
        target=Target(p95_ms=LIST.p95_ms, baseline_ratio=1.5),
        run=get(api, f"{reverse('api:task_list')}{query}"),
        baseline=get(client_for(office), f"{reverse('tasks:task_list')}{query}"),
        floor=sql([(TASK_PAGE, [plan.pk, PER_PAGE, 0]), (TASK_COUNT, [plan.pk])]),
        baseline_is="the office's HTML task list, same filter and page",
        floor_is="the page's rows with progress counts and the count: 2 SELECTs",
    )


TODO_PAGE = """
    SELECT a.id, a.role, a.status, t.id, t.text, t.due_date, p.id, p.title, u.name
      FROM tasks_assignment a JOIN tasks_task t ON t.id = a.task_id
      JOIN plans_plan p ON p.id = t.plan_id JOIN org_unit u ON u.id = a.unit_id
     WHERE a.unit_id = %s ORDER BY t.due_date, a.id LIMIT %s"""
TODO_COUNT = "SELECT count(*) FROM tasks_assignment WHERE unit_id = %s"


def unit_todo(data: DataSet) -> Operation:
    unit = data.bureau.units[0]
    head = User.objects.get(unit=unit, role=User.Role.UNIT_HEAD)
    mine = Assignment.objects.filter(unit=unit).count()
    return Operation(
        name="unit to-do list",
        size=f"{mine:,} assignments of {unit.name} over {len(data.plans)} years",
        target=LIST,
        run=get(client_for(head), reverse("tasks:assignment_list")),
        baseline=get(
            client_for(superuser()), f"/bench-admin/tasks/assignment/?unit__id__exact={unit.pk}"
        ),
        floor=sql([(TODO_PAGE, [unit.pk, PER_PAGE]), (TODO_COUNT, [unit.pk])]),
        baseline_is="Django admin changelist filtered by unit, task and plan looked up per row",
        floor_is="the page's rows joined to task, plan and unit, and the count: 2 SELECTs",
    )


DETAIL = [
    """SELECT a.*, t.*, p.*, u.* FROM tasks_assignment a JOIN tasks_task t ON t.id = a.task_id
        JOIN plans_plan p ON p.id = t.plan_id JOIN org_unit u ON u.id = a.unit_id
       WHERE a.id = %s""",
    """SELECT pu.*, au.username FROM tasks_progressupdate pu
        JOIN org_user au ON au.id = pu.author_id
       WHERE pu.assignment_id = %s ORDER BY pu.created_at""",
    """SELECT f.* FROM tasks_figure f JOIN tasks_progressupdate pu ON pu.id = f.update_id
       WHERE pu.assignment_id = %s""",
]


def assignment_detail(data: DataSet) -> Operation:
    # The busiest assignment of the first unit this year: the longest history to show.
    unit = data.bureau.units[0]
    assignment = (
        Assignment.objects.filter(unit=unit, task__plan=data.this_year)
        .annotate(n=Count("updates"))
        .order_by("-n", "pk")
        .first()
    )
    assert assignment is not None  # the data set gives every unit work
    head = User.objects.get(unit=unit, role=User.Role.UNIT_HEAD)
    updates = ProgressUpdate.objects.filter(assignment=assignment).count()
    return Operation(
        name="assignment detail",
        size=f"{updates} progress updates",
        target=Target(p95_ms=150),  # a page, not a list: the issue sets no floor ratio for it
        run=get(client_for(head), assignment.get_absolute_url()),
        baseline=get(
            client_for(superuser()), f"/bench-admin/tasks/assignment/{assignment.pk}/change/"
        ),
        floor=sql([(statement, [assignment.pk]) for statement in DETAIL]),
        baseline_is="Django admin change page with the updates inline",
        floor_is="the assignment with task, plan and unit; its updates; their figures: 3 SELECTs",
    )


DASHBOARD = [
    """SELECT a.unit_id, a.status, count(*),
              count(*) FILTER (WHERE t.due_date < %s AND a.status <> 'completed'),
              count(*) FILTER (WHERE a.status = 'completed' AND a.updated_at::date <= t.due_date)
         FROM tasks_assignment a JOIN tasks_task t ON t.id = a.task_id
         JOIN plans_plan p ON p.id = t.plan_id
        WHERE p.department_id = %s AND p.year = %s GROUP BY a.unit_id, a.status""",
    """SELECT (a.updated_at AT TIME ZONE 'Asia/Shanghai')::date, count(*)
         FROM tasks_assignment a JOIN tasks_task t ON t.id = a.task_id
         JOIN plans_plan p ON p.id = t.plan_id
        WHERE p.department_id = %s AND p.year = %s AND a.status = 'completed' GROUP BY 1""",
]


def dashboard(data: DataSet) -> Operation:
    plan = data.this_year
    department = data.bureau.department.pk
    year_assignments = Assignment.objects.filter(task__plan=plan)

    def per_row() -> None:
        # The straightforward dashboard: every assignment of the year read and counted in Python.
        by_unit: dict[tuple[str, str], int] = {}
        late, completions = 0, dict[object, int]()
        for a in year_assignments.select_related("task", "unit"):
            by_unit[a.unit.name, a.status] = by_unit.get((a.unit.name, a.status), 0) + 1
            if a.status == Assignment.Status.COMPLETED:
                day = a.updated_at.date()
                completions[day] = completions.get(day, 0) + 1
            elif a.task.due_date < data.as_of:
                late += 1

    return Operation(
        name="dashboard, a year",
        size=f"{year_assignments.count():,} assignments of {plan.year}",
        target=Target(p95_ms=300),
        run=get(
            client_for(data.bureau.office), f"{reverse('reporting:dashboard')}?year={plan.year}"
        ),
        baseline=per_row,
        floor=sql(
            [
                (DASHBOARD[0], [data.as_of, department, plan.year]),
                (DASHBOARD[1], [department, plan.year]),
            ]
        ),
        repeats=10,
        baseline_is="a Python loop counting the year's assignments (with task and unit), no page",
        floor_is="status × unit counts with overdue and on time; completions by day: 2 GROUP BYs",
    )


def operations(data: DataSet) -> list[Operation]:
    return [
        task_list(data, 1),
        task_list(data, 1, changed=True),
        task_list(data, 200),
        api_task_list(data),
        unit_todo(data),
        assignment_detail(data),
        dashboard(data),
    ]
