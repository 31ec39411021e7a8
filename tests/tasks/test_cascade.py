"""A superior's task cascading to its subordinate departments (tasks.cascade, tasks.upstream):
placing it (as a new task or by a link), its progress rolling up, the superior's edits coming
down, and who may see what."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Digest
from core.reminders import deliver
from org.history import history_rows
from org.models import Department, Unit, User
from org.services import representative_of
from plans.models import Heading, Plan, PlanImport
from plans.services import change_plan_status
from tasks import cascade, upstream
from tasks.activity import save_choices
from tasks.importing import (
    NO_SUCH_HEADING,
    NOT_SENT,
    PreviewPlacement,
    TaskDraft,
    confirm_import,
    start_import,
)
from tasks.models import Assignment, Kind, Notification, ProgressUpdate, Task
from tasks.services import (
    Report,
    bulk_sign_off,
    close_task,
    record_progress,
    responsibility_of,
    review_assignment,
    save_task,
    set_deadline,
)
from tests.factories import DepartmentFactory, PlanFactory, UnitFactory, UserFactory, make_task
from tests.tasks.test_importing import posted_back

S = Assignment.Status
INBOX = reverse("tasks:cascade_inbox")


@dataclass
class Levels:
    superior: Department
    district: User  # the superior's office staff
    superior_task: Task
    cascaded: Assignment  # the superior's assignment to the unit standing for the bureau
    sibling: Assignment  # the same task's assignment to another subordinate department
    sibling_office: User
    heading: Heading  # a heading of the bureau's plan


@pytest.fixture
def levels(world, office_staff) -> Levels:
    superior = DepartmentFactory(name="泉州市丰泽区人民政府办公室")
    for department in (world.department, world.other_department):
        department.parent = superior
        department.save(update_fields=["parent"])
    secretariat = UnitFactory(department=superior, name="秘书科", is_office=True)
    district = UserFactory(
        username="district", department=superior, unit=secretariat, role=User.Role.OFFICE
    )
    plan = PlanFactory(department=superior, status=Plan.Status.DRAFT)
    bureau_unit = representative_of(world.department, short_name="区教育局")
    sibling_unit = representative_of(world.other_department, short_name="其他局")
    task = make_task(
        plan,
        lead=[bureau_unit, sibling_unit],
        text="梳理重点领域公开事项清单并公开。",
        due=datetime.date(2026, 9, 30),
        by=district,
    )
    plan.status = Plan.Status.ISSUED
    plan.save()
    sibling_office = User.objects.get(department=world.other_department, role=User.Role.OFFICE)
    heading = Heading.objects.create(plan=world.plan, label="一、", title="重点领域公开")
    return Levels(
        superior=superior,
        district=district,
        superior_task=task,
        cascaded=task.assignments.get(unit=bureau_unit),
        sibling=task.assignments.get(unit=sibling_unit),
        sibling_office=sibling_office,
        heading=heading,
    )


def place(levels, world, office_staff, **fields) -> Task:
    placement = cascade.Placement(
        where=fields.get("where", levels.heading),
        text=fields.get("text", ""),
        due_date=fields.get("due_date"),
        lead=fields.get("lead", [world.own_unit]),
    )
    return cascade.place_as_new(levels.cascaded, placement, by=office_staff)


def refreshed(assignment: Assignment) -> Assignment:
    return Assignment.objects.get(pk=assignment.pk)


# --- The inbox and placing ----------------------------------------------------------------------


def test_a_cascaded_task_waits_in_the_inbox_of_its_departments_office_only(
    levels, world, office_staff, leader, unit_head
):
    assert list(cascade.inbox(office_staff)) == [levels.cascaded]
    assert list(cascade.inbox(levels.sibling_office)) == [levels.sibling]
    for nobody in (leader, unit_head, levels.district):
        assert not cascade.inbox(nobody).exists()


def test_a_draft_superior_plan_cascades_nothing_yet(levels, office_staff):
    levels.superior_task.plan.status = Plan.Status.DRAFT
    levels.superior_task.plan.save()
    assert not cascade.inbox(office_staff).exists()


def test_placing_as_a_new_task_copies_the_superiors_task_under_the_chosen_heading(
    levels, world, office_staff
):
    # when
    task = place(levels, world, office_staff)
    # then
    assert (task.plan, task.heading, task.upstream) == (world.plan, levels.heading, levels.cascaded)
    assert task.text == levels.superior_task.text
    assert task.due_date == datetime.date(2026, 9, 30)
    assert list(task.assignments.values_list("unit", flat=True)) == [world.own_unit.pk]
    assert not cascade.inbox(office_staff).exists()
    # the superior sees where it went, in its assignment's timeline
    entry = ProgressUpdate.objects.get(assignment=levels.cascaded)
    assert "泉州市丰泽区教育局" in entry.text
    assert str(world.plan) in entry.text


def test_a_placement_the_task_checks_refuse_writes_nothing(levels, world, office_staff):
    # given: a deadline outside the plan's year
    with pytest.raises(ValidationError) as refused:
        place(levels, world, office_staff, due_date=datetime.date(2027, 1, 10))
    # then
    assert "due_date" in refused.value.message_dict
    assert not Task.objects.filter(upstream=levels.cascaded).exists()
    assert not ProgressUpdate.objects.filter(assignment=levels.cascaded).exists()
    assert list(cascade.inbox(office_staff)) == [levels.cascaded]


def test_a_task_cannot_be_placed_twice(levels, world, office_staff):
    first = place(levels, world, office_staff)
    with pytest.raises(ValidationError) as again:
        place(levels, world, office_staff)
    with pytest.raises(ValidationError) as linked:
        cascade.link_existing(levels.cascaded, world.foreign_task, by=office_staff)
    assert again.value.code == linked.value.code == "placed"
    assert list(Task.objects.filter(upstream=levels.cascaded)) == [first]


def test_another_departments_office_cannot_place_or_link_it(levels, world):
    other_heading = Heading.objects.create(plan=world.other_plan, title="其他")
    with pytest.raises(PermissionDenied):
        cascade.place_as_new(
            levels.cascaded,
            cascade.Placement(other_heading, "", None, []),
            by=levels.sibling_office,
        )
    with pytest.raises(PermissionDenied):
        cascade.link_existing(levels.cascaded, world.other_task, by=levels.sibling_office)
    assert not Task.objects.filter(upstream__isnull=False).exists()


def test_a_closed_superior_plan_is_placed_no_more(levels, world, office_staff):
    levels.superior_task.plan.status = Plan.Status.CLOSED
    levels.superior_task.plan.save()
    assert not cascade.inbox(office_staff).exists()
    with pytest.raises(ValidationError):
        cascade.link_existing(levels.cascaded, world.own_task, by=office_staff)
    assert Task.objects.get(pk=world.own_task.pk).upstream is None


def test_a_heading_of_another_departments_plan_is_refused(levels, world, office_staff):
    foreign_heading = Heading.objects.create(plan=world.other_plan, title="其他")
    with pytest.raises(ValidationError) as refused:
        place(levels, world, office_staff, where=foreign_heading)
    assert "where" in refused.value.message_dict
    assert not world.other_plan.tasks.filter(upstream__isnull=False).exists()


def test_linking_a_task_rolls_up_its_progress_at_once(levels, world, office_staff, unit_head):
    # given: 社管办 already at work on the bureau's own task
    record_progress(world.own_assignment, Report(text="已开始梳理。"), by=unit_head)
    # when
    cascade.link_existing(levels.cascaded, world.own_task, by=office_staff)
    # then
    assert refreshed(levels.cascaded).status == S.IN_PROGRESS
    assert Task.objects.get(pk=world.own_task.pk).upstream == levels.cascaded


def test_a_task_that_places_one_superior_task_cannot_link_another(levels, world, office_staff):
    cascade.link_existing(levels.cascaded, world.own_task, by=office_staff)
    second = make_task(
        levels.superior_task.plan,
        lead=[levels.cascaded.unit],
        by=levels.district,
    ).assignments.get()
    with pytest.raises(ValidationError) as refused:
        cascade.link_existing(second, world.own_task, by=office_staff)
    assert "task" in refused.value.message_dict
    assert refreshed(second).status == S.NOT_STARTED


# --- Roll-up ------------------------------------------------------------------------------------


def test_status_summaries_and_completion_roll_up_to_the_superior(
    levels, world, office_staff, unit_head
):
    # given: the bureau's own task, 社管办 leading and 办公室 co-operating
    task = world.own_task
    cascade.link_existing(levels.cascaded, task, by=office_staff)
    own = world.own_assignment
    support = task.assignments.get(unit=world.office_unit)

    # when / then: started
    record_progress(own, Report(text="清单初稿已完成。"), by=unit_head)
    assert refreshed(levels.cascaded).status == S.IN_PROGRESS
    # every part handed in to the bureau's office
    record_progress(own, Report(summary="公开重点领域事项清单32项。"), submit=True, by=unit_head)
    record_progress(support, Report(text="已审核。"), submit=True, by=office_staff)
    assert refreshed(levels.cascaded).status == S.SUBMITTED
    # every part signed off there
    review_assignment(refreshed(own), accept=True, by=office_staff)
    review_assignment(refreshed(support), accept=True, by=office_staff)
    assert refreshed(levels.cascaded).status == S.COMPLETED

    # and the superior reads the department's summaries
    below = cascade.downstream_of(levels.cascaded)
    assert (below.task, below.done, below.total) == (task, 2, 2)
    assert [(unit, text) for unit, _when, text in below.summaries] == [
        ("社管办", "公开重点领域事项清单32项。")
    ]


def test_rolling_up_twice_changes_nothing(levels, world, office_staff, unit_head):
    cascade.link_existing(levels.cascaded, world.own_task, by=office_staff)
    record_progress(world.own_assignment, Report(text="已开始。"), by=unit_head)
    before = (refreshed(levels.cascaded).version, ProgressUpdate.objects.count())

    upstream.roll_up(world.own_task, by=office_staff)
    upstream.roll_up(world.own_task, by=office_staff)

    assert (refreshed(levels.cascaded).version, ProgressUpdate.objects.count()) == before


def test_a_return_and_a_deadline_change_below_show_upstream(levels, world, office_staff, unit_head):
    # given
    cascade.link_existing(levels.cascaded, world.own_task, by=office_staff)
    record_progress(world.own_assignment, Report(text="已公开。"), submit=True, by=unit_head)
    # when
    review_assignment(
        refreshed(world.own_assignment), accept=False, comment="缺少链接", by=office_staff
    )
    set_deadline(world.own_task, due_date=datetime.date(2026, 9, 15), by=office_staff)
    # then
    timeline = [u.text for u in ProgressUpdate.objects.filter(assignment=levels.cascaded)]
    assert any("退回" in t or "returned" in t for t in timeline if "缺少链接" in t)
    assert any("2026-09-15" in t for t in timeline)
    assert refreshed(levels.cascaded).status == S.IN_PROGRESS


def test_nobody_reports_on_or_reviews_a_cascaded_assignment_by_hand(levels):
    with pytest.raises(PermissionDenied):
        record_progress(levels.cascaded, Report(text="已完成。"), by=levels.district)
    assert not ProgressUpdate.objects.filter(assignment=levels.cascaded).exists()


def test_the_superiors_review_queue_leaves_out_what_the_department_reviews(
    client, levels, world, office_staff, unit_head
):
    cascade.link_existing(levels.cascaded, world.own_task, by=office_staff)
    record_progress(world.own_assignment, Report(text="已公开。"), submit=True, by=unit_head)
    record_progress(
        world.own_task.assignments.get(unit=world.office_unit),
        Report(text="已公开。"),
        submit=True,
        by=office_staff,
    )
    assert refreshed(levels.cascaded).status == S.SUBMITTED
    client.force_login(levels.district)

    response = client.get(reverse("tasks:review_queue"))

    assert response.context["awaiting_review"] == 0
    assert levels.cascaded not in list(response.context["table"].data)


# --- The superior's edits come down -------------------------------------------------------------


def test_editing_the_superiors_task_tells_the_linked_departments_office_and_marks_the_link(
    levels, world, office_staff
):
    # given: the bureau placed it; the sibling department has not
    task = place(levels, world, office_staff)
    source = levels.superior_task
    # when
    source.text = "梳理重点领域公开事项清单，9月15日前公开。"
    source.due_date = datetime.date(2026, 9, 15)
    save_task(source, responsibility=responsibility_of(source), by=levels.district)
    # then
    task.refresh_from_db()
    assert task.upstream_changed_at is not None
    told = Notification.objects.get(kind=Kind.UPSTREAM, recipient=office_staff)
    assert told.event.task == task
    assert "2026-09-15" in told.event.note
    assert not Notification.objects.filter(recipient=levels.sibling_office).exists()

    # when the office has read it
    upstream.acknowledge(task, by=office_staff)
    # then
    task.refresh_from_db()
    assert task.upstream_changed_at is None
    assert Notification.objects.get(pk=told.pk).read_at is not None


def test_an_edit_that_changes_neither_text_nor_deadline_tells_nobody(levels, world, office_staff):
    task = place(levels, world, office_staff)
    source = levels.superior_task
    source.is_milestone = True
    save_task(source, responsibility=responsibility_of(source), by=levels.district)
    task.refresh_from_db()
    assert task.upstream_changed_at is None
    assert not Notification.objects.filter(kind=Kind.UPSTREAM).exists()


def test_the_person_chooses_how_to_hear_of_an_upstream_change(levels, world, office_staff):
    office_staff.email = "office@edu.example.cn"
    office_staff.save(update_fields=["email"])
    place(levels, world, office_staff)
    # by default at once (an e-mail of its own) ...
    set_deadline(levels.superior_task, due_date=datetime.date(2026, 9, 1), by=levels.district)
    assert Notification.objects.get(kind=Kind.UPSTREAM, recipient=office_staff).digest
    # ... or not at all
    save_choices(office_staff, {Kind.UPSTREAM: Notification.Delivery.NEVER})
    set_deadline(levels.superior_task, due_date=datetime.date(2026, 9, 2), by=levels.district)
    assert Notification.objects.filter(kind=Kind.UPSTREAM, recipient=office_staff).count() == 1


def test_the_bell_and_the_menu_show_what_waits_from_above(client, levels, world, office_staff):
    # given: one task placed, then changed by the superior; none waiting otherwise
    place(levels, world, office_staff)
    client.force_login(office_staff)
    assert client.get(INBOX).context["from_above_waiting"] == 0
    set_deadline(levels.superior_task, due_date=datetime.date(2026, 9, 1), by=levels.district)
    # when
    response = client.get(reverse("tasks:notification_list"))
    # then
    page = response.content.decode()
    assert "2026-09-01" in page
    assert (response.context["from_above"], response.context["from_above_waiting"]) == (1, 1)
    assert INBOX in page


def test_only_the_tasks_office_acknowledges(levels, world, office_staff, unit_head):
    task = place(levels, world, office_staff)
    with pytest.raises(PermissionDenied):
        upstream.acknowledge(task, by=unit_head)
    with pytest.raises(PermissionDenied):
        upstream.acknowledge(world.foreign_task, by=office_staff)  # places nothing


# --- Pages and who sees upward ------------------------------------------------------------------


def test_the_inbox_page_places_a_task_and_shows_clear_errors(client, levels, world, office_staff):
    client.force_login(office_staff)
    pk = levels.cascaded.pk
    # a form with no unit: an error beside the field, nothing saved
    response = client.post(
        INBOX,
        {"action": "place", "assignment": pk, f"place-{pk}-where": f"heading-{levels.heading.pk}",
         f"place-{pk}-text": "梳理清单。"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["items"][0][1].errors["lead_units"]
    assert not Task.objects.filter(upstream=levels.cascaded).exists()
    # then a good one
    response = client.post(
        INBOX,
        {"action": "place", "assignment": pk, f"place-{pk}-where": f"heading-{levels.heading.pk}",
         f"place-{pk}-text": "梳理清单。", f"place-{pk}-lead_units": [world.own_unit.pk]},
    )  # fmt: skip
    task = Task.objects.get(upstream=levels.cascaded)
    assert response.status_code == 302
    assert response.url == task.get_absolute_url()
    assert task.text == "梳理清单。"


def test_the_inbox_page_links_a_task(client, levels, world, office_staff):
    client.force_login(office_staff)
    pk = levels.cascaded.pk
    response = client.post(
        INBOX, {"action": "link", "assignment": pk, f"link-{pk}-task": world.own_task.pk}
    )
    assert response.status_code == 302
    assert Task.objects.get(upstream=levels.cascaded) == world.own_task


@pytest.mark.parametrize("who", ["leader", "unit_head", "district"])
def test_nobody_but_the_departments_office_opens_the_inbox(client, levels, who, request):
    person = levels.district if who == "district" else request.getfixturevalue(who)
    client.force_login(person)
    if who == "district":  # office staff of the superior: its inbox is empty
        assert client.get(INBOX).context["items"] == []
    else:
        assert client.get(INBOX).status_code == 403


def test_placing_another_departments_cascaded_task_answers_404(client, levels, world, office_staff):
    client.force_login(office_staff)
    pk = levels.sibling.pk
    response = client.post(
        INBOX, {"action": "link", "assignment": pk, f"link-{pk}-task": world.own_task.pk}
    )
    assert response.status_code == 404
    assert not Task.objects.filter(upstream__isnull=False).exists()


def test_the_superiors_task_shows_on_the_placed_task_for_its_office_only(
    client, levels, world, office_staff, unit_head, leader
):
    cascade.link_existing(levels.cascaded, world.own_task, by=office_staff)
    url = world.own_task.get_absolute_url()
    client.force_login(office_staff)
    response = client.get(url)
    assert response.context["upstream"] == levels.cascaded
    assert "梳理重点领域公开事项清单并公开。" in response.content.decode()
    for person in (unit_head, leader):
        client.force_login(person)
        response = client.get(url)
        assert response.context["upstream"] is None
        assert "梳理重点领域公开事项清单并公开。" not in response.content.decode()


def test_the_superiors_assignment_page_shows_the_departments_summaries(
    client, levels, world, office_staff, unit_head
):
    cascade.link_existing(levels.cascaded, world.own_task, by=office_staff)
    record_progress(world.own_assignment, Report(summary="公开事项清单32项。"), by=unit_head)
    client.force_login(levels.district)
    response = client.get(levels.cascaded.get_absolute_url())
    page = response.content.decode()
    assert "公开事项清单32项。" in page
    assert not response.context["can_update"]
    assert not response.context["can_review"]


def test_a_unit_stands_only_for_a_department_below_its_own(world):
    stranger = Unit(department=world.other_department, name="x", represents=world.department)
    with pytest.raises(ValidationError):
        stranger.full_clean()


def test_the_inbox_runs_the_same_queries_for_one_task_and_for_five(
    client, levels, office_staff, django_assert_num_queries
):
    # given
    client.force_login(office_staff)
    client.get(INBOX)  # warm up
    with CaptureQueriesContext(connection) as one:
        client.get(INBOX)
    # when
    for _ in range(4):
        make_task(levels.superior_task.plan, lead=[levels.cascaded.unit], by=levels.district)
    # then: the choices every form offers are read once for the page, not once a form
    with django_assert_num_queries(len(one)):
        response = client.get(INBOX)
    assert len(response.context["items"]) == 5


def test_a_department_that_placed_the_task_cannot_be_taken_off_it(levels, world, office_staff):
    place(levels, world, office_staff)
    source = levels.superior_task
    given = responsibility_of(source)
    given.lead = [levels.sibling.unit]
    with pytest.raises(ValidationError) as refused:
        save_task(source, responsibility=given, by=levels.district)
    assert "lead_units" in refused.value.message_dict
    assert Assignment.objects.filter(pk=levels.cascaded.pk).exists()


def test_closing_a_task_is_told_across_the_levels(levels, world, office_staff):
    # given: the bureau placed the superior's task
    task = place(levels, world, office_staff)
    # when the bureau closes its own
    close_task(task, reason="并入其他任务", by=office_staff)
    # then the superior sees it in its assignment's timeline
    assert ProgressUpdate.objects.filter(
        assignment=levels.cascaded, text__contains="并入其他任务"
    ).exists()
    # when the superior closes its task
    close_task(levels.superior_task, reason="年度调整", by=levels.district)
    # then the bureau's office is told, and the link marked
    task.refresh_from_db()
    assert task.upstream_changed_at is not None
    told = Notification.objects.get(kind=Kind.UPSTREAM, recipient=office_staff)
    assert "年度调整" in told.event.note


def test_an_upstream_change_is_mailed_to_the_office_at_once(levels, world, people, mailbox):
    # given
    place(levels, world, people["office"])
    # when
    set_deadline(levels.superior_task, due_date=datetime.date(2026, 9, 1), by=levels.district)
    for pk in Digest.objects.filter(status=Digest.Status.PENDING).values_list("pk", flat=True):
        deliver(pk)
    # then
    assert mailbox.to() == ["office@edu.example.cn"]
    message = mailbox.messages[0]
    assert "2026-09-01" in str(message["Subject"])
    assert "泉州市丰泽区人民政府办公室" in message.get_content()


def test_the_import_preview_points_to_the_tasks_waiting_from_above(
    client, levels, world, office_staff
):
    plan_import = start_import(
        world.department,
        source_name="",
        data="一、任务\n(一)公开\n做好公开(责任科室:办公室)。".encode(),
        by=None,
    )
    client.force_login(office_staff)
    page = client.get(reverse("tasks:import_preview", args=[plan_import.pk])).content.decode()
    assert page.count(f'href="{INBOX}"') == 2  # the menu's, and the notice's


# --- A department with no plan, or a plan with no heading yet (the walk-through's defect 1) -----


def test_a_plan_with_no_heading_yet_takes_the_task_at_its_top_level(client, levels, world):
    # given: the sibling department's plan has tasks but no heading
    plan = world.other_plan
    assert not plan.headings.exists()
    office = levels.sibling_office
    client.force_login(office)
    pk = levels.sibling.pk
    # then: its plan page says a task waits, with the way to the inbox
    response = client.get(plan.get_absolute_url())
    assert response.context["waiting"] == 1
    assert f'<a href="{INBOX}">' in response.content.decode().split('class="tree"')[0]
    # and the inbox offers the plan itself, already chosen: the only place there is
    form = client.get(INBOX).context["items"][0][1]
    assert form.initial["where"] == f"plan-{plan.pk}"
    # when
    response = client.post(
        INBOX,
        {"action": "place", "assignment": pk, f"place-{pk}-where": f"plan-{plan.pk}",
         f"place-{pk}-text": "梳理清单。", f"place-{pk}-lead_units": [office.unit_id]},
    )  # fmt: skip
    # then
    task = Task.objects.get(upstream=levels.sibling)
    assert response.status_code == 302
    assert (task.plan, task.heading) == (plan, None)
    assert client.get(plan.get_absolute_url()).context["waiting"] == 0


def test_a_department_with_no_open_plan_is_led_to_create_one_and_back(client, levels, world):
    # given: the sibling department's only plan is closed
    Plan.objects.filter(pk=world.other_plan.pk).update(status=Plan.Status.CLOSED)
    client.force_login(levels.sibling_office)
    pk = levels.sibling.pk
    # when
    page = client.get(INBOX).content.decode()
    # then: no form that cannot succeed, a link to make the plan that comes back here
    assert f"place-{pk}-where" not in page
    assert f"link-{pk}-task" not in page
    new_plan = f"{reverse('plans:plan_create')}?from=inbox"
    assert f'href="{new_plan}"' in page
    response = client.post(
        new_plan, {"title": "其他区教育局2026年政务公开工作实施方案", "year": 2026, "number": "x1"}
    )
    assert response.status_code == 302
    assert response.url == INBOX
    form = client.get(INBOX).context["items"][0][1]
    assert form.initial["where"].startswith("plan-")


def test_a_plan_created_elsewhere_never_sends_the_person_off_the_site(client, world, office_staff):
    client.force_login(office_staff)
    url = f"{reverse('plans:plan_create')}?next=https://evil.example/&from=elsewhere"
    response = client.post(url, {"title": "方案", "year": 2026, "number": "x2"})
    plan = Plan.objects.get(number="x2")
    assert response.url == plan.get_absolute_url()


def test_the_link_form_is_left_out_when_the_department_has_no_task_to_link(
    client, levels, world, office_staff
):
    # given: every task of the bureau already places another superior's task, or none is open
    Task.objects.filter(plan=world.plan).delete()
    client.force_login(office_staff)
    pk = levels.cascaded.pk
    page = client.get(INBOX).content.decode()
    assert f"place-{pk}-where" in page
    assert f"link-{pk}-task" not in page


# --- What the superior changed, on the placed task (defect 6) -------------------------------------


def test_the_placed_tasks_page_says_what_the_superior_changed(client, levels, world, office_staff):
    # given
    task = place(levels, world, office_staff)
    source = levels.superior_task
    source.due_date = datetime.date(2026, 9, 15)
    source.text = "梳理重点领域公开事项清单，9月15日前公开。"
    save_task(source, responsibility=responsibility_of(source), by=levels.district)
    # when
    client.force_login(office_staff)
    response = client.get(task.get_absolute_url())
    # then: the change itself, after the office's own task (which is above it)
    page = response.content.decode()
    note = Notification.objects.get(kind=Kind.UPSTREAM, recipient=office_staff).event.note
    assert "2026-09-15" in note
    assert "梳理重点领域公开事项清单并公开。" in note  # what it read before
    assert page.index(task.text) < page.index(note)
    assert [e.note for e in response.context["upstream_changes"]] == [note]
    # once read, the notice goes
    upstream.acknowledge(task, by=office_staff)
    assert note not in client.get(task.get_absolute_url()).content.decode()


# --- The superior's assignment page (defect 8) ----------------------------------------------------


def test_placing_leaves_no_empty_edit_in_the_superiors_change_log(levels, world, office_staff):
    place(levels, world, office_staff)
    rows = history_rows(refreshed(levels.cascaded))
    assert rows
    assert all(row.changes for row in rows[:-1])  # the oldest is the creation


def test_the_superior_sees_that_the_plan_it_went_into_is_a_draft(
    client, levels, world, office_staff
):
    # given: the bureau places it at the top level of a new draft plan
    draft = PlanFactory(department=world.department, status=Plan.Status.DRAFT)
    place(levels, world, office_staff, where=draft)
    client.force_login(levels.district)
    url = levels.cascaded.get_absolute_url()
    # then
    assert "草稿" in client.get(url).content.decode()  # the pages speak Chinese
    # and no longer once the plan is issued
    change_plan_status(draft, to=Plan.Status.ISSUED, by=office_staff)
    assert "草稿" not in client.get(url).content.decode()


def test_a_plan_with_headings_keeps_a_placed_task_under_one(client, levels, world, office_staff):
    client.force_login(office_staff)
    pk = levels.cascaded.pk
    form = client.get(INBOX).context["items"][0][1]
    offered = [value for value, _ in form.fields["where"].choices]
    assert offered == ["", f"heading-{levels.heading.pk}"]
    response = client.post(
        INBOX,
        {"action": "place", "assignment": pk, f"place-{pk}-where": f"plan-{world.plan.pk}",
         f"place-{pk}-text": "梳理清单。", f"place-{pk}-lead_units": [world.own_unit.pk]},
    )  # fmt: skip
    assert response.context["items"][0][1].errors["where"]
    assert not Task.objects.filter(upstream=levels.cascaded).exists()


# --- Review findings: what the office is offered, it may do ---------------------------------


def _superior_task_with_own_section(levels, world, office_staff, unit_head) -> Task:
    """A superior's task led by its own section and by the bureau, which linked its own task
    and handed every part in: the bureau's part is submitted, by roll-up."""
    section = UnitFactory(department=levels.superior, name="政务公开科")
    task = make_task(
        levels.superior_task.plan, lead=[section, levels.cascaded.unit], by=levels.district
    )
    cascaded = task.assignments.get(unit=levels.cascaded.unit)
    cascade.link_existing(cascaded, world.own_task, by=office_staff)
    record_progress(world.own_assignment, Report(text="已公开。"), submit=True, by=unit_head)
    support = world.own_task.assignments.get(unit=world.office_unit)
    record_progress(support, Report(text="已审核。"), submit=True, by=office_staff)
    assert refreshed(cascaded).status == S.SUBMITTED
    return task


