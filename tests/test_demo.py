"""The demo data behind `make run`: loaded twice it stays one demo; it looks like a real plan."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.http import HttpRequest

from org.models import Department, Unit, User
from plans.models import Heading, Plan
from tasks.demo import DEMO_PASSWORD, LOGINS, OTHER_DEPARTMENT, PEOPLE, SUPERIOR
from tasks.models import Assignment, ProgressUpdate, Task


def load(year: int = 2026) -> str:
    out = io.StringIO()
    call_command("load_demo", year=year, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [Department, Unit, User, Group, Plan, Heading, Task, Assignment, ProgressUpdate]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo_plan(db) -> Plan:
    load()
    return Plan.objects.get(number="泉丰教〔2026〕58号")


def test_loading_the_demo_twice_creates_nothing_the_second_time(db):
    # given
    assert "created" in load()
    first = counts()
    # when
    second_run = load()
    # then
    assert "already present" in second_run
    assert counts() == first
    assert first["Plan"] == 2  # the bureau's, and the district office's 工作要点
    assert first["Task"] == 13 + 4


@pytest.mark.parametrize("run", [1, 2])
def test_every_demo_login_can_log_in_with_the_demo_password(client, db, run):
    for _ in range(run):
        load()
    for username, *_rest in LOGINS:
        # django-axes checks every login against its lockouts and needs a request to do so.
        assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD), (
            username
        )
        client.logout()


def test_demo_people_have_their_roles_and_units(demo_plan):
    for username, full_name, role, unit in PEOPLE:
        person = User.objects.get(username=username)
        assert (person.full_name, person.role) == (full_name, role)
        if unit:
            assert unit in (person.unit.name, person.unit.short_name)
            assert set(person.groups.all()) == {person.unit.group}
        else:
            assert person.unit is None


def test_the_demo_plan_is_issued_for_its_year(demo_plan):
    assert (demo_plan.year, demo_plan.status) == (2026, Plan.Status.ISSUED)
    assert demo_plan.department.name == "泉州市丰泽区教育局"


def test_the_demo_plan_has_its_numbered_headings(demo_plan):
    top = Heading.objects.filter(plan=demo_plan, parent=None)
    # 「一、目标与原则」 is prose only: the importer makes headings from the tasks' paths.
    assert [h.label for h in top] == ["二、", "三、"]
    tasks_part = top.get(label="二、")
    assert [h.label for h in tasks_part.children.all()] == ["(一)", "(二)", "(三)", "(四)"]
    first = tasks_part.children.get(label="(一)")
    assert [h.label for h in first.children.all()] == ["1.", "2.", "3."]


def test_the_demo_plan_has_13_tasks_of_every_deadline_kind(demo_plan):
    tasks = demo_plan.tasks.all()
    kinds = {t.deadline_kind for t in tasks}

    assert tasks.count() == 13
    assert kinds == {"date", "recurring", "ongoing"}
    assert tasks.filter(deadline_kind="recurring").exclude(recurrence="").exists()
    assert all(t.due_date.year == 2026 for t in tasks)


def test_the_year_end_summary_is_a_milestone_on_11_november_for_every_unit(demo_plan):
    milestone = demo_plan.tasks.get(is_milestone=True)

    assert milestone.due_date == datetime.date(2026, 11, 11)
    assigned = set(milestone.assignments.values_list("unit", flat=True))
    assert assigned == set(
        Unit.objects.filter(department=demo_plan.department).values_list("pk", flat=True)
    )


def test_the_task_for_the_handling_sections_waits_for_the_offices_choice(demo_plan):
    task = demo_plan.tasks.get(groups__name="各承办科室")

    assert [g.needs_choice for g in task.groups.all()] == [True]
    assert not task.assignments.exists()


def test_the_demo_shows_work_at_every_stage(demo_plan):
    statuses = set(Assignment.objects.filter(task__plan=demo_plan).values_list("status", flat=True))
    assert {"not_started", "in_progress", "submitted", "completed"} <= statuses


def test_the_demos_completed_tasks_say_what_the_year_end_report_tells(demo_plan):
    completed = [
        task
        for task in demo_plan.tasks.all()
        if task.assignments.exists()
        and not task.assignments.exclude(status=Assignment.Status.COMPLETED).exists()
    ]
    summaries = ProgressUpdate.objects.filter(assignment__task__in=completed).exclude(summary="")

    assert len(completed) == 3
    assert {u.assignment.task for u in summaries} == set(completed)
    assert all(u.summary.endswith("。") for u in summaries)


def test_the_demo_for_another_year_adds_that_years_plan_only(demo_plan):
    before = counts()

    load(2027)

    after = counts()
    assert after["Plan"] == before["Plan"] + 2
    assert (after["Department"], after["Unit"], after["User"]) == (
        before["Department"],
        before["Unit"],
        before["User"],
    )
    assert Plan.objects.filter(year=2027, number="泉丰教〔2027〕58号").exists()


def test_the_demo_bureau_and_one_more_department_report_to_the_district_office(demo_plan):
    superior = Department.objects.get(name=SUPERIOR)
    assert set(superior.children.values_list("name", flat=True)) == {
        demo_plan.department.name,
        OTHER_DEPARTMENT,
    }
    assert User.objects.get(username="district").department == superior
    assert User.objects.get(username="health").department.parent == superior


def test_the_district_offices_plan_cascades_one_task_to_the_bureau_and_to_the_health_bureau(
    demo_plan,
):
    # given
    superior = Plan.objects.get(department__name=SUPERIOR)
    cascaded = Assignment.objects.filter(task__plan=superior, unit__represents__isnull=False)
    bureau = cascaded.get(unit__represents=demo_plan.department)
    health = cascaded.get(unit__represents__name=OTHER_DEPARTMENT)
    # then: the bureau linked it to one of its tasks, whose progress shows upstream; the health
    # bureau's waits in its inbox
    assert superior.status == Plan.Status.ISSUED
    assert bureau.task == health.task
    assert bureau.downstream.plan == demo_plan
    assert bureau.status == Assignment.Status.IN_PROGRESS
    assert not Task.objects.filter(upstream=health).exists()
    assert health.status == Assignment.Status.NOT_STARTED
