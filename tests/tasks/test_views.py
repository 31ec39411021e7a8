"""Task and assignment pages through the test client: the task form and the assignment page."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from org.models import User
from tasks.models import Assignment, Task
from tasks.services import Report, record_progress
from tests.factories import UserFactory

S = Assignment.Status


def error_beside(response, field: str) -> str:
    """The form's first error on ``field``, asserted to be shown right after that field."""
    message = response.context["form"].errors[field][0]
    page = response.content.decode()
    start = page.index(f'name="{field}"')
    end = page.find('<div class="field', start)
    assert f'<p class="field-error" role="alert">{escape(message)}</p>' in page[start:end]
    return message


def counts() -> tuple[int, int]:
    return Task.objects.count(), Assignment.objects.count()


def task_data(world, **overrides) -> dict:
    return {
        "heading": "",
        "position": 5,
        "title": "权责清单",
        "text": "更新本局权责事项清单，在门户网站专栏集中公开。",
        "deadline_kind": "date",
        "due_date": "2026-06-30",
        "recurrence": "",
        "lead_units": [world.own_unit.pk],
        "support_units": [world.office_unit.pk, world.other_unit.pk],
        "groups": [],
        **overrides,
    }


# --- The task form --------------------------------------------------------------------------


def test_office_staff_create_a_task_that_appears_on_the_plan_page(
    office_client, world, office_staff
):
    # given
    url = reverse("tasks:task_create", args=[world.plan.pk])
    # when
    response = office_client.post(url, task_data(world))
    # then
    task = Task.objects.get(title="权责清单")
    assert response.status_code == 302
    assert response.url == task.get_absolute_url()
    assert str(task.due_date) == "2026-06-30"
    assert {a.unit: a.role for a in task.assignments.all()} == {
        world.own_unit: "lead",
        world.office_unit: "support",
        world.other_unit: "support",
    }
    assert task.history.get().history_user == office_staff
    plan_page = office_client.get(world.plan.get_absolute_url())
    assert task.get_absolute_url() in plan_page.content.decode()
    assert "更新本局权责事项清单" in plan_page.content.decode()


def test_the_new_task_reaches_the_units_people(client, world, office_staff, other_unit_head):
    client.force_login(office_staff)
    client.post(reverse("tasks:task_create", args=[world.plan.pk]), task_data(world))
    task = Task.objects.get(title="权责清单")

    client.force_login(other_unit_head)
    response = client.get(world.plan.get_absolute_url())

    assert task.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_date": "2027-03-01"}, "due_date"),
        ({"due_date": ""}, "due_date"),
        ({"lead_units": [], "support_units": []}, "lead_units"),
        ({"text": "   "}, "text"),
        ({"text": ""}, "text"),
        ({"deadline_kind": "recurring", "recurrence": ""}, "recurrence"),
    ],
)
def test_a_bad_task_is_refused_next_to_the_field_and_nothing_is_saved(
    office_client, world, overrides, field
):
    # given
    before = counts()
    # when
    response = office_client.post(
        reverse("tasks:task_create", args=[world.plan.pk]), task_data(world, **overrides)
    )
    # then
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    error_beside(response, field)
    assert counts() == before


def test_a_deadline_in_another_year_names_the_plans_year(office_client, world):
    response = office_client.post(
        reverse("tasks:task_create", args=[world.plan.pk]),
        task_data(world, due_date="2027-03-01"),
    )

    assert "2026" in error_beside(response, "due_date")


def test_a_unit_of_another_department_is_not_even_offered(office_client, world):
    foreign = world.other_assignment.unit
    before = counts()

    response = office_client.post(
        reverse("tasks:task_create", args=[world.plan.pk]),
        task_data(world, support_units=[foreign.pk]),
    )

    assert "support_units" in response.context["form"].errors
    assert counts() == before


def test_office_staff_reassign_a_task_through_the_edit_form(office_client, world, unit_head):
    # given
    url = reverse("tasks:task_update", args=[world.own_task.pk])
    # when
    response = office_client.post(
        url,
        task_data(
            world,
            text=world.own_task.text,
            lead_units=[world.other_unit.pk],
            support_units=[],
        ),
    )
    # then
    assert response.status_code == 302
    assert [a.unit for a in world.own_task.assignments.all()] == [world.other_unit]
    office_client.force_login(unit_head)
    assert office_client.get(world.own_task.get_absolute_url()).status_code == 404