def test_signing_off_a_superiors_task_in_bulk_accepts_its_own_units_and_leaves_the_cascaded_part(
    levels, world, office_staff, unit_head
):
    # given
    task = _superior_task_with_own_section(levels, world, office_staff, unit_head)
    own = task.assignments.get(unit__represents=None)
    head = UserFactory(department=levels.superior, unit=own.unit, role=User.Role.UNIT_HEAD)
    record_progress(own, Report(text="已完成。"), submit=True, by=head)
    versions = dict(task.assignments.values_list("pk", "version"))
    # when
    done = bulk_sign_off(levels.district, task_ids=[task.pk], versions=versions)
    # then: the section's part accepted; the bureau's is the bureau's office to sign off
    assert (done.tasks, done.units) == (1, 1)
    assert refreshed(own).status == S.COMPLETED
    assert task.assignments.get(unit=levels.cascaded.unit).status == S.SUBMITTED


def test_a_task_whose_only_submitted_part_is_cascaded_is_refused_with_a_reason(
    levels, world, office_staff, unit_head
):
    task = _superior_task_with_own_section(levels, world, office_staff, unit_head)
    versions = dict(task.assignments.values_list("pk", "version"))
    with pytest.raises(ValidationError) as refused:
        bulk_sign_off(levels.district, task_ids=[task.pk], versions=versions)
    assert refused.value.messages == [f"{task}：没有待审核的单位报送。"]
    assert task.assignments.get(unit=levels.cascaded.unit).status == S.SUBMITTED


