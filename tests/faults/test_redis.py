"""Redis down while people work: the app keeps working, and once Redis is back the day's
reminders go out, none twice. Redis restarted with jobs queued, and workers killed while they
send, are provoked in ``tests/tasks/test_resilience.py``."""

import datetime
import time
import zoneinfo

import time_machine

from core.models import Digest
from reporting import services
from reporting.models import ReportDraft
from tasks import reminders
from tasks.jobs import send_due_reminders
from tasks.models import Assignment, ProgressUpdate, Reminder
from tests.factories import make_task
from tests.loopback import wait_for

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")

DAY = datetime.date(2026, 6, 10)  # a Wednesday
NOON = datetime.datetime(2026, 6, 10, 12, 0, tzinfo=TZ)


def progress_post(assignment: Assignment, text: str) -> dict:
    return {
        "action": "report",
        "p-version": assignment.version,
        "p-text": text,
        "p-summary": "",
        "p-percent": "",
        "link-TOTAL_FORMS": 0,
        "link-INITIAL_FORMS": 0,
        "fig-TOTAL_FORMS": 0,
        "fig-INITIAL_FORMS": 0,
    }


def test_with_redis_down_people_keep_working_and_the_reminders_go_out_once_when_it_is_back(
    world, people, mailbox, redis_server, start_celery_worker, client
):
    # given: work of 社管办 due today, and a worker on the private Redis
    make_task(world.plan, lead=[world.own_unit], due=DAY, by=people["office"])
    worker = start_celery_worker(REDIS_URL=redis_server.url)
    assignment = world.own_assignment
    # when: Redis goes down, and at noon the head reports progress and the office presses 催办
    redis_server.stop()
    with time_machine.travel(NOON, tick=False):
        client.force_login(people["head"])
        reported = client.post(assignment.get_absolute_url(), progress_post(assignment, "已开始"))
        client.force_login(people["office"])
        started = time.monotonic()
        reminded = client.post(f"/assignments/{assignment.pk}/remind/", {"note": "请尽快报送"})
        took = time.monotonic() - started
        page = client.get(assignment.get_absolute_url())
    # then: ordinary answers, soon, and the work saved
    assert (reported.status_code, reminded.status_code, page.status_code) == (302, 302, 200)
    assert took < 10
    assert ProgressUpdate.objects.filter(assignment=assignment, text="已开始").exists()
    manual = Reminder.objects.get(assignment=assignment, rule=Reminder.Rule.MANUAL)
    assert set(Digest.objects.values_list("batch", "status")) == {
        (f"manual-{manual.pk}", "pending")
    }
    # when: Redis is back and the day's sweep runs (beat's job run again, or `send_reminders`)
    redis_server.start()
    with time_machine.travel(NOON, tick=False):
        send_due_reminders()
    wait_for(
        lambda: not Digest.objects.filter(status=Digest.Status.PENDING).exists(),
        "the worker sends the day's digests and the 催办 once Redis is back",
        worker=worker,
        seconds=90,
    )
    # then: the head and the staff each got the day's digest and the 催办, once each
    assert mailbox.to() == sorted(["head@edu.example.cn", "staff@edu.example.cn"] * 2)
    assert len({m["Message-ID"] for m in mailbox.messages}) == 4
    assert set(Digest.objects.values_list("status", "attempts")) == {("sent", 1)}
    # and a sweep of the day once more finds nothing left to send
    assert reminders.sweep(DAY).digests == ()


def test_with_redis_down_a_report_draft_says_it_was_not_queued_rather_than_wait(
    transactional_db, redis_server, office_staff, world, client
):
    # given: the office's draft of the year-end report
    draft = services.create_draft(world.department, 2026, by=office_staff)
    redis_server.stop()
    client.force_login(office_staff)
    # when: Redis is down and the office asks for it to be generated
    response = client.post(f"/reporting/reports/{draft.pk}/generate/")
    # then: an ordinary answer, and the draft says why nothing runs (the page stops waiting)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.generation == ReportDraft.Generation.FAILED
    assert "connecting" in draft.generation_error
