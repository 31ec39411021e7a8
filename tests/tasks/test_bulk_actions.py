"""Bulk actions of the office's lists: each does to every ticked row what the row's own page
does, all or nothing, and only to rows the person may act on."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from org.models import User
from tasks import permissions
from tasks.models import Assignment, Notification, ProgressUpdate, Reminder, Task
from tasks.services import Report, bulk_urge, record_progress
from tests.factories import UnitFactory, UserFactory, make_task

BULK = reverse("tasks:bulk_action")
TASK_LIST = reverse("tasks:task_list")


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def seen(*tasks: Task) -> list[str]:
    """The versions the list shows of the tasks' assignments, as its hidden inputs post them."""
    return [f"{a.pk}:{a.version}" for t in tasks for a in t.assignments.all()]


def head_of(unit) -> User:
    return UserFactory(department=unit.department, unit=unit, role=User.Role.UNIT_HEAD)


def submit(assignment: Assignment) -> Assignment:
    record_progress(assignment, Report(text="已完成。"), submit=True, by=head_of(assignment.unit))
    assignment.refresh_from_db()
    return assignment


@pytest.fixture
def milestone(world, office_staff) -> Task:
    """A milestone binding three units: 社管办 leads, 计财股 and a school co-operate."""
    school = UnitFactory(department=world.department, name="丰泽实验小学", kind="school")
    return make_task(
        world.plan,
        lead=[world.own_unit],
        support=[world.other_unit, school],
        text="公开年度工作要点",
        is_milestone=True,
        by=office_staff,
    )


def deadlines() -> dict[int, datetime.date]:
    return dict(Task.objects.values_list("pk", "due_date"))


def statuses(*tasks: Task) -> dict[int, str]:
    return dict(Assignment.objects.filter(task__in=tasks).values_list("pk", "status"))


# --- 催办 ----------------------------------------------------------------------------------------


def test_urging_reminds_every_unit_with_work_outstanding_as_the_single_reminder_does(
    office_client, world, office_staff, unit_head, unit_staff, milestone
):
    # given: the school handed its part in; 计财股 has no one to tell
    school_part = submit(milestone.assignments.get(unit__name="丰泽实验小学"))
    # when
    response = office_client.post(
        BULK,
        {"action": "urge", "task": [milestone.pk, world.foreign_task.pk], "note": "请于本周报送"},
    )
    # then: one manual reminder per open assignment, none for the submitted one
    assert response.status_code == 302
    reminders = Reminder.objects.all()
    assert {r.assignment for r in reminders} == {
        milestone.assignments.get(unit=world.own_unit),
        milestone.assignments.get(unit=world.other_unit),
        world.foreign_assignment,
    }
    assert not reminders.filter(assignment=school_part).exists()
    assert {(r.rule, r.note, r.created_by) for r in reminders} == {
        (Reminder.Rule.MANUAL, "请于本周报送", office_staff)
    }
    # 社管办's people are told in the bell, as by the assignment page's 催办
    told = Notification.objects.filter(reminder__assignment__unit=world.own_unit)
    assert {n.recipient for n in told} >= {unit_head, unit_staff}
    assert said(response) == ["已催办 2 个单位（2 项任务）"]


def test_urging_again_the_same_day_reminds_nobody_twice(office_client, world, milestone):
    office_client.post(BULK, {"action": "urge", "task": [milestone.pk]}, follow=True)
    count = Reminder.objects.count()

    response = office_client.post(BULK, {"action": "urge", "task": [milestone.pk]})

    assert Reminder.objects.count() == count == 3
    assert said(response) == ["已催办 0 个单位（1 项任务） 另有 3 个单位今天已催办过，未重复催办。"]


def test_the_urge_service_refuses_a_closed_task_and_reminds_no_other(
    world, office_staff, milestone
):
    Task.objects.filter(pk=world.foreign_task.pk).update(closed_reason="并入其他任务")

    with pytest.raises(ValidationError) as refused:
        bulk_urge(office_staff, [milestone.pk, world.foreign_task.pk])

    assert refused.value.messages == [f"{world.foreign_task}：任务已关闭。"]
    assert not Reminder.objects.exists()


# --- 销号 ----------------------------------------------------------------------------------------


def test_signing_off_accepts_every_submitted_part_of_the_ticked_tasks(
    office_client, world, office_staff, milestone
):
    # given: two of the milestone's units and 计财股's own task handed in
    parts = [submit(a) for a in milestone.assignments.exclude(unit__name="丰泽实验小学")]
    parts.append(submit(world.foreign_assignment))
    # when
    response = office_client.post(
        BULK,
        {
            "action": "sign_off",
            "task": [milestone.pk, world.foreign_task.pk],
            "seen": seen(milestone, world.foreign_task),
        },
    )
    # then: each accepted as the assignment page accepts it; the school's part untouched
    for part in parts:
        before = part.version
        part.refresh_from_db()
        assert (part.status, part.version) == (Assignment.Status.COMPLETED, before + 1)
        update = part.updates.first()
        assert (update.status, update.author) == (Assignment.Status.COMPLETED, office_staff)
    school = milestone.assignments.get(unit__name="丰泽实验小学")
    assert school.status == Assignment.Status.NOT_STARTED
    assert said(response) == ["已销号 2 个单位（2 项任务）"]


