"""Duplicates provoked on real parts, and nothing sent twice or missed.

Two sweeps of a day at once, and a digest's job run while another sends it; a worker, or its
pool process, killed (SIGKILL) while it sends, its job handed to the next; Redis restarted with
the day's jobs queued, so the next sweep queues them again; and a sweep whose number of queries
does not grow with the work. Sweeping a day twice in a row is covered in ``test_reminders.py``
and ``test_delivery.py``.
"""

import datetime
import os
import signal
import zoneinfo
from concurrent import futures

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.celery_app import app as celery_app
from core.holidays import calendar_for
from core.jobs import deliver_digest
from core.models import Digest
from org.models import User
from tasks import reminders
from tasks.jobs import send_due_reminders
from tasks.models import Reminder, Task
from tests.factories import UserFactory, make_task
from tests.loopback import kill, pool_processes, wait_for

DAY = datetime.date(2026, 6, 10)  # a Wednesday
MORNING = datetime.datetime(2026, 6, 10, 8, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def due_today(world, people) -> None:
    """A task of 社管办 due on DAY: its head and staff each get the day's digest."""
    make_task(world.plan, lead=[world.own_unit], due=DAY, by=people["office"])


def in_own_connection(function, *args, **kwargs):
    """Run in a thread with its own database connection, closed at the end."""
    try:
        return function(*args, **kwargs)
    finally:
        connection.close()


def test_two_sweeps_of_the_same_day_at_once_send_each_digest_once(
    transactional_db, world, people, mailbox
):
    # given: a first sweep whose first message the SMTP server holds
    due_today(world, people)
    mailbox.hold("DATA")
    with futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(in_own_connection, reminders.sweep, DAY, deliver_now=True)
        wait_for(lambda: mailbox.held.is_set() or first.done(), "the first sweep sends")
        assert mailbox.held.is_set(), first.result()
        # when: a second sweep of the day starts meanwhile (beat and the command, say)
        second = pool.submit(in_own_connection, reminders.sweep, DAY, deliver_now=True)
        # PostgreSQL: it skips the digest the first holds and sends the other. SQLite: it waits
        # for the first's write lock, so give it a moment to get there.
        futures.wait([second], timeout=1)
        mailbox.release()
        results = [first.result(timeout=30), second.result(timeout=30)]
    # then
    assert sorted(r.sent for r in results) in ([0, 2], [1, 1])
    assert sum(r.failed for r in results) == 0
    assert mailbox.to() == ["head@edu.example.cn", "staff@edu.example.cn"]
    assert set(Digest.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_a_digest_another_worker_is_sending_is_tried_again_later_not_given_up(
    transactional_db, world, people, mailbox
):
    # given: a delivery the SMTP server keeps waiting
    due_today(world, people)
    digest = Digest.objects.get(pk=reminders.sweep(DAY).digests[0])
    mailbox.hold("DATA")
    with futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(in_own_connection, reminders.deliver, digest.pk)
        wait_for(lambda: mailbox.held.is_set() or first.done(), "the first delivery sends")
        # when: the digest's job again, meanwhile
        second = pool.submit(in_own_connection, reminders.deliver, digest.pk)
        futures.wait([second], timeout=1)
        mailbox.release()
        outcomes = first.result(timeout=30), second.result(timeout=30)
    # then: PostgreSQL skips the locked digest, to be tried again (the first worker might die
    # before it records the digest); SQLite waits for the first to finish
    later = "retry" if connection.vendor == "postgresql" else "already_sent"
    assert outcomes == ("sent", later)
    assert reminders.deliver(digest.pk) == "already_sent"
    assert mailbox.to() == [digest.recipient.email]


# --- A worker killed while it sends --------------------------------------------------------------


@pytest.fixture
def start_worker(redis_server, start_celery_worker):
    """Start a worker on the private Redis with a pool process, as in production (prefork).
    ``env`` adds to its environment."""

    def start(**env: str):
        return start_celery_worker(
            "--pool=prefork", "--concurrency=1", REDIS_URL=redis_server.url, **env
        )

    return start


def sent(digest: Digest) -> bool:
    return Digest.objects.filter(pk=digest.pk, status=Digest.Status.SENT).exists()


def test_a_worker_killed_before_the_mail_was_accepted_leaves_the_job_to_the_next_which_sends_once(
    world, people, mailbox, start_worker
):
    # given: the head's digest, being sent by a worker whose unacknowledged jobs go back to the
    # queue after 1 s; the SMTP server keeps it waiting for the answer to DATA
    due_today(world, people)
    digest = Digest.objects.get(pk=reminders.sweep(DAY).digests[0])
    first = start_worker(BROKER_VISIBILITY_TIMEOUT="1")
    mailbox.hold("DATA")
    deliver_digest.delay(digest.pk)
    wait_for(mailbox.held.is_set, "the first worker sends", worker=first)
    # when: the worker dies (SIGKILL, with its pool process) before the message was accepted
    kill(first)
    # then: nothing arrived and the digest is still pending (its transaction rolled back)
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == ("pending", 0)
    assert mailbox.messages == []
    # when: the next worker starts
    second = start_worker(BROKER_VISIBILITY_TIMEOUT="1")
    wait_for(
        lambda: sent(digest),
        "the job goes back to the queue and the next worker sends the digest",
        worker=second,
    )
    # then: the message arrived once
    assert mailbox.to() == [digest.recipient.email]
    digest.refresh_from_db()
    assert digest.attempts == 1


def test_a_worker_killed_after_the_mail_was_accepted_sends_it_again_with_the_same_message_id(
    world, people, mailbox, start_worker
):
    """At least once: between the SMTP server's acceptance and the commit that records it, a
    dying worker leaves the digest pending. The copy carries the first's Message-ID."""
    # given: a worker whose message the server accepted, kept waiting for the answer to QUIT
    due_today(world, people)
    digest = Digest.objects.get(pk=reminders.sweep(DAY).digests[0])
    first = start_worker(BROKER_VISIBILITY_TIMEOUT="1")
    mailbox.hold("QUIT")
    deliver_digest.delay(digest.pk)
    wait_for(mailbox.held.is_set, "the first worker sends", worker=first)
    # when: it dies before it recorded the digest as sent, and the next worker starts
    kill(first)
    digest.refresh_from_db()
    assert (digest.status, len(mailbox.messages)) == ("pending", 1)
    second = start_worker(BROKER_VISIBILITY_TIMEOUT="1")
    wait_for(lambda: sent(digest), "the next worker sends the digest", worker=second)
    # then: a second copy, recognisably the same message
    assert mailbox.to() == [digest.recipient.email] * 2
    assert mailbox.messages[0]["Message-ID"] == mailbox.messages[1]["Message-ID"]


def test_a_pool_process_killed_while_sending_gives_its_job_back_at_once_and_it_is_sent_once(
    world, people, mailbox, start_worker
):
    # given: a worker (the default hour before unacknowledged jobs go back to the queue) whose
    # pool process the SMTP server keeps waiting
    due_today(world, people)
    digest = Digest.objects.get(pk=reminders.sweep(DAY).digests[0])
    worker = start_worker()
    mailbox.hold("DATA")
    deliver_digest.delay(digest.pk)
    wait_for(mailbox.held.is_set, "the worker sends", worker=worker)
    # when: the pool process dies (the kernel's OOM killer, say)
    [pool_process] = pool_processes(worker)
    os.kill(pool_process, signal.SIGKILL)
    # then: the worker puts the job back (reject_on_worker_lost), a new pool process sends it
    wait_for(lambda: sent(digest), "the worker sends the digest again", worker=worker)
    assert mailbox.to() == [digest.recipient.email]


# --- Redis restarted with jobs queued ------------------------------------------------------------


def test_jobs_lost_with_a_restarted_redis_are_queued_again_by_the_next_sweep_and_sent_once(
    world, people, mailbox, redis_server, start_worker
):
    # given: the morning's jobs for four people of 社管办 and the office's 催办 of them queued,
    # and a worker busy with the first
    for n in (1, 2):
        UserFactory(
            department=world.department,
            unit=world.own_unit,
            role=User.Role.UNIT_STAFF,
            email=f"staff{n}@edu.example.cn",
        )
    due_today(world, people)
    with time_machine.travel(MORNING, tick=False):
        send_due_reminders()
        reminders.remind_by_hand(world.own_assignment, note="请尽快报送", by=people["office"])
    queue = celery_app.conf.task_default_queue
    mailbox.hold("DATA")
    worker = start_worker()
    wait_for(mailbox.held.is_set, "the worker sends", worker=worker)
    assert redis_server.client().llen(queue) == 4 + 4 - 1
    # when: Redis restarts (saving nothing, like CI's), and the worker finishes its message
    redis_server.restart()
    mailbox.release()
    wait_for(
        lambda: Digest.objects.filter(status=Digest.Status.SENT).count() == 1,
        "the worker finishes the message it had",
        worker=worker,
    )
    # then: the other jobs are gone
    assert redis_server.client().llen(queue) == 0
    assert Digest.objects.filter(status=Digest.Status.PENDING).count() == 4 + 4 - 1
    # when: the day's sweep runs again (beat's job run again, or `send_reminders`)
    with time_machine.travel(MORNING, tick=False):
        send_due_reminders()
    wait_for(
        lambda: not Digest.objects.filter(status=Digest.Status.PENDING).exists(),
        "the worker sends the digests queued again",
        worker=worker,
    )
    # then: everybody's digest and 催办, once each
    addresses = ["head", "staff1", "staff2", "staff"]
    assert mailbox.to() == sorted(f"{name}@edu.example.cn" for name in addresses * 2)
    assert Digest.objects.filter(batch__startswith="manual-").count() == 4
    assert set(Digest.objects.values_list("status", "attempts")) == {("sent", 1)}


# --- Queries -------------------------------------------------------------------------------------


def test_a_sweep_runs_as_many_queries_for_three_times_the_work(world, people, other_unit_head):
    # given: two units, one with a group robot, and every rule at work on the day swept (the
    # month end, 06-30, is 5 working days ahead); the calendar and the policies made by an
    # earlier sweep
    day = datetime.date(2026, 6, 23)
    other_unit_head.email = "otherhead@edu.example.cn"
    other_unit_head.save(update_fields=["email"])
    world.own_unit.webhook_kind = "wecom"
    world.own_unit.webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    world.own_unit.save(update_fields=["webhook_kind", "webhook_url"])
    calendar = calendar_for(day.year)
    reminders.sweep(calendar.add(day, -1))
    # 5 and 1 ahead, due, 1 and 4 overdue, escalated
    deadlines = [calendar.add(day, n) for n in (5, 1, 0, -1, -4, -5)]

    def add_work() -> None:
        """For each unit, a task per rule and a monthly one."""
        for unit in (world.own_unit, world.other_unit):
            for due in deadlines:
                make_task(world.plan, lead=[unit], due=due, by=people["office"])
            make_task(
                world.plan,
                lead=[unit],
                deadline_kind=Task.DeadlineKind.RECURRING,
                recurrence=Task.Recurrence.MONTHLY,
                by=people["office"],
            )

    def sweep() -> tuple[int, int]:
        Reminder.objects.all().delete()
        Digest.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            result = reminders.sweep(day)
        return result.decided, len(queries)

    # when
    add_work()
    decided, queries = sweep()
    add_work()
    add_work()
    thrice_decided, thrice_queries = sweep()
    # then
    assert (decided, thrice_decided) == (4 + 14, 4 + 42)  # with the world's, due at the month end
    assert thrice_queries == queries
