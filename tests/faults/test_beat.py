"""Beat down for three working days: the next sweep sends one digest a person, not a flood."""

import datetime
import zoneinfo
from io import StringIO

import time_machine
from django.core.management import call_command

from core.holidays import calendar_for
from core.models import Digest
from tasks import reminders
from tasks.models import Reminder
from tests.factories import make_task

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_after_three_working_days_without_beat_the_next_sweep_sends_one_digest_each_of_today(
    world, people, mailoutbox
):
    """The sweep decides its own day's reminders only: the days beat missed are not made up
    (no flood of stale digests), and their pending digests wait for ``send_reminders --date``."""
    # given: beat sweeps on Friday 2026-06-05 but its jobs are lost (the digests stay pending),
    # then misses Monday to Wednesday, 06-08 to 06-10
    today = datetime.date(2026, 6, 11)  # Thursday
    calendar = calendar_for(2026)
    friday = calendar.add(today, -4)
    assert [calendar.add(friday, n) for n in (1, 2, 3)] == [
        datetime.date(2026, 6, 8) + datetime.timedelta(days=n) for n in range(3)
    ]

    def task(text: str, working_days: int) -> None:
        due = calendar.add(today, working_days)
        make_task(world.plan, lead=[world.own_unit], due=due, text=text, by=people["office"])

    task("周五到期", -4)  # due on Friday: 4 working days overdue today
    task("周一到期", -3)  # 3 overdue: between the reminders at 1 and 4
    task("周二到期", -2)  # 2 overdue: its day's and the next day's reminders missed
    task("周三到期", -1)  # 1 overdue: its day's reminder missed
    task("今天到期", 0)
    task("明天到期", 1)
    with time_machine.travel(datetime.datetime(2026, 6, 5, 8, 30, tzinfo=TZ), tick=False):
        stale = reminders.sweep(friday).digests
    assert len(stale) == 2
    # when: beat is back on Thursday morning (the sweep, delivering at once here)
    with time_machine.travel(datetime.datetime(2026, 6, 11, 8, 30, tzinfo=TZ), tick=False):
        call_command("send_reminders", stdout=StringIO())
    # then: one message each to the head and the staff, of what is due or overdue today
    assert sorted(m.to[0] for m in mailoutbox) == ["head@edu.example.cn", "staff@edu.example.cn"]
    for message in mailoutbox:
        for told in ("周五到期", "周三到期", "今天到期", "明天到期"):
            assert told in message.body
        for untold in ("周一到期", "周二到期"):
            assert untold not in message.body
    assert set(
        Reminder.objects.filter(date=today).values_list("assignment__task__text", "rule", "days")
    ) == {
        ("周五到期", "overdue", 4),
        ("周三到期", "overdue", 1),
        ("今天到期", "due", 0),
        ("明天到期", "before", 1),
    }
    # no reminder was made for the days beat missed, and Friday's digests were not sent
    assert not Reminder.objects.filter(date__gt=friday, date__lt=today).exists()
    assert set(Digest.objects.filter(pk__in=stale).values_list("status", flat=True)) == {"pending"}
    # when: the office sends Friday's by hand, as the README says
    call_command("send_reminders", "--date", friday.isoformat(), stdout=StringIO())
    # then: they go, once
    assert len(mailoutbox) == 4
    assert set(Digest.objects.values_list("status", flat=True)) == {"sent"}