def test_nobody_is_offered_a_comment_form_on_a_cascaded_assignment(client, levels):
    client.force_login(levels.district)
    url = levels.cascaded.get_absolute_url()
    page = client.get(url)
    assert page.context["comment_form"] is None
    assert not page.context["read_only_below"]  # its own, yet written on only below
    assert client.post(url, {"action": "comment", "c-text": "请尽快"}).status_code == 403


def test_the_menu_counts_no_task_of_a_closed_superior_plan_the_inbox_leaves_out(
    client, levels, world, office_staff
):
    # given: the superior's plan closed before the bureau placed its task
    change_plan_status(levels.superior_task.plan, to=Plan.Status.CLOSED, by=levels.district)
    client.force_login(office_staff)
    # when
    response = client.get(INBOX)
    # then
    assert response.context["items"] == []
    assert response.context["from_above_waiting"] == 0


def test_a_task_the_department_closed_is_neither_offered_nor_linked(
    client, levels, world, office_staff
):
    # given
    close_task(world.own_task, reason="并入其他任务。", by=office_staff)
    # when
    client.force_login(office_staff)
    form = client.get(INBOX).context["items"][0][2]
    with pytest.raises(ValidationError) as refused:
        cascade.link_existing(levels.cascaded, world.own_task, by=office_staff)
    # then
    assert world.own_task.pk not in [value for value, _ in form.fields["task"].choices]
    assert world.foreign_task.pk in [value for value, _ in form.fields["task"].choices]
    assert refused.value.message_dict["task"] == ["该任务已关闭：请关联一项仍在进行的任务。"]
    assert Task.objects.get(pk=world.own_task.pk).upstream is None
    assert refreshed(levels.cascaded).status == S.NOT_STARTED


