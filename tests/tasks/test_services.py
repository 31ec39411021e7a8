"""Task and assignment writes, called directly: who is assigned, what is refused, derived state."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from org.models import UnitGroup
from tasks.models import Assignment, Task
from tasks.permissions import allowed_statuses, visible_assignments, visible_tasks
from tasks.services import Report, Responsibility, record_progress, review_assignment, save_task
from tests.factories import UnitFactory, make_task

LEAD, SUPPORT = Assignment.Role.LEAD, Assignment.Role.SUPPORT
S = Assignment.Status


def roles_of(task: Task) -> dict[str, str]:
    return {str(a.unit): a.role for a in task.assignments.select_related("unit")}


def group(world, name: str) -> UnitGroup:
    return UnitGroup.objects.get(department=world.department, name=name)


def counts() -> tuple[int, int]:
    return Task.objects.count(), Assignment.objects.count()


# --- Who is assigned ------------------------------------------------------------------------


def test_each_named_unit_gets_one_assignment_with_its_role(world, office_staff):
    task = make_task(
        world.plan, lead=[world.own_unit], support=[world.office_unit], by=office_staff
    )
    assert roles_of(task) == {"社管办": LEAD, "办公室": SUPPORT}


def test_a_unit_named_as_lead_and_as_co_operating_is_assigned_once_as_lead(world, office_staff):
    task = make_task(
        world.plan,
        lead=[world.own_unit],
        support=[world.own_unit, world.other_unit],
        by=office_staff,
    )
    assert roles_of(task) == {"社管办": LEAD, "计财股": SUPPORT}


def test_members_of_a_collective_group_each_lead_their_part_when_no_lead_is_named(
    world, office_staff
):
    task = make_task(world.plan, groups=[group(world, "各科室")], by=office_staff)

    assert roles_of(task) == {"办公室": LEAD, "社管办": LEAD, "计财股": LEAD}
    assert list(task.groups.all()) == [group(world, "各科室")]


def test_members_of_a_collective_group_co_operate_when_a_lead_is_named(world, office_staff):
    task = make_task(
        world.plan, lead=[world.office_unit], groups=[group(world, "各科室")], by=office_staff
    )
    assert roles_of(task) == {"办公室": LEAD, "社管办": SUPPORT, "计财股": SUPPORT}


def test_the_schools_group_assigns_the_schools_and_no_section(world, office_staff):
    UnitFactory(department=world.department, name="东湖小学", kind="school")
    UnitFactory(department=world.department, name="清源中学", kind="school")

    task = make_task(
        world.plan, lead=[world.own_unit], groups=[group(world, "各区属学校")], by=office_staff
    )

    assert roles_of(task) == {"社管办": LEAD, "东湖小学": SUPPORT, "清源中学": SUPPORT}


def test_a_chosen_group_assigns_nobody_but_is_kept_on_the_task(world, office_staff):
    # given
    before = Assignment.objects.count()
    chosen = group(world, "各承办科室")
    # when
    task = make_task(world.plan, groups=[chosen], by=office_staff)
    # then
    assert Assignment.objects.count() == before
    assert not task.assignments.exists()
    assert list(task.groups.all()) == [chosen]
    assert any(g.needs_choice for g in task.groups.all())


def test_assigned_units_people_may_see_the_task_and_their_assignment(
    world, office_staff, other_unit_head
):
    task = make_task(world.plan, lead=[world.other_unit], by=office_staff)

    assert task in visible_tasks(other_unit_head)
    assert task.assignments.get() in visible_assignments(other_unit_head)


# --- What is refused, with nothing saved ----------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"due": datetime.date(2027, 1, 15)}, "due_date"),
        ({"due": datetime.date(2025, 12, 31)}, "due_date"),
        ({"lead": []}, "lead_units"),
        ({"deadline_kind": "recurring", "recurrence": ""}, "recurrence"),
    ],
)
def test_a_task_with_a_bad_field_is_refused_on_that_field_and_nothing_is_saved(
    world, office_staff, kwargs, field
):
    # given
    before = counts()
    kwargs = {"lead": [world.own_unit], **kwargs}
    # when
    with pytest.raises(ValidationError) as caught:
        make_task(world.plan, by=office_staff, **kwargs)
    # then
    assert list(caught.value.message_dict) == [field]
    assert counts() == before


def test_a_unit_of_another_department_is_refused_and_nothing_is_saved(world, office_staff):
    # given
    before = counts()
    foreign = world.other_assignment.unit
    # when
    with pytest.raises(ValidationError) as caught:
        make_task(world.plan, lead=[world.own_unit], support=[foreign], by=office_staff)
    # then
    assert list(caught.value.message_dict) == ["lead_units"]
    assert str(foreign) in caught.value.message_dict["lead_units"][0]
    assert counts() == before


def test_a_group_of_another_department_is_refused(world, office_staff):
    foreign_group = UnitGroup.objects.create(
        department=world.other_department, name="各科室", rule=UnitGroup.Rule.SECTIONS
    )
    before = counts()

    with pytest.raises(ValidationError) as caught:
        make_task(world.plan, groups=[foreign_group], by=office_staff)

    assert list(caught.value.message_dict) == ["lead_units"]
    assert counts() == before


def test_a_refused_edit_leaves_the_task_and_its_assignments_as_they_were(world, office_staff):
    # given
    task = world.own_task
    before = (roles_of(task), counts())
    # when
    task.text = "改过的任务"
    task.due_date = datetime.date(2027, 3, 1)
    with pytest.raises(ValidationError):
        save_task(task, responsibility=Responsibility(lead=[world.other_unit]), by=office_staff)
    # then
    task.refresh_from_db()
    assert task.text != "改过的任务"
    assert (roles_of(task), counts()) == before


def test_ongoing_and_recurring_tasks_are_due_at_the_plans_year_end(world, office_staff):
    ongoing = make_task(world.plan, lead=[world.own_unit], deadline_kind="ongoing", by=office_staff)
    recurring = make_task(
        world.plan,
        lead=[world.own_unit],
        deadline_kind="recurring",
        recurrence="quarterly",
        by=office_staff,
    )
    assert ongoing.due_date == recurring.due_date == datetime.date(2026, 12, 31)
    assert (ongoing.recurrence, recurring.recurrence) == ("", "quarterly")


# --- Re-assigning ---------------------------------------------------------------------------


def test_reassigning_drops_a_not_started_assignment_and_the_units_view_of_the_task(
    world, office_staff, unit_head, other_unit_head
):
    # given
    task = world.own_task
    assert task in visible_tasks(unit_head)
    # when
    save_task(task, responsibility=Responsibility(lead=[world.other_unit]), by=office_staff)
    # then
    assert roles_of(task) == {"计财股": LEAD}
    assert not Assignment.objects.filter(pk=world.own_assignment.pk).exists()
    assert task not in visible_tasks(unit_head)
    assert not visible_assignments(unit_head).filter(task=task).exists()
    assert task in visible_tasks(other_unit_head)


def test_reassigning_keeps_other_tasks_of_the_dropped_unit_visible(world, office_staff, unit_head):
    other = make_task(world.plan, lead=[world.own_unit], by=office_staff)

    save_task(
        world.own_task, responsibility=Responsibility(lead=[world.other_unit]), by=office_staff
    )

    assert list(visible_tasks(unit_head)) == [other]


def test_reassigning_changes_a_kept_units_role_in_place(world, office_staff):
    before = world.own_assignment.pk

    save_task(
        world.own_task,
        responsibility=Responsibility(lead=[world.office_unit], support=[world.own_unit]),
        by=office_staff,
    )

    assert roles_of(world.own_task) == {"办公室": LEAD, "社管办": SUPPORT}
    assert world.own_task.assignments.get(unit=world.own_unit).pk == before


def test_reassigning_refuses_to_drop_an_assignment_with_progress(world, office_staff, unit_head):
    # given
    report(world.own_assignment, unit_head)
    before = (roles_of(world.own_task), counts())
    # when
    with pytest.raises(ValidationError) as caught:
        save_task(
            world.own_task,
            responsibility=Responsibility(lead=[world.other_unit]),
            by=office_staff,
        )
    # then
    assert list(caught.value.message_dict) == ["lead_units"]
    assert "社管办" in caught.value.message_dict["lead_units"][0]
    assert (roles_of(world.own_task), counts()) == before
    assert world.own_task in visible_tasks(unit_head)


# --- Moving an assignment on ----------------------------------------------------------------
# Units report with record_progress (and submit with it); the office reviews. Both keep to
# permissions.allowed_statuses.


def report(assignment: Assignment, by, *, submit: bool = False) -> Assignment:
    record_progress(assignment, Report(text="已梳理事项清单。"), submit=submit, by=by)
    assignment.refresh_from_db()
    return assignment


def submitted(world, unit_head) -> Assignment:
    return report(report(world.own_assignment, unit_head), unit_head, submit=True)


def test_unit_staff_report_progress_but_cannot_submit(world, unit_staff):
    # given
    assignment = report(world.own_assignment, unit_staff)
    assert assignment.status == S.IN_PROGRESS
    assert S.SUBMITTED not in allowed_statuses(unit_staff, assignment)
    # when
    with pytest.raises(PermissionDenied):
        report(assignment, unit_staff, submit=True)
    # then
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS
    assert assignment.updates.count() == 1


def test_the_unit_head_submits_the_units_work(world, unit_head):
    assignment = submitted(world, unit_head)

    assert assignment.status == S.SUBMITTED
    assert [u.status for u in assignment.updates.all()] == [S.SUBMITTED, S.IN_PROGRESS]
    assert assignment.history.first().history_user == unit_head


def test_a_submitted_assignment_waits_for_the_office(world, unit_head, unit_staff):
    assignment = submitted(world, unit_head)

    assert allowed_statuses(unit_head, assignment) == []
    for person in (unit_head, unit_staff):
        with pytest.raises(ValidationError):
            report(assignment, person)
    assignment.refresh_from_db()
    assert (assignment.status, assignment.updates.count()) == (S.SUBMITTED, 2)


@pytest.mark.parametrize("persona", ["unit_head", "unit_staff", "leader", "other_unit_head"])
def test_only_the_office_accepts_or_returns_a_submission(world, unit_head, persona, request):
    # given
    assignment = submitted(world, unit_head)
    person = request.getfixturevalue(persona)
    # when
    for accept in (True, False):
        with pytest.raises(PermissionDenied):
            review_assignment(assignment, accept=accept, comment="不全", by=person)
    # then
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED


def test_the_office_accepts_a_submission(world, unit_head, office_staff):
    assignment = submitted(world, unit_head)

    review_assignment(assignment, accept=True, by=office_staff)

    assignment.refresh_from_db()
    assert assignment.status == S.COMPLETED
    assert assignment.history.first().history_user == office_staff


def test_the_office_returns_a_submission_only_saying_why(world, unit_head, office_staff):
    assignment = submitted(world, unit_head)
    with pytest.raises(ValidationError) as caught:
        review_assignment(assignment, accept=False, comment="  ", by=office_staff)
    assert list(caught.value.message_dict) == ["comment"]

    review_assignment(assignment, accept=False, comment="缺少公开链接。", by=office_staff)

    assignment.refresh_from_db()
    assert assignment.status == S.RETURNED
    assert assignment.updates.first().text == "缺少公开链接。"


def test_a_returned_assignment_is_taken_up_again_by_the_unit(world, unit_head, office_staff):
    assignment = submitted(world, unit_head)
    review_assignment(assignment, accept=False, comment="补充材料", by=office_staff)

    assert report(assignment, unit_head).status == S.IN_PROGRESS
    assert report(assignment, unit_head, submit=True).status == S.SUBMITTED


def test_an_assignment_not_yet_submitted_cannot_be_accepted(world, unit_head, office_staff):
    assignment = report(world.own_assignment, unit_head)

    with pytest.raises(ValidationError):
        review_assignment(assignment, accept=True, by=office_staff)

    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS


@pytest.mark.parametrize("persona", ["other_unit_head", "leader"])
def test_people_outside_the_unit_cannot_report_on_its_assignment(world, persona, request):
    with pytest.raises(PermissionDenied):
        report(world.own_assignment, request.getfixturevalue(persona))
    world.own_assignment.refresh_from_db()
    assert world.own_assignment.status == S.NOT_STARTED
    assert not world.own_assignment.updates.exists()


def test_a_report_against_an_older_version_is_refused(world, unit_head, unit_staff):
    # given: both opened the page at version 1; the head saved first
    opened = world.own_assignment.version
    report(world.own_assignment, unit_head)
    # when
    with pytest.raises(ValidationError) as caught:
        record_progress(
            world.own_assignment, Report(text="我的版本"), version=opened, by=unit_staff
        )
    # then
    assert caught.value.code == "stale"
    assert not world.own_assignment.updates.filter(text="我的版本").exists()


# --- Derived state --------------------------------------------------------------------------


def state_of(task: Task) -> list[str]:
    return [state for state in Task.State.values if Task.objects.in_state(state).filter(pk=task.pk)]


@pytest.mark.parametrize(
    ("statuses", "state"),
    [
        ((S.NOT_STARTED, S.NOT_STARTED), Task.State.NOT_STARTED),
        ((S.IN_PROGRESS, S.NOT_STARTED), Task.State.IN_PROGRESS),
        ((S.SUBMITTED, S.NOT_STARTED), Task.State.IN_PROGRESS),
        ((S.COMPLETED, S.NOT_STARTED), Task.State.IN_PROGRESS),
        ((S.COMPLETED, S.RETURNED), Task.State.IN_PROGRESS),
        ((S.COMPLETED, S.SUBMITTED), Task.State.IN_PROGRESS),
        ((S.COMPLETED, S.COMPLETED), Task.State.COMPLETED),
    ],
)
def test_a_tasks_state_follows_its_assignments(world, statuses, state):
    # given: own_task has two assignments (社管办 leads, 办公室 co-operates)
    task = world.own_task
    for assignment, status in zip(task.assignments.all(), statuses, strict=True):
        Assignment.objects.filter(pk=assignment.pk).update(status=status)
    # then
    assert state_of(task) == [state]


def test_a_task_with_no_assignment_yet_is_not_started_never_completed(world, office_staff):
    task = make_task(world.plan, groups=[group(world, "各承办科室")], by=office_staff)
    assert state_of(task) == [Task.State.NOT_STARTED]


def test_in_state_counts_each_assignment_once_across_tasks(world, office_staff):
    # Two tasks, one completed, one not: the counts of one never leak into the other.
    done = world.foreign_task
    Assignment.objects.filter(task=done).update(status=S.COMPLETED)

    completed = Task.objects.filter(plan=world.plan).in_state(Task.State.COMPLETED)
    not_started = Task.objects.filter(plan=world.plan).in_state(Task.State.NOT_STARTED)

    assert list(completed) == [done]
    assert list(not_started) == [world.own_task]
    assert (completed.get().n_assignments, completed.get().n_completed) == (1, 1)
