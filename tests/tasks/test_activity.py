"""What happened is told to the people concerned: in the bell, by e-mail at once or in the daily
digest as each person chose, by the unit's group robot; once, and in the reader's language."""

import datetime
import zoneinfo

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Digest
from core.reminders import deliver
from tasks import activity, reminders
from tasks.models import Comment, Event, Kind, Notification, NotificationChoice
from tasks.services import (
    Report,
    Responsibility,
    record_progress,
    review_assignment,
    save_task,
    set_deadline,
)
from tests.loopback import with_robot

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2026, 6, 8, 10, tzinfo=TZ)


SITE = "https://gk.example.gov.cn"


@pytest.fixture
def frozen(settings):
    settings.SITE_URL = SITE
    with time_machine.travel(MONDAY, tick=False):
        yield


def told(kind: str) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def deliver_pending() -> None:
    for pk in Digest.objects.filter(status=Digest.Status.PENDING).values_list("pk", flat=True):
        deliver(pk)


def submit(world, head) -> None:
    record_progress(world.own_assignment, Report(text="已在网站公开"), submit=True, by=head)


def test_a_submission_tells_the_office_at_once_in_its_bell_and_by_mail(
    world, people, mailbox, frozen, client
):
    submit(world, people["head"])
    # the world's author and the office persona; not the head who submitted
    assert len(told(Kind.SUBMITTED)) == 2
    assert "office" in told(Kind.SUBMITTED)
    deliver_pending()
    assert mailbox.to() == ["office@edu.example.cn"]  # the world's author has no address
    message = mailbox.messages[0]
    assert "提交" in str(message["Subject"])
    assert "社管办" in str(message["Subject"])
    body = message.get_content()
    assert f"{SITE}{world.own_assignment.get_absolute_url()}" in body
    assert "每个工作日" not in body  # not the daily digest's footer
    client.force_login(people["office"])
    html = client.get(reverse("tasks:notification_list")).content.decode()
    assert "提交审核" in html or "提交了" in html
    assert 'title="待审核的提交">1<' in html  # the menu counts the submissions awaiting review


def test_a_return_tells_the_units_people_with_the_reason(world, people, mailbox, frozen):
    submit(world, people["head"])
    review_assignment(
        world.own_assignment, accept=False, comment="缺少网页截图", by=people["office"]
    )
    assert told(Kind.RETURNED) == ["head", "staff"]
    deliver_pending()
    to_staff = next(m for m in mailbox.messages if m["To"] == "staff@edu.example.cn")
    assert "缺少网页截图" in to_staff.get_content()


def test_each_person_chooses_at_once_daily_or_never(world, people, mailbox, frozen):
    activity.save_choices(people["staff"], {Kind.RETURNED: "never"})
    activity.save_choices(people["head"], {Kind.RETURNED: "daily"})
    submit(world, people["head"])
    mailbox.messages.clear()
    review_assignment(world.own_assignment, accept=False, comment="重写", by=people["office"])
    assert told(Kind.RETURNED) == ["head"]  # "never": not even the bell
    deliver_pending()
    assert mailbox.to() == ["office@edu.example.cn"]  # the submission's; the head waits
    # the next working day's sweep puts the return in the head's daily digest, once
    day = datetime.date(2026, 6, 9)
    reminders.sweep(day, deliver_now=True)
    reminders.sweep(day, deliver_now=True)
    daily = [m for m in mailbox.messages if m["To"] == "head@edu.example.cn"]
    assert len(daily) == 1
    assert "重写" in daily[0].get_content()
    assert Notification.objects.get(kind=Kind.RETURNED).digest.batch == "daily"


def test_a_person_reads_mail_in_their_own_language(world, people, mailbox, frozen):
    people["office"].language = "en"
    people["office"].save(update_fields=["language"])
    submit(world, people["head"])
    deliver_pending()
    subject = str(mailbox.messages[0]["Subject"])
    assert "submitted the work of" in subject


def test_an_event_is_told_once_however_often_delivered(world, people, mailbox, frozen):
    submit(world, people["head"])
    digest = Digest.objects.get(batch__startswith="event-")
    assert [deliver(digest.pk), deliver(digest.pk)] == ["sent", "already_sent"]
    assert len(mailbox.messages) == 1


def test_the_units_robot_posts_a_return(world, people, robot, frozen):
    with_robot(world.own_unit, "wecom", robot.url)
    submit(world, people["head"])
    review_assignment(world.own_assignment, accept=False, comment="补充材料", by=people["office"])
    deliver_pending()
    (post,) = [p for p in robot.posts if "补充材料" in p[2]["markdown"]["content"]]
    assert world.own_task.text[:10] in post[2]["markdown"]["content"]


# --- Comments and @mentions ---------------------------------------------------------------------


