"""Deadline reminders decided on the working-day calendar: which rule on which day, who is told,
what is left alone, and that sweeping (or pressing 催办) twice sends nothing twice.

The default policy throughout unless a test changes it: 5 and 1 working days before, on the day,
every 3 working days overdue (1, 4, 7 …), escalated to the office and the leader after 5.
"""

import datetime
import json
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from core.models import Digest
from org.models import User
from plans.models import Plan
from tasks import reminders
from tasks.models import Assignment, Notification, Reminder, Task
from tasks.services import close_task
from tests.factories import PlanFactory, UserFactory, make_task

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
R = Reminder.Rule


@pytest.fixture
def people(office_staff, leader, unit_head, unit_staff, other_unit_head):
    """The personas, each with an e-mail address."""
    for person in (office_staff, leader, unit_head, unit_staff, other_unit_head):
        person.email = f"{person.username}@edu.example.cn"
        person.save(update_fields=["email"])
    return {
        "office": office_staff,
        "leader": leader,
        "head": unit_head,
        "staff": unit_staff,
        "other_head": other_unit_head,
    }


def assignment_due(world, due: datetime.date, *, plan: Plan | None = None, **fields) -> Assignment:
    """A new task of 社管办 alone, due on ``due``."""
    author = User.objects.filter(department=world.department, role=User.Role.OFFICE).first()
    task = make_task(plan or world.plan, lead=[world.own_unit], due=due, by=author, **fields)
    return task.assignments.get()


def sweep_days(first: datetime.date, last: datetime.date) -> None:
    day = first
    while day <= last:
        reminders.sweep(day)
        day += datetime.timedelta(days=1)


def reminded(assignment: Assignment) -> set[tuple]:
    return set(assignment.reminders.values_list("date", "rule", "days"))


def told(reminder: Reminder) -> set[User]:
    return {n.recipient for n in reminder.notifications.select_related("recipient")}


def counts() -> tuple[int, int, int]:
    return Reminder.objects.count(), Notification.objects.count(), Digest.objects.count()


# --- Which rule on which day ---------------------------------------------------------------------


def test_a_task_is_reminded_before_on_and_after_its_deadline_and_on_no_other_day(world, people):
    # given: due Wednesday 2026-06-10; the Dragon Boat Festival is Friday 06-19
    assignment = assignment_due(world, D(2026, 6, 10))
    # when: every day from late May to 9 working days overdue is swept
    sweep_days(D(2026, 5, 25), D(2026, 6, 24))
    # then
    assert reminded(assignment) == {
        (D(2026, 6, 3), R.BEFORE, 5),
        (D(2026, 6, 9), R.BEFORE, 1),
        (D(2026, 6, 10), R.DUE, 0),
        (D(2026, 6, 11), R.OVERDUE, 1),
        (D(2026, 6, 16), R.OVERDUE, 4),
        (D(2026, 6, 17), R.ESCALATE, 5),
        (D(2026, 6, 22), R.OVERDUE, 7),  # Monday: the holiday Friday is not counted
    }
    assert set(assignment.reminders.values_list("deadline", flat=True)) == {D(2026, 6, 10)}


def test_a_deadline_on_a_holiday_is_reminded_on_the_working_days_around_the_holiday(world, people):
    # given: due Monday 2026-10-05, in the National Day holiday (10-01…10-07; 09-20 and the
    # Saturday 10-10 are make-up working days; 09-25 is the Mid-autumn Festival)
    assignment = assignment_due(world, D(2026, 10, 5))
    # when
    sweep_days(D(2026, 9, 14), D(2026, 10, 15))
    # then: due on the last working day before the holiday, overdue from the first one after it
    assert reminded(assignment) == {
        (D(2026, 9, 22), R.BEFORE, 5),
        (D(2026, 9, 29), R.BEFORE, 1),
        (D(2026, 9, 30), R.DUE, 0),
        (D(2026, 10, 8), R.OVERDUE, 1),
        (D(2026, 10, 12), R.OVERDUE, 4),  # 10-08, 10-09, Saturday 10-10, 10-12
        (D(2026, 10, 13), R.ESCALATE, 5),
        (D(2026, 10, 15), R.OVERDUE, 7),
    }


def test_a_milestone_is_reminded_like_any_task(world, people):
    # given
    assignment = assignment_due(world, D(2026, 6, 10), is_milestone=True)
    # when
    sweep_days(D(2026, 6, 9), D(2026, 6, 11))
    # then
    assert reminded(assignment) == {
        (D(2026, 6, 9), R.BEFORE, 1),
        (D(2026, 6, 10), R.DUE, 0),
        (D(2026, 6, 11), R.OVERDUE, 1),
    }