# --- Placing from the import preview (issue 20) -------------------------------------------------

PREVIEWED = (
    "泉州市丰泽区教育局2026年政务公开工作要点\n"
    "一、重点领域公开\n做好公开工作，2026年6月30日前完成（责任科室：办公室）。\n"
    "二、平台建设\n巡查网站，2026年12月31日前完成（责任科室：社管办）。\n"
)


def previewed(client, world, office_staff, text: str = PREVIEWED) -> tuple[str, dict]:
    """The office's preview of a plan with two headings: its address, and its forms as the
    browser posts them back unchanged (every task from above left in the inbox)."""
    plan_import = start_import(world.department, source_name="", data=text.encode(), by=None)
    client.force_login(office_staff)
    url = reverse("tasks:import_preview", args=[plan_import.pk])
    return url, posted_back(client.get(url).context)


def saved() -> tuple[int, ...]:
    return (
        Plan.objects.count(),
        Heading.objects.count(),
        Task.objects.count(),
        ProgressUpdate.objects.count(),
        PlanImport.objects.filter(status=PlanImport.Status.CONFIRMED).count(),
    )


def test_the_import_preview_lists_the_tasks_from_above_with_the_previews_headings(
    client, levels, world, office_staff
):
    url, _data = previewed(client, world, office_staff)
    response = client.get(url)
    [form] = response.context["above"]
    assert form.shown == levels.cascaded
    assert [label for _value, label in form.fields["where"].choices][2:] == [
        "一、重点领域公开",
        "二、平台建设",
    ]
    page = response.content.decode()
    assert levels.superior_task.text in page
    assert "2026-09-30" in page
    assert str(levels.superior) in page


