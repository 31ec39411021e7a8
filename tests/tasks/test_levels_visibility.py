"""Levels (issue 20, item 1): a superior's office staff and leaders read the plans, tasks,
assignments and reports of the departments below theirs, and change nothing of them; nobody
sees sideways or upward. Real requests through the test client, on real data."""

from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from api.services import create_token, default_expiry
from org.models import Department, User
from org.services import representative_of
from plans.models import Plan
from reporting import services as reports
from reporting.models import ReportDraft
from tasks import cascade
from tasks.evidence import Upload
from tasks.models import Assignment, Comment, EvidenceFile, Reminder, Task
from tasks.services import Report, record_progress
from tests.factories import DepartmentFactory, PlanFactory, UnitFactory, UserFactory, make_task
from tests.tasks.test_lists import add_tasks, query_count


@dataclass
class Levels:
    district: Department  # the superior: 区政府办 over the world's bureau A and 卫健局
    health: Department  # A's sibling
    district_plan: Plan
    health_plan: Plan
    draft_below: Plan  # A's plan still in draft
    evidence: EvidenceFile  # on A's assignment
    report_below: ReportDraft  # A's
    district_report: ReportDraft
    district_office: User
    district_leader: User
    district_unit_head: User
    health_office: User


def _office(department: Department, username: str) -> User:
    unit = UnitFactory(department=department, name="办公室", is_office=True)
    return UserFactory(username=username, department=department, unit=unit, role=User.Role.OFFICE)


@pytest.fixture
def levels(world, office_staff, settings, tmp_path) -> Levels:
    settings.MEDIA_ROOT = tmp_path
    district = DepartmentFactory(name="泉州市丰泽区人民政府办公室")
    Department.objects.filter(pk=world.department.pk).update(parent=district)
    health = DepartmentFactory(name="泉州市丰泽区卫生健康局", parent=district)
    district_office = UserFactory(
        username="district",
        department=district,
        unit=UnitFactory(department=district, name="秘书科", is_office=True),
        role=User.Role.OFFICE,
    )
    section = UnitFactory(department=district, name="政务公开科")
    district_plan = PlanFactory(department=district)
    make_task(district_plan, lead=[section], by=district_office)
    health_office = _office(health, "health")
    health_plan = PlanFactory(department=health)
    make_task(health_plan, lead=[health_office.unit], by=health_office)
    upload = Upload("公开截图.txt", "已公开".encode())
    update = record_progress(world.own_assignment, Report(files=[upload]), by=office_staff)
    return Levels(
        district=district,
        health=health,
        district_plan=district_plan,
        health_plan=health_plan,
        draft_below=PlanFactory(department=world.department, status=Plan.Status.DRAFT),
        evidence=update.files.get(),
        report_below=reports.create_draft(world.department, 2026, by=None),
        district_report=reports.create_draft(district, 2026, by=None),
        district_office=district_office,
        district_leader=UserFactory(department=district, role=User.Role.LEADER),
        district_unit_head=UserFactory(department=district, unit=section, role="unit_head"),
        health_office=health_office,
    )


def _get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def _pages_of(world, levels):
    """The read pages of bureau A's objects, as (url name, args)."""
    report = levels.report_below
    return [
        ("tasks:plan_detail", [world.plan.pk]),
        ("tasks:task_detail", [world.own_task.pk]),
        ("tasks:assignment_detail", [world.own_assignment.pk]),
        ("tasks:evidence_download", [levels.evidence.pk]),
        ("reporting:report_detail", [report.pk]),
        ("reporting:report_export", [report.pk, "html"]),
    ]


# --- What a superior sees -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["district_office", "district_leader"])
def test_a_superior_reads_the_plans_tasks_assignments_and_reports_below(
    client, world, levels, role
):
    person = getattr(levels, role)
    for name, args in _pages_of(world, levels):
        assert _get(client, person, name, *args).status_code == 200, name