def test_monthly_work_is_reminded_before_each_month_end_and_never_overdue(world, people):
    # given
    assignment = assignment_due(
        world, None, deadline_kind=Task.DeadlineKind.RECURRING, recurrence="monthly"
    )
    # when
    sweep_days(D(2026, 5, 18), D(2026, 7, 10))
    # then: 05-31 is a Sunday, so May's period is "due" on Friday 05-29
    assert set(assignment.reminders.values_list("date", "rule", "days", "deadline")) == {
        (D(2026, 5, 22), R.BEFORE, 5, D(2026, 5, 31)),
        (D(2026, 5, 28), R.BEFORE, 1, D(2026, 5, 31)),
        (D(2026, 5, 29), R.DUE, 0, D(2026, 5, 31)),
        (D(2026, 6, 23), R.BEFORE, 5, D(2026, 6, 30)),
        (D(2026, 6, 29), R.BEFORE, 1, D(2026, 6, 30)),
        (D(2026, 6, 30), R.DUE, 0, D(2026, 6, 30)),
    }


def test_quarterly_work_is_reminded_before_the_quarter_end_only(world, people):
    # given
    assignment = assignment_due(
        world, None, deadline_kind=Task.DeadlineKind.RECURRING, recurrence="quarterly"
    )
    # when
    sweep_days(D(2026, 5, 18), D(2026, 7, 10))
    # then
    assert set(assignment.reminders.values_list("date", "rule", "deadline")) == {
        (D(2026, 6, 23), R.BEFORE, D(2026, 6, 30)),
        (D(2026, 6, 29), R.BEFORE, D(2026, 6, 30)),
        (D(2026, 6, 30), R.DUE, D(2026, 6, 30)),
    }


def test_work_that_is_done_waiting_for_review_closed_or_not_issued_is_not_reminded(world, people):
    # given: six assignments due the same day
    open_one = assignment_due(world, D(2026, 6, 10))
    returned = assignment_due(world, D(2026, 6, 10))
    completed = assignment_due(world, D(2026, 6, 10))
    submitted = assignment_due(world, D(2026, 6, 10))
    closed = assignment_due(world, D(2026, 6, 10))
    draft = assignment_due(
        world, D(2026, 6, 10), plan=PlanFactory(department=world.department, status="draft")
    )
    ended = assignment_due(
        world, D(2026, 6, 10), plan=PlanFactory(department=world.department, status="closed")
    )
    Assignment.objects.filter(pk=returned.pk).update(status=Assignment.Status.RETURNED)
    Assignment.objects.filter(pk=completed.pk).update(status=Assignment.Status.COMPLETED)
    Assignment.objects.filter(pk=submitted.pk).update(status=Assignment.Status.SUBMITTED)
    close_task(closed.task, reason="上级通知停止执行", by=people["office"])
    # when
    reminders.sweep(D(2026, 6, 10))
    # then
    assert reminded(open_one) == {(D(2026, 6, 10), R.DUE, 0)}
    assert reminded(returned) == {(D(2026, 6, 10), R.DUE, 0)}
    for left_alone in (completed, submitted, closed, draft, ended):
        assert reminded(left_alone) == set()


def test_a_day_off_decides_nothing_and_a_make_up_saturday_is_a_working_day(world, people):
    # given
    on_monday = assignment_due(world, D(2026, 6, 22))
    on_make_up_saturday = assignment_due(world, D(2026, 10, 10))
    # when: a Saturday, the Dragon Boat Festival and a National Day holiday
    results = [reminders.sweep(d) for d in (D(2026, 6, 20), D(2026, 6, 19), D(2026, 10, 2))]
    # then
    assert [r.decided for r in results] == [0, 0, 0]
    assert counts() == (0, 0, 0)
    # when: the make-up Saturday
    reminders.sweep(D(2026, 10, 10))
    # then
    assert reminded(on_make_up_saturday) == {(D(2026, 10, 10), R.DUE, 0)}
    assert reminded(on_monday) == set()