def test_a_task_from_above_placed_in_the_preview_goes_under_the_new_heading_and_rolls_up(
    client, levels, world, office_staff, unit_head
):
    # given
    url, data = previewed(client, world, office_staff)
    # when: placed under the second heading, 社管办 leading
    response = client.post(
        url, data | {"above-0-where": "heading-1", "above-0-lead_units": [world.own_unit.pk]}
    )
    # then
    task = Task.objects.get(upstream=levels.cascaded)
    plan = task.plan
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert plan.title == "泉州市丰泽区教育局2026年政务公开工作要点"
    assert str(task.heading) == "二、平台建设"
    assert task.text == levels.superior_task.text
    assert task.due_date == datetime.date(2026, 9, 30)
    assert plan.tasks.count() == 3
    assert not cascade.inbox(office_staff).exists()
    # and 社管办's progress shows on the superior's assignment
    change_plan_status(plan, to=Plan.Status.ISSUED, by=office_staff)
    own = task.assignments.get(unit=world.own_unit)
    record_progress(own, Report(text="已开始梳理。"), by=unit_head)
    assert refreshed(levels.cascaded).status == S.IN_PROGRESS


def test_a_task_from_above_left_as_it_is_offered_stays_in_the_inbox(
    client, levels, world, office_staff
):
    url, data = previewed(client, world, office_staff)
    response = client.post(url, data)
    assert response.status_code == 302
    assert not Task.objects.filter(upstream=levels.cascaded).exists()
    assert list(cascade.inbox(office_staff)) == [levels.cascaded]