def test_the_review_queue_signs_off_the_ticked_submissions(office_client, world, milestone):
    parts = [submit(a) for a in milestone.assignments.all()]
    page = office_client.get(reverse("tasks:review_queue")).content.decode()
    assert f'name="assignment" value="{parts[0].pk}" form="bulk"' in page

    response = office_client.post(
        BULK,
        {
            "action": "sign_off",
            "assignment": [p.pk for p in parts[:2]],
            "seen": seen(milestone),
            "origin": "review_queue",
        },
    )

    assert response.url == reverse("tasks:review_queue")
    assert list(statuses(milestone).values()).count(Assignment.Status.COMPLETED) == 2


def test_one_row_that_cannot_be_signed_off_leaves_every_row_as_it_was(
    office_client, world, milestone
):
    # given: the milestone's parts handed in, 计财股's task not
    for assignment in milestone.assignments.all():
        submit(assignment)
    before = statuses(milestone, world.foreign_task)
    # when
    response = office_client.post(
        BULK,
        {
            "action": "sign_off",
            "task": [milestone.pk, world.foreign_task.pk],
            "seen": seen(milestone, world.foreign_task),
        },
    )
    # then: nothing accepted, and the message names the row and why
    assert statuses(milestone, world.foreign_task) == before
    assert not ProgressUpdate.objects.filter(status=Assignment.Status.COMPLETED).exists()
    assert said(response) == [
        "未作任何处理：以下各行无法办理。",
        f"{world.foreign_task}：没有待审核的单位报送。",
    ]


def test_work_changed_after_the_list_was_shown_is_not_signed_off(office_client, world):
    # given: the list showed 社管办's part before it was handed in
    shown = seen(world.own_task)
    submit(world.own_assignment)
    # when
    response = office_client.post(
        BULK, {"action": "sign_off", "task": [world.own_task.pk], "seen": shown}
    )
    # then
    world.own_assignment.refresh_from_db()
    assert world.own_assignment.status == Assignment.Status.SUBMITTED
    assert said(response)[1] == f"{world.own_task}：列表打开后已有人修改，请刷新列表后重试。"


# --- Deadline ------------------------------------------------------------------------------------


def test_changing_the_deadline_moves_every_ticked_task(office_client, world, office_staff):
    response = office_client.post(
        BULK,
        {
            "action": "deadline",
            "task": [world.own_task.pk, world.foreign_task.pk],
            "due_date": "2026-12-18",
        },
    )

    for task in (world.own_task, world.foreign_task):
        task.refresh_from_db()
        assert task.due_date == datetime.date(2026, 12, 18)
        assert task.history.first().history_user == office_staff
    assert said(response) == ["已将 2 项任务的完成时限调整为 2026-12-18"]


@pytest.mark.parametrize(
    ("due_date", "reason"),
    [
        ("2027-01-15", "完成时限须在工作方案所属年度（2026年）内。"),  # as the task form
        ("2026-12-18", "完成时限为“持续至年底”，请在任务页面修改。"),  # not a dated task
    ],
)
def test_a_deadline_the_task_form_would_refuse_moves_no_task(
    office_client, world, office_staff, due_date, reason
):
    ongoing = make_task(
        world.plan, lead=[world.own_unit], deadline_kind="ongoing", text="持续", by=office_staff
    )
    before = deadlines()

    response = office_client.post(
        BULK, {"action": "deadline", "task": [world.own_task.pk, ongoing.pk], "due_date": due_date}
    )

    assert deadlines() == before
    assert any(reason in message for message in said(response))


def test_a_deadline_action_without_a_date_asks_for_one(office_client, world):
    response = office_client.post(BULK, {"action": "deadline", "task": [world.own_task.pk]})
    assert said(response) == ["新的完成时限：此操作需要填写。"]


# --- Units ---------------------------------------------------------------------------------------


def test_a_unit_replaces_the_lead_of_every_ticked_task(
    office_client, world, office_staff, milestone
):
    school = UnitFactory(department=world.department, name="丰泽二中", kind="school")
    response = office_client.post(
        BULK,
        {
            "action": "reassign",
            "task": [milestone.pk, world.own_task.pk],
            "unit": school.pk,
            "role": "lead",
        },
    )

    for task in (milestone, world.own_task):
        roles = dict(task.assignments.values_list("unit__name", "role"))
        assert roles.get("丰泽二中") == Assignment.Role.LEAD
        assert "社会事业管理办公室" not in roles  # the lead it replaced
    assert dict(milestone.assignments.values_list("unit__name", "role"))["计财股"] == "support"
    # the new lead's people may now see and report on the tasks, as after a single edit
    head = head_of(school)
    assert permissions.visible_tasks(head).filter(pk=milestone.pk).exists()
    assert said(response) == ["丰泽二中已成为 2 项任务的牵头单位"]