def test_a_mention_tells_its_addressee_and_the_rest_hear_of_a_comment(world, people, frozen):
    activity.comment(world.own_assignment, "请 @staff 补充截图", by=people["office"])
    assert told(Kind.MENTION) == ["staff"]
    # the unit's head and the office's other member; not the writer, nor the one mentioned
    commented = told(Kind.COMMENT)
    assert "head" in commented
    assert len(commented) == 2
    assert "office" not in commented
    assert "staff" not in commented
    comment = Comment.objects.get()
    assert list(comment.mentions.all()) == [people["staff"]]


def test_a_mention_of_someone_who_cannot_see_the_work_saves_nothing(
    world, people, other_unit_head, frozen
):
    events = Event.objects.count()  # the world's
    with pytest.raises(ValidationError, match="@otherhead"):
        activity.comment(world.own_assignment, "@otherhead 看看", by=people["office"])
    assert not Comment.objects.exists()
    assert Event.objects.count() == events


def test_the_assignment_page_keeps_a_thread_and_refuses_an_empty_comment(
    client, world, people, frozen
):
    client.force_login(people["head"])
    url = world.own_assignment.get_absolute_url()
    empty = client.post(url, {"action": "comment", "c-text": "  "})
    assert empty.status_code == 200
    assert str(forms.Field.default_error_messages["required"]) in empty.content.decode()
    posted = client.post(url, {"action": "comment", "c-text": "第一轮材料已上传"})
    assert posted.status_code == 302
    assert posted.url.endswith("#comments")
    html = client.get(url).content.decode()
    assert "第一轮材料已上传" in html
    assert 'data-mention="' in html
    assert {"office", "staff"} <= set(told(Kind.COMMENT))
    assert "head" not in told(Kind.COMMENT)


def test_a_task_has_a_thread_of_its_own(client, world, people, frozen):
    client.force_login(people["office"])
    url = world.own_task.get_absolute_url()
    client.post(url, {"c-text": "本任务请各单位 @head 关注"})
    assert Comment.objects.get().assignment is None
    assert told(Kind.MENTION) == ["head"]
    assert "本任务请各单位" in client.get(url).content.decode()


# --- Reassignment and deadline changes ----------------------------------------------------------


def test_moving_a_deadline_and_units_tells_the_units(world, people, other_unit_head, frozen):
    task = world.own_task
    old = task.due_date
    task.due_date = old + datetime.timedelta(days=14)
    save_task(task, responsibility=Responsibility(lead=[world.other_unit]), by=people["office"])
    deadline = Event.objects.get(kind=Kind.DEADLINE)
    assert (deadline.old_date, deadline.new_date) == (old, task.due_date)
    moved = Event.objects.filter(kind=Kind.REASSIGNED, task=task)
    assert {(e.unit, e.removed) for e in moved} == {
        (world.other_unit, False),
        (world.own_unit, True),
        (world.office_unit, True),
    }
    assert set(told(Kind.REASSIGNED)) == {"head", "staff", "otherhead"}


# --- Settings -----------------------------------------------------------------------------------


def post_settings(client, person, **changed):
    """The settings form as posted: every kind "daily", but for ``changed``."""
    client.force_login(person)
    form = {f"kind_{k}": "daily" for k in activity.DEFAULTS}
    return client.post(reverse("tasks:notification_settings"), {**form, **changed})


def test_the_settings_page_saves_every_choice_and_the_language(client, people):
    response = post_settings(client, people["head"], kind_mention="never", language="en")
    assert response.status_code == 302
    assert activity.choices_of(people["head"])[Kind.MENTION] == "never"
    people["head"].refresh_from_db()
    assert people["head"].language == "en"


def test_a_bad_choice_saves_nothing(client, people):
    response = post_settings(client, people["head"], kind_mention="hourly", language="fr")
    assert response.status_code == 200
    assert not NotificationChoice.objects.exists()
    people["head"].refresh_from_db()
    assert people["head"].language == ""


def test_a_deadline_moved_from_the_list_is_told_as_one_moved_on_the_task(world, people, frozen):
    task = world.own_task
    old = task.due_date
    set_deadline(task, due_date=old + datetime.timedelta(days=7), by=people["office"])
    event = Event.objects.get(kind=Kind.DEADLINE, task=task)
    assert (event.old_date, event.new_date) == (old, task.due_date)
    assert {"head", "staff"} <= set(told(Kind.DEADLINE))


def test_the_bell_counts_to_99_and_then_says_99_plus(client, people):
    # given: the office's bell with 3 unread notes, then with 150 (and 5 already read)
    office = people["office"]

    def notes(n: int, **read) -> None:
        Notification.objects.bulk_create(
            Notification(recipient=office, note=f"note {i}", link="/", **read) for i in range(n)
        )

    notes(5, read_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
    notes(3)
    client.force_login(office)
    assert client.get(reverse("tasks:notification_list")).context["unread_notifications"] == 3
    # when
    notes(147)
    response = client.get(reverse("tasks:notification_list"))
    # then: the badge stops counting at 99; the list behind it has every one
    assert response.context["unread_notifications"] == "99+"
    assert '<span class="count">99+</span>' in response.content.decode()
    assert Notification.objects.filter(recipient=office, read_at=None).count() == 150