def test_the_plan_list_names_whose_plan_it_is_and_filters_by_department(client, world, levels):
    response = _get(client, levels.district_office, "plans:plan_list")
    page = response.content.decode()
    assert world.plan.title in page
    assert levels.district_plan.title in page
    assert levels.health_plan.title in page
    assert world.department.name in page  # the department column
    assert world.other_plan.title not in page  # not below the district
    assert levels.draft_below.title not in page  # A's draft is A's own working copy
    # 部门: its own first, then those below
    choices = list(response.context["filter"].form.fields["department"].choices)
    below = sorted([world.department, levels.health], key=lambda d: d.name)
    assert [pk for pk, _ in choices[1:]] == [levels.district.pk, *(d.pk for d in below)]
    only_a = client.get(reverse("plans:plan_list"), {"department": world.department.pk})
    assert list(only_a.context["plans"]) == [world.plan]


def test_the_task_list_shows_the_superiors_own_tasks_until_it_picks_a_department_below(
    client, world, levels
):
    own = _get(client, levels.district_office, "tasks:task_list")
    assert {t.plan_id for t in own.context["table"].data} == {levels.district_plan.pk}
    assert own.context["bulk"]  # its own work: the actions bar

    below = client.get(reverse("tasks:task_list"), {"department": world.department.pk})
    assert {t.pk for t in below.context["table"].data} == {
        world.own_task.pk,
        world.foreign_task.pk,
    }
    assert "bulk" not in below.context  # read-only: no checkboxes, no actions bar
    assert 'form="bulk"' not in below.content.decode()
    # A department that is not below answers with the superior's own.
    sideways = client.get(reverse("tasks:task_list"), {"department": world.other_department.pk})
    assert {t.plan_id for t in sideways.context["table"].data} == {levels.district_plan.pk}


def test_the_report_list_shows_the_reports_below_and_filters_them(client, world, levels):
    response = _get(client, levels.district_office, "reporting:report_list")
    assert set(response.context["reports"]) == {levels.report_below, levels.district_report}
    only_own = client.get(reverse("reporting:report_list"), {"department": levels.district.pk})
    assert list(only_own.context["reports"]) == [levels.district_report]


def test_the_dashboard_counts_its_own_work_and_links_the_departments_below(client, world, levels):
    response = _get(client, levels.district_office, "reporting:dashboard")
    assert [name for _, name in response.context["below"]] == sorted(
        [world.department.name, levels.health.name]
    )
    assert f"?department={world.department.pk}" in response.content.decode()
    assert response.context["scope"].assignments.count() == 1  # 政务公开科's, not A's


def test_the_bureaus_own_pages_show_no_levels(client, world, levels, office_staff):
    response = _get(client, office_staff, "plans:plan_list")
    assert response.context["filter"] is None
    task = client.get(reverse("tasks:task_detail", args=[world.own_task.pk]))
    assert not task.context["read_only_below"]
    assert task.context["comment_form"] is not None
    assert _get(client, office_staff, "reporting:dashboard").context["below"] == []


# --- Read-only -------------------------------------------------------------------------------


def test_the_pages_below_show_no_write_buttons(client, world, levels):
    client.force_login(levels.district_office)
    plan = client.get(reverse("tasks:plan_detail", args=[world.plan.pk])).content.decode()
    assert reverse("plans:plan_update", args=[world.plan.pk]) not in plan
    assert reverse("tasks:task_create", args=[world.plan.pk]) not in plan
    task = client.get(reverse("tasks:task_detail", args=[world.own_task.pk]))
    assert task.context["comment_form"] is None
    assert task.context["read_only_below"]  # whose it is, read-only
    assert world.department.name in task.content.decode()
    assert reverse("tasks:task_update", args=[world.own_task.pk]) not in task.content.decode()
    assignment = client.get(reverse("tasks:assignment_detail", args=[world.own_assignment.pk]))
    assert not assignment.context["can_update"]
    assert not assignment.context["can_review_any"]
    assert assignment.context["comment_form"] is None
    report = client.get(reverse("reporting:report_detail", args=[levels.report_below.pk]))
    assert not report.context["can_write"]
    assert report.context["front"] is None


WRITES = [
    ("get", "plans:plan_update", "plan", {}),
    ("post", "plans:plan_status", "plan", {"status": "closed"}),
    ("get", "plans:heading_create", "plan", {}),
    ("get", "tasks:task_create", "plan", {}),
    ("get", "tasks:task_update", "task", {}),
    ("post", "tasks:task_close", "task", {"reason": "x"}),
    ("post", "tasks:task_detail", "task", {"c-text": "请核实"}),
    ("post", "tasks:assignment_detail", "assignment", {"action": "report", "p-text": "x"}),
    ("post", "tasks:assignment_detail", "assignment", {"action": "accept", "r-version": 1}),
    ("post", "tasks:assignment_detail", "assignment", {"action": "comment", "c-text": "请核实"}),
    ("post", "tasks:assignment_remind", "assignment", {"note": "请尽快报送"}),
    ("post", "reporting:report_final", "report", {}),
    ("post", "reporting:report_generate", "report", {}),
    ("get", "reporting:report_table_entry", "report", {}),
]