@pytest.mark.parametrize(
    ("forged", "field", "message"),
    [
        ({"above-0-where": "heading-9"}, "where", "请选择预览中列出的标题之一，或放在方案的顶层。"),
        (
            {"above-0-where": "top", "above-0-assignment": "sibling"},
            "assignment",
            "这项上级任务并非下发给本部门。",
        ),
        # accepted by the form, refused by the task's own checks as the inbox's placing is
        ({"above-0-where": "top", "above-0-lead_units": []}, None, "请至少指定一个责任单位。"),
    ],
    ids=["heading-out-of-range", "not-sent-here", "no-lead-unit"],
)
def test_a_refused_choice_for_a_task_from_above_saves_nothing_of_the_import(
    client, levels, world, office_staff, forged, field, message
):
    # given
    url, data = previewed(client, world, office_staff)
    data |= {"above-0-lead_units": [world.own_unit.pk]} | forged
    if data["above-0-assignment"] == "sibling":
        data["above-0-assignment"] = levels.sibling.pk
    before = saved()
    # when
    response = client.post(url, data)
    # then: the preview again, the error beside that task
    assert response.status_code == 200
    [form] = response.context["above"]
    assert form.errors[field or "__all__"] == [message]
    assert saved() == before
    assert list(cascade.inbox(office_staff)) == [levels.cascaded]
    assert list(cascade.inbox(levels.sibling_office)) == [levels.sibling]


