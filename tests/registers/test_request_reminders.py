"""Reminders of the statutory reply deadlines: decided by the department's reminder policy on
the working-day calendar, to the office (and the leader on escalation), once per request, rule
and day, in the same one e-mail a day per person as the assignments' reminders, however often
the sweep runs."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from config.celery_app import app
from core.holidays import calendar_for
from core.jobs import deliver_digest
from core.models import Digest
from core.outbox import MAX_ATTEMPTS
from core.reminders import policy_of, windows
from registers.models import RequestReminder
from registers.reminders import SOURCE
from tasks import reminders
from tasks.jobs import send_due_reminders
from tests.factories import make_request, make_task

D = datetime.date
TZ = ZoneInfo("Asia/Shanghai")
R = RequestReminder.Rule
DAY = D(2026, 6, 10)  # a Wednesday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 10, 8, 30, tzinfo=TZ), tick=False):
        yield


@pytest.fixture
def eager():
    """Jobs run in the calling process (a real worker is exercised by the tasks' tests)."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def people(office_staff, leader, unit_head):
    for person in (office_staff, leader, unit_head):
        person.email = f"{person.username}@edu.example.cn"
        person.save(update_fields=["email"])
    return office_staff, leader, unit_head


def received_for(due: D) -> D:
    """The receipt day whose 20-working-day deadline is ``due``."""
    return calendar_for(due.year).add(due, -20)


def test_open_requests_are_reminded_before_on_and_after_their_deadline(world, people):
    # given requests due in 5 and 1 working days, today, 1 and 5 working days ago, and one replied
    calendar = calendar_for(2026)
    dues = {n: calendar.add(DAY, n) for n in (5, 1, 0, -1, -5)}
    made = {n: make_request(world.department, received_on=received_for(d)) for n, d in dues.items()}
    make_request(
        world.department,
        received_on=received_for(DAY),
        replied_on=D(2026, 6, 1),
        outcome="disclosed",
    )
    assert {n: r.reply_due for n, r in made.items()} == dues
    # when
    rules = windows(policy_of(world.department.pk), DAY, calendar)
    SOURCE.decide(world.department.pk, DAY, rules)
    # then
    decided = RequestReminder.objects.filter(date=DAY)
    assert {(r.request_id, r.rule, r.days) for r in decided} == {
        (made[5].pk, R.BEFORE, 5),
        (made[1].pk, R.BEFORE, 1),
        (made[0].pk, R.DUE, 0),
        (made[-1].pk, R.OVERDUE, 1),
        (made[-5].pk, R.ESCALATE, 5),
    }


def test_sweeping_twice_decides_and_sends_nothing_twice(world, people, eager):
    # given
    office = people[0]
    make_request(world.department, received_on=received_for(DAY))
    make_request(world.other_department, received_on=received_for(DAY))
    # when the morning job runs twice
    send_due_reminders()
    send_due_reminders()
    # then
    assert RequestReminder.objects.count() == 2
    assert [m.to for m in mail.outbox] == [[office.email]]
    assert "2026-06-10" in mail.outbox[0].body
    assert Digest.objects.get().status == Digest.Status.SENT
    assert deliver_digest(Digest.objects.get().pk) == "already_sent"


def test_one_digest_a_day_tells_the_office_of_its_assignments_and_its_requests(
    world, people, eager
):
    # given an assignment of the office's own unit due today and a request due today
    office = people[0]
    task = make_task(world.plan, lead=[world.office_unit], due=DAY, by=office)
    assignment = task.assignments.get()
    request = make_request(world.department, received_on=received_for(DAY))
    # when
    send_due_reminders()
    # then one e-mail, naming both
    assert [m.to for m in mail.outbox] == [[office.email]]
    body = mail.outbox[0].body
    assert assignment.get_absolute_url() in body
    assert request.get_absolute_url() in body
    assert Digest.objects.filter(recipient=office).count() == 1


def test_an_escalation_reaches_the_leader_and_never_a_unit(world, people, eager):
    office, leader, _unit_head = people
    make_request(world.department, received_on=received_for(calendar_for(2026).add(DAY, -5)))
    send_due_reminders()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([office.email, leader.email])


def test_no_reminders_on_a_day_off(world, people):
    make_request(world.department, received_on=D(2026, 5, 6))
    result = reminders.sweep(D(2026, 6, 19))  # 端午
    assert result.decided == 0
    assert not RequestReminder.objects.exists()


def test_a_failed_email_is_retried_then_given_up(world, people, settings):
    settings.EMAIL_BACKEND = "tests.registers.test_request_reminders.BrokenBackend"
    make_request(world.department, received_on=received_for(DAY))
    (digest,) = reminders.sweep(DAY).digests
    assert reminders.deliver(digest) == "retry"
    Digest.objects.filter(pk=digest).update(attempts=MAX_ATTEMPTS - 1)
    assert reminders.deliver(digest) == "failed"
    assert Digest.objects.get().status == Digest.Status.FAILED


class BrokenBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP down")


def test_the_command_sweeps_a_given_day_and_sends_at_once(world, people):
    make_request(world.department, received_on=received_for(DAY))
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-06-10", stdout=out)
    call_command("send_reminders", "--date", "2026-06-10", stdout=out)
    assert "decided: 1, sent: 1" in out.getvalue()
    assert "decided: 1, sent: 0" in out.getvalue()
    assert len(mail.outbox) == 1