def test_a_changed_policy_takes_effect_on_the_next_sweep(world, people):
    # given: 3 working days before, nothing on the day, every 2 overdue, escalated after 3
    policy = reminders.policy_of(world.department.pk)
    policy.days_before, policy.on_the_day = "3", False
    policy.overdue_every, policy.escalate_after = 2, 3
    policy.save()
    assignment = assignment_due(world, D(2026, 6, 10))
    # when
    sweep_days(D(2026, 6, 1), D(2026, 6, 17))
    # then
    assert reminded(assignment) == {
        (D(2026, 6, 5), R.BEFORE, 3),
        (D(2026, 6, 11), R.OVERDUE, 1),
        (D(2026, 6, 15), R.OVERDUE, 3),
        (D(2026, 6, 15), R.ESCALATE, 3),
        (D(2026, 6, 17), R.OVERDUE, 5),
    }


# --- Who is told ---------------------------------------------------------------------------------


def test_an_ordinary_reminder_reaches_the_units_head_and_staff_only(world, people):
    # given
    assignment = assignment_due(world, D(2026, 6, 10))
    # when
    reminders.sweep(D(2026, 6, 10))
    # then
    assert told(assignment.reminders.get()) == {people["head"], people["staff"]}


def test_an_escalation_reaches_the_office_and_the_plans_leader_but_not_the_unit(world, people):
    # given: the plan names its leader; another leader has nothing to do with it
    other_leader = UserFactory(department=world.department, role=User.Role.LEADER)
    world.plan.leader = people["leader"]
    world.plan.save(update_fields=["leader"])
    assignment = assignment_due(world, D(2026, 6, 10))
    # when: five working days overdue
    reminders.sweep(D(2026, 6, 17))
    # then
    escalation = assignment.reminders.get()
    assert escalation.rule == R.ESCALATE
    office = set(User.objects.filter(department=world.department, role=User.Role.OFFICE))
    assert people["office"] in office
    assert told(escalation) == office | {people["leader"]}
    assert other_leader not in told(escalation)
    assert not told(escalation) & {people["head"], people["staff"], people["other_head"]}


def test_an_escalation_reaches_every_leader_when_the_plan_names_none(world, people):
    # given
    other_leader = UserFactory(department=world.department, role=User.Role.LEADER)
    foreign_leader = UserFactory(department=world.other_department, role=User.Role.LEADER)
    assignment = assignment_due(world, D(2026, 6, 10))
    # when
    reminders.sweep(D(2026, 6, 17))
    # then
    escalation = assignment.reminders.get()
    assert {people["leader"], other_leader} <= told(escalation)
    assert foreign_leader not in told(escalation)
    assert people["head"] not in told(escalation)


def test_an_escalation_is_not_posted_to_the_units_group_robot(world, people):
    # given: 社管办 has a WeCom group robot; one task is due today, one is escalated today
    world.own_unit.webhook_kind = "wecom"
    world.own_unit.webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    world.own_unit.save(update_fields=["webhook_kind", "webhook_url"])
    due_today = assignment_due(world, D(2026, 6, 17))
    assignment_due(world, D(2026, 6, 10))
    # when
    reminders.sweep(D(2026, 6, 17))
    # then: the group hears of its own due work only
    robot = Digest.objects.get(unit=world.own_unit, date=D(2026, 6, 17))
    assert [r.assignment for r in reminders.digest_items(robot)] == [due_today]


def test_a_day_with_only_an_escalation_posts_nothing_to_the_units_group_robot(world, people):
    # given
    world.own_unit.webhook_kind = "wecom"
    world.own_unit.webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    world.own_unit.save(update_fields=["webhook_kind", "webhook_url"])
    assignment_due(world, D(2026, 6, 10))
    # when
    reminders.sweep(D(2026, 6, 17))
    # then
    assert not Digest.objects.filter(unit=world.own_unit).exists()
    assert Digest.objects.filter(recipient=people["office"], date=D(2026, 6, 17)).exists()


# --- Once, and once a day ------------------------------------------------------------------------


def test_sweeping_the_same_day_twice_creates_nothing_twice(world, people):
    # given
    assignment_due(world, D(2026, 6, 10))
    assignment_due(world, D(2026, 6, 3))  # escalated
    reminders.sweep(D(2026, 6, 10))
    first = counts()
    # when
    again = reminders.sweep(D(2026, 6, 10))
    # then
    assert min(first) > 0
    assert counts() == first
    assert again.decided == first[0]