def test_the_edit_form_refuses_to_drop_a_unit_that_reported(office_client, world, unit_head):
    # given
    record_progress(world.own_assignment, Report(text="已开始"), by=unit_head)
    before = counts()
    # when
    response = office_client.post(
        reverse("tasks:task_update", args=[world.own_task.pk]),
        task_data(world, text="改过的任务", lead_units=[world.other_unit.pk], support_units=[]),
    )
    # then
    assert response.status_code == 200
    assert "社管办" in error_beside(response, "lead_units")
    world.own_task.refresh_from_db()
    assert world.own_task.text != "改过的任务"
    assert counts() == before


# --- The assignment page --------------------------------------------------------------------


def progress_post(version: int, action: str, text: str = "") -> dict:
    return {
        "action": action,
        "p-version": version,
        "p-text": text,
        "p-summary": "",
        "p-percent": "",
        "link-TOTAL_FORMS": 0,
        "link-INITIAL_FORMS": 0,
        "fig-TOTAL_FORMS": 0,
        "fig-INITIAL_FORMS": 0,
    }


def history_section(response) -> str:
    page = response.content.decode()
    return page[page.index('<section class="history">') :]


def label(status: str) -> str:
    with translation.override("zh-hans"):
        return str(S(status).label)


@pytest.fixture
def head(world) -> User:
    return UserFactory(
        username="huang",
        full_name="黄志明",
        department=world.department,
        unit=world.own_unit,
        role=User.Role.UNIT_HEAD,
    )


def test_a_unit_head_submits_his_assignment_and_the_history_shows_it_with_his_name(
    client, world, head
):
    # given
    assignment = world.own_assignment
    record_progress(assignment, Report(text="已梳理事项。"), by=head)
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS
    client.force_login(head)
    url = assignment.get_absolute_url()
    assert 'value="submit"' in client.get(url).content.decode()
    # when
    response = client.post(url, progress_post(assignment.version, "submit", "清单已报办公室。"))
    # then
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED
    page = client.get(url)
    newest = page.context["history"][0]
    assert newest.who == head
    assert any((c.old, c.new) == (label(S.IN_PROGRESS), label(S.SUBMITTED)) for c in newest.changes)
    history = history_section(page)
    assert "黄志明" in history
    assert f"{label(S.IN_PROGRESS)} → {label(S.SUBMITTED)}" in history


def test_unit_staff_are_not_offered_submit(client, world, unit_staff):
    client.force_login(unit_staff)

    response = client.get(world.own_assignment.get_absolute_url())

    page = response.content.decode()
    assert 'value="report"' in page
    assert 'value="submit"' not in page
    assert response.context["can_submit"] is False


def test_a_forged_submit_by_unit_staff_is_refused_and_saves_nothing(client, world, unit_staff):
    # given
    assignment = world.own_assignment
    record_progress(assignment, Report(text="已开始。"), by=unit_staff)
    assignment.refresh_from_db()
    client.force_login(unit_staff)
    # when
    response = client.post(
        assignment.get_absolute_url(),
        progress_post(assignment.version, "submit", "我来提交。"),
    )
    # then
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS
    assert not assignment.updates.filter(text="我来提交。").exists()


def test_unit_staff_record_progress_through_the_page(client, world, unit_staff):
    client.force_login(unit_staff)
    assignment = world.own_assignment

    response = client.post(
        assignment.get_absolute_url(), progress_post(assignment.version, "report", "已开始。")
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS
    assert assignment.updates.get().author == unit_staff


def test_an_empty_report_is_refused_and_changes_nothing(client, world, head):
    client.force_login(head)
    assignment = world.own_assignment

    response = client.post(
        assignment.get_absolute_url(), progress_post(assignment.version, "report", "  ")
    )

    assert response.status_code == 200
    assert response.context["progress"].non_field_errors()
    assignment.refresh_from_db()
    assert (assignment.status, assignment.updates.count()) == (S.NOT_STARTED, 0)


def test_a_post_against_an_older_version_is_refused(client, world, head, unit_staff):
    # given: the head opened the page, then his colleague reported
    assignment = world.own_assignment
    opened = assignment.version
    record_progress(assignment, Report(text="同事先报了。"), by=unit_staff)
    client.force_login(head)
    # when
    response = client.post(
        assignment.get_absolute_url(), progress_post(opened, "submit", "我的报告。")
    )
    # then
    assert response.status_code == 200
    assert [e.code for e in response.context["progress"].non_field_errors().as_data()] == ["stale"]
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS


def test_a_unit_heads_assignment_page_asks_for_its_rights_once(
    client, world, unit_head, django_assert_max_num_queries
):
    # given: the page seen once (the session's own writes aside)
    client.force_login(unit_head)
    url = world.own_assignment.get_absolute_url()
    client.get(url)

    # when / then: the person's rights on the assignment are read once however often the page
    # asks (18 queries before, 10 of them guardian's); and two for the comment thread and the
    # people one may mention
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["can_submit"]