@pytest.mark.parametrize("role", ["district_office", "district_leader"])
@pytest.mark.parametrize(("method", "name", "kind", "data"), WRITES)
def test_every_write_on_the_work_below_is_refused_and_changes_nothing(
    client, world, levels, role, method, name, kind, data
):
    # given
    obj = {
        "plan": world.plan,
        "task": world.own_task,
        "assignment": world.own_assignment,
        "report": levels.report_below,
    }[kind]
    client.force_login(getattr(levels, role))
    # when
    response = getattr(client, method)(reverse(name, args=[obj.pk]), data)
    # then
    assert response.status_code == 403, f"{method} {name}"
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.ISSUED
    assert world.own_assignment.updates.count() == 1  # the office's own report only
    assert not Comment.objects.exists()
    assert not Reminder.objects.exists()
    levels.report_below.refresh_from_db()
    assert levels.report_below.status == ReportDraft.Status.DRAFT


def _state_below(world) -> tuple:
    """What a bulk action could change on bureau A's tasks: statuses, deadlines, units."""
    tasks = Task.objects.filter(plan=world.plan)
    assignments = Assignment.objects.filter(task__plan=world.plan)
    return (
        sorted(assignments.values_list("pk", "unit", "role", "status", "version")),
        sorted(tasks.values_list("pk", "due_date")),
        Reminder.objects.count(),
    )


@pytest.mark.parametrize("action", ["urge", "sign_off", "deadline", "reassign"])
def test_the_bulk_actions_refuse_the_tasks_below_and_change_nothing(
    client, world, levels, unit_head, action
):
    # given: work handed in below, as the superior's list of the department shows it
    record_progress(world.own_assignment, Report(text="已完成。"), submit=True, by=unit_head)
    before = _state_below(world)
    shown = [f"{a.pk}:{a.version}" for a in Assignment.objects.filter(task=world.own_task)]
    client.force_login(levels.district_office)
    # when: the superior's own unit, so the form itself is valid
    response = client.post(
        reverse("tasks:bulk_action"),
        {
            "action": action,
            "task": [world.own_task.pk],
            "seen": shown,
            "due_date": "2026-12-18",
            "unit": levels.district_unit_head.unit.pk,
            "role": "lead",
        },
    )
    # then
    assert response.status_code == 403
    assert _state_below(world) == before


def test_the_superiors_bulk_sign_off_of_its_own_task_leaves_the_part_cascaded_below(
    client, world, levels, office_staff, unit_head
):
    # given: the district's task led by its own section and by bureau A, whose own task (linked
    # to it) is handed in there: A's part is submitted too, for A's office to sign off
    section = levels.district_unit_head.unit
    world.department.refresh_from_db()  # now below the district (the fixture's update)
    task = make_task(
        levels.district_plan,
        lead=[section, representative_of(world.department)],
        by=levels.district_office,
    )
    cascaded = task.assignments.get(unit__represents=world.department)
    cascade.link_existing(cascaded, world.own_task, by=office_staff)
    for part in world.own_task.assignments.all():
        record_progress(part, Report(text="已公开。"), submit=True, by=office_staff)
    own = task.assignments.get(unit=section)
    record_progress(own, Report(text="已公开。"), submit=True, by=levels.district_unit_head)
    shown = [f"{a.pk}:{a.version}" for a in task.assignments.all()]
    client.force_login(levels.district_office)
    # when
    response = client.post(
        reverse("tasks:bulk_action"), {"action": "sign_off", "task": [task.pk], "seen": shown}
    )
    # then
    assert response.status_code == 302
    statuses = dict(task.assignments.values_list("unit", "status"))
    assert statuses == {
        section.pk: Assignment.Status.COMPLETED,
        cascaded.unit_id: Assignment.Status.SUBMITTED,
    }
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["已销号 1 个单位（1 项任务）"]