def test_each_person_gets_one_digest_a_day_whatever_the_number_of_reminders(world, people):
    # given: on 2026-06-10, one task 5 ahead, one 1 ahead, one due, one overdue
    for due in (D(2026, 6, 17), D(2026, 6, 11), D(2026, 6, 10), D(2026, 6, 9)):
        assignment_due(world, due)
    # when
    reminders.sweep(D(2026, 6, 10))
    # then
    for person in (people["head"], people["staff"]):
        digest = Digest.objects.get(recipient=person)
        assert digest.date == D(2026, 6, 10)
        assert digest.channel == Digest.Channel.EMAIL
        assert len(reminders.digest_items(digest)) == 4
    assert not Digest.objects.filter(recipient__in=[people["office"], people["leader"]]).exists()


def test_nobody_without_an_address_or_who_opted_out_gets_an_e_mail_digest(world, people):
    # given
    people["staff"].email_reminders = False
    people["staff"].save(update_fields=["email_reminders"])
    people["head"].email = ""
    people["head"].save(update_fields=["email"])
    assignment = assignment_due(world, D(2026, 6, 10))
    # when
    reminders.sweep(D(2026, 6, 10))
    # then: the bell still rings for both
    assert not Digest.objects.exists()
    assert told(assignment.reminders.get()) == {people["head"], people["staff"]}


# --- 催办 by hand ---------------------------------------------------------------------------------


def test_reminding_by_hand_twice_on_the_same_day_creates_one_reminder_and_one_message(
    world, office_staff, unit_head, unit_staff, django_capture_on_commit_callbacks
):
    # given: only the head has an e-mail address
    unit_head.email = "head@edu.example.cn"
    unit_head.save(update_fields=["email"])
    # when: the office presses 催办 twice
    with (
        time_machine.travel(datetime.datetime(2026, 6, 10, 9, tzinfo=TZ), tick=False),
        django_capture_on_commit_callbacks() as queued,
    ):
        first = reminders.remind_by_hand(world.own_assignment, note="请尽快报送", by=office_staff)
        second = reminders.remind_by_hand(world.own_assignment, note="请尽快报送", by=office_staff)
    for digest in Digest.objects.filter(status=Digest.Status.PENDING):
        reminders.deliver(digest.pk)
    # then
    assert second is None
    assert first == Reminder.objects.get()
    assert (first.rule, first.date, first.note) == (R.MANUAL, D(2026, 6, 10), "请尽快报送")
    assert told(first) == {unit_head, unit_staff}
    assert len(queued) == 1
    assert [m.to for m in mail.outbox] == [["head@edu.example.cn"]]
    assert "请尽快报送" in mail.outbox[0].body


def test_a_reminder_by_hand_does_not_take_the_place_of_the_days_digest(world, people):
    # given: the office reminded 社管办 by hand in the morning
    with time_machine.travel(datetime.datetime(2026, 6, 10, 8, tzinfo=TZ), tick=False):
        reminders.remind_by_hand(world.own_assignment, note="", by=people["office"])
    assignment_due(world, D(2026, 6, 10))
    # when
    reminders.sweep(D(2026, 6, 10))
    # then: the head has the manual message and the day's digest, each with its own items
    daily, manual = Digest.objects.filter(recipient=people["head"]).order_by("batch")
    assert (daily.batch, manual.batch.startswith("manual-")) == ("daily", True)
    assert [r.rule for r in reminders.digest_items(manual)] == [R.MANUAL]
    assert [r.rule for r in reminders.digest_items(daily)] == [R.DUE]


# --- The command ---------------------------------------------------------------------------------


def run_sweep_command(*args: str) -> dict:
    out = StringIO()
    call_command("send_reminders", "--date", "2026-06-10", "--json", *args, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_the_command_prints_one_json_line_and_a_second_run_sends_nothing(world, people):
    # given
    assignment_due(world, D(2026, 6, 10))
    # when
    first = run_sweep_command()
    second = run_sweep_command()
    # then
    assert first == {"date": "2026-06-10", "decided": 1, "sent": 2, "already_sent": 0, "failed": 0}
    assert second == {**first, "sent": 0, "already_sent": 2}
    assert sorted(m.to[0] for m in mail.outbox) == ["head@edu.example.cn", "staff@edu.example.cn"]


def test_a_dry_run_decides_but_saves_and_sends_nothing(world, people):
    # given
    assignment_due(world, D(2026, 6, 10))
    # when
    summary = run_sweep_command("--dry-run")
    # then
    assert summary["decided"] == 1
    assert summary["sent"] == 0
    assert counts() == (0, 0, 0)
    assert mail.outbox == []


def test_the_command_refuses_a_year_whose_holidays_are_not_known(db):
    with pytest.raises(CommandError, match="2027"):
        call_command("send_reminders", "--date", "2027-03-01", stdout=StringIO())