@pytest.mark.parametrize(
    ("which", "heading", "message"),
    [("cascaded", 5, NO_SUCH_HEADING), ("sibling", 0, NOT_SENT)],
    ids=["heading", "assignment"],
)
def test_the_confirm_service_refuses_a_forged_placement_and_saves_nothing(
    levels, world, office_staff, which, heading, message
):
    # given
    plan_import = start_import(world.department, source_name="", data=PREVIEWED.encode(), by=None)
    before = saved()
    placement = PreviewPlacement(getattr(levels, which), heading, [world.own_unit], ref=0)
    # when
    with pytest.raises(ValidationError) as refused:
        confirm_import(
            plan_import,
            plan=Plan(title="要点", year=2026),
            drafts=[TaskDraft.from_parsed(t, i) for i, t in enumerate(plan_import.parsed["tasks"])],
            mapping={},
            new_version=False,
            by=office_staff,
            placements=[placement],
        )
    # then
    assert saved() == before
    assert not Task.objects.filter(upstream__isnull=False).exists()
    assert refused.value.message_dict == {"above-0": [str(message)]}


def test_the_preview_and_its_confirm_cost_the_same_few_queries_a_task_from_above(
    client, levels, world, office_staff
):
    """Three tasks from above wait at each step; the office places none, one, then all three."""

    def arrives() -> None:
        make_task(levels.superior_task.plan, lead=[levels.cascaded.unit], by=levels.district)

    def confirmed(placed: int, text: str) -> tuple[int, int]:
        url, data = previewed(client, world, office_staff, PREVIEWED.replace("巡查", text))
        with CaptureQueriesContext(connection) as shown:
            client.get(url)
        assert len(client.get(url).context["above"].forms) == 3
        chosen = {f"above-{i}-{k}": v for i in range(placed) for k, v in
                  {"where": "heading-0", "lead_units": [world.own_unit.pk]}.items()}  # fmt: skip
        with CaptureQueriesContext(connection) as posted:
            response = client.post(url, data | chosen)
        assert response.status_code == 302
        return len(shown), len(posted)

    # given: the preview's page with one task from above waiting
    url, _data = previewed(client, world, office_staff)
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as shown_one:
        client.get(url)
    for _ in range(2):
        arrives()
    confirmed(1, "每日巡查")  # warm up
    arrives()
    # when
    shown, none = confirmed(0, "每周巡查")
    _, one = confirmed(1, "每月巡查")
    arrives()
    _, three = confirmed(3, "每季巡查")
    # then: listing them costs nothing a task; placing one costs what the inbox's placing does
    # (cascade.place_as_new), the same for each
    assert shown == len(shown_one)
    assert three - none == 3 * (one - none)
    assert one - none <= 30, one - none
    assert Task.objects.filter(upstream__isnull=False).count() == 5
    assert not cascade.inbox(office_staff).exists()