def test_the_review_queue_holds_only_the_superiors_own_submissions(client, world, levels):
    head = UserFactory(department=world.department, unit=world.own_unit, role="unit_head")
    record_progress(world.own_assignment, Report(text="已完成。"), submit=True, by=head)
    response = _get(client, levels.district_office, "tasks:review_queue")
    assert list(response.context["table"].data) == []


# --- Nobody sideways, nobody upward, no unit ------------------------------------------------


def test_a_sibling_sees_nothing_of_the_bureau_and_the_bureau_nothing_of_it(
    client, world, levels, office_staff
):
    for name, args in _pages_of(world, levels):
        assert _get(client, levels.health_office, name, *args).status_code == 404, name
    health_task = levels.health_plan.tasks.get()
    assert _get(client, office_staff, "tasks:plan_detail", levels.health_plan.pk).status_code == 404
    assert _get(client, office_staff, "tasks:task_detail", health_task.pk).status_code == 404
    plans = _get(client, levels.health_office, "plans:plan_list").context["plans"]
    assert list(plans) == [levels.health_plan]


@pytest.mark.parametrize("role", ["office_staff", "leader"])
def test_the_bureau_sees_nothing_of_its_superiors_work(client, world, levels, request, role):
    person = request.getfixturevalue(role)
    district_task = levels.district_plan.tasks.get()
    assignment = district_task.assignments.get()
    assert _get(client, person, "tasks:plan_detail", levels.district_plan.pk).status_code == 404
    assert _get(client, person, "tasks:task_detail", district_task.pk).status_code == 404
    assert _get(client, person, "tasks:assignment_detail", assignment.pk).status_code == 404
    report = levels.district_report.pk
    assert _get(client, person, "reporting:report_detail", report).status_code == 404


def test_a_unit_of_the_superior_sees_nothing_more(client, world, levels):
    head = levels.district_unit_head
    for name, args in _pages_of(world, levels):
        assert _get(client, head, name, *args).status_code == 404, name
    assert _get(client, head, "tasks:task_list").status_code == 403


def test_a_draft_below_stays_with_its_department(client, world, levels):
    response = _get(client, levels.district_office, "tasks:plan_detail", levels.draft_below.pk)
    assert response.status_code == 404


# --- The API, through the same choke points --------------------------------------------------


def _api(client, user):
    raw = create_token(user, name="levels", expires_on=default_expiry())[1]
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def test_the_api_lists_the_work_below_read_only(client, world, levels):
    api = _api(client, levels.district_office)
    # The schema builds the filters' fields once for the class: the 部门 choices are per person.
    assert api.get(reverse("api:schema")).status_code == 200
    plans = {p["id"] for p in api.get(reverse("api:plan_list")).json()["results"]}
    assert {world.plan.pk, levels.district_plan.pk, levels.health_plan.pk} <= plans
    assert world.other_plan.pk not in plans
    below = api.get(reverse("api:task_list"), {"department": world.department.pk}).json()
    assert {t["id"] for t in below["results"]} == {world.own_task.pk, world.foreign_task.pk}
    assignment = world.own_assignment.pk
    assert api.get(reverse("api:assignment_detail", args=[assignment])).status_code == 200
    reports = {r["id"] for r in api.get(reverse("api:report_list")).json()["results"]}
    assert levels.report_below.pk in reports

    for name, body in [
        ("api:assignment_progress", {"text": "x"}),
        ("api:assignment_review", {"accept": True}),
        ("api:assignment_comment", {"text": "x"}),
    ]:
        response = api.post(reverse(name, args=[assignment]), body, content_type="application/json")
        assert response.status_code == 403, name
    task_comment = reverse("api:task_comment", args=[world.own_task.pk])
    assert api.post(task_comment, {"text": "x"}, content_type="application/json").status_code == 403
    assert not Comment.objects.exists()
    assert Assignment.objects.get(pk=assignment).updates.count() == 1


def test_the_superiors_list_of_a_department_below_runs_the_same_queries_for_2_and_for_27_tasks(
    client, world, levels, office_staff
):
    client.force_login(levels.district_office)
    url = f"{reverse('tasks:task_list')}?department={world.department.pk}"
    few = query_count(client, url)
    add_tasks(world, office_staff, 25)
    assert query_count(client, url) == few