def test_a_unit_joins_the_ticked_tasks_as_co_operating(office_client, world, milestone):
    office_client.post(
        BULK,
        {
            "action": "reassign",
            "task": [world.foreign_task.pk],
            "unit": world.own_unit.pk,
            "role": "support",
        },
    )

    roles = dict(world.foreign_task.assignments.values_list("unit", "role"))
    assert roles == {world.other_unit.pk: "lead", world.own_unit.pk: "support"}


def test_a_lead_that_already_reported_is_not_replaced_on_any_task(office_client, world, milestone):
    submit(world.own_assignment)  # 社管办 reported on its own task
    before = statuses(milestone, world.own_task)

    response = office_client.post(
        BULK,
        {
            "action": "reassign",
            "task": [milestone.pk, world.own_task.pk],
            "unit": world.other_unit.pk,
            "role": "lead",
        },
    )

    assert statuses(milestone, world.own_task) == before  # the milestone's change rolled back
    assert "已报送本任务进展" in said(response)[1]


# --- Who may, and where to -----------------------------------------------------------------------


@pytest.mark.parametrize("action", ["urge", "deadline", "reassign", "sign_off"])
def test_a_forged_id_of_another_bureau_is_not_found_and_nothing_is_done(
    office_client, world, milestone, action
):
    for assignment in milestone.assignments.all():
        submit(assignment)
    before = statuses(milestone, world.other_task), deadlines()

    response = office_client.post(
        BULK,
        {
            "action": action,
            "task": [milestone.pk, world.other_task.pk],
            "seen": seen(milestone, world.other_task),
            "due_date": "2026-12-18",
            "unit": world.own_unit.pk,
            "role": "support",
        },
    )

    assert response.status_code == 404
    assert (statuses(milestone, world.other_task), deadlines()) == before
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("role", ["leader", "head", "staff"])
def test_only_the_office_acts_in_bulk(client, world, leader, unit_head, unit_staff, role):
    person = {"leader": leader, "head": unit_head, "staff": unit_staff}[role]
    client.force_login(person)

    response = client.post(BULK, {"action": "urge", "task": [world.own_task.pk]})

    assert response.status_code == 403
    assert not Reminder.objects.exists()


def test_the_list_comes_back_as_it_was_filtered(office_client, world):
    query = f"unit={world.own_unit.pk}&state=not_started&sort=-due_date&page=1"
    page = office_client.get(f"{TASK_LIST}?{query}").content.decode()
    assert f'name="query" value="{query.replace("&", "&amp;")}"' in page

    response = office_client.post(
        BULK, {"action": "urge", "task": [world.own_task.pk], "origin": "task_list", "query": query}
    )

    assert response.status_code == 302
    assert response.url == f"{TASK_LIST}?{query}"


def test_an_address_elsewhere_is_not_followed(office_client, world):
    response = office_client.post(
        BULK, {"action": "urge", "task": [world.own_task.pk], "origin": "https://evil.example/"}
    )
    assert response.url == TASK_LIST


def test_nothing_ticked_says_so(office_client, world):
    response = office_client.post(BULK, {"action": "urge", "origin": "task_list"})
    assert said(response) == ["请先勾选要处理的行。"]
    assert not Reminder.objects.exists()


def test_leaders_see_the_task_list_without_checkboxes(client, world, leader):
    client.force_login(leader)
    page = client.get(TASK_LIST).content.decode()
    assert 'form="bulk"' not in page
    assert 'id="bulk"' not in page


def test_a_unit_of_another_bureau_is_not_assigned(office_client, world):
    before = dict(world.own_task.assignments.values_list("unit", "role"))

    response = office_client.post(
        BULK,
        {"action": "reassign", "task": [world.own_task.pk], "role": "support",
         "unit": world.other_assignment.unit_id},
    )  # fmt: skip

    assert dict(world.own_task.assignments.values_list("unit", "role")) == before
    assert said(response)[0].startswith("单位：")


def test_the_bar_offers_the_departments_units_by_the_names_the_lists_use(office_client, world):
    # The picker is written from rows (org.forms.UnitChoiceField), not from Unit objects: it
    # must still offer each unit of the bureau once, labelled as Unit.__str__ labels it.
    page = office_client.get(TASK_LIST).content.decode()
    bar = page[page.index('id="bulk"') :]
    picker = bar[bar.index('<select name="unit"') : bar.index("</select>")]

    assert 'id="id_unit"' in picker
    assert '<option value="" selected>请选择单位</option>' in picker
    assert f'<option value="{world.own_unit.pk}">社管办</option>' in picker
    assert picker.count("<option") == 1 + world.department.units.count()
