"""Digests delivered on real parts: an SMTP server (aiosmtpd) and a group-robot webhook (a local
HTTP server) on 127.0.0.1, and once through a real Celery worker process.

Each message goes out once however often it is delivered; a refusal is recorded and retried until
``MAX_ATTEMPTS``, then shown to the office as failed.
"""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.jobs import deliver_digest
from core.models import Digest
from core.outbox import MAX_ATTEMPTS
from org.jobs import purge_expired_sessions
from org.models import User
from tasks import reminders
from tasks.models import Assignment
from tests.factories import make_task
from tests.loopback import SMTP_BACKEND, Mailbox, free_port, wait_for, with_robot

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date
DAY = D(2026, 6, 10)
SITE = "https://gk.example.gov.cn"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def mailbox(mailbox, settings) -> Mailbox:
    settings.SITE_URL = SITE
    return mailbox


def due_today(world) -> Assignment:
    author = User.objects.filter(department=world.department, role=User.Role.OFFICE).first()
    task = make_task(world.plan, lead=[world.own_unit], due=DAY, by=author, text="公开教育收费标准")
    return task.assignments.get()


def deliver_all() -> list[str]:
    pending = Digest.objects.filter(status=Digest.Status.PENDING).order_by("pk")
    return [reminders.deliver(pk) for pk in pending.values_list("pk", flat=True)]


# --- E-mail --------------------------------------------------------------------------------------


def test_the_daily_digest_arrives_once_in_chinese_with_absolute_links(world, people, mailbox):
    # given
    assignment = due_today(world)
    # when
    result = reminders.sweep(DAY)
    outcomes = [reminders.deliver(pk) for pk in result.digests]
    # then
    assert outcomes == ["sent", "sent"]
    assert mailbox.to() == ["head@edu.example.cn", "staff@edu.example.cn"]
    message = next(m for m in mailbox.messages if m["To"] == "head@edu.example.cn")
    # (stdlib's parser keeps the space before the folded encoded words; mail clients drop it)
    subject, body = str(message["Subject"]).strip(), message.get_content()
    assert subject == "政务公开工作提醒：1项任务需要您关注"
    assert CHINESE.search(body)
    assert "公开教育收费标准" in body
    assert "今日到期" in body
    assert "完成时限：2026-06-10" in body or "完成时限: 2026-06-10" in body
    assert f"{SITE}{assignment.get_absolute_url()}" in body
    digest = Digest.objects.get(recipient=people["head"])
    assert (digest.status, digest.attempts, digest.last_error) == ("sent", 1, "")
    assert digest.sent_at is not None


def test_delivering_the_same_digest_again_sends_nothing(world, people, mailbox):
    # given
    due_today(world)
    result = reminders.sweep(DAY)
    for pk in result.digests:
        reminders.deliver(pk)
    # when
    again = [reminders.deliver(pk) for pk in result.digests]
    swept_again = reminders.sweep(DAY, deliver_now=True)
    # then
    assert again == ["already_sent", "already_sent"]
    assert (swept_again.sent, swept_again.already_sent, swept_again.digests) == (0, 2, ())
    assert len(mailbox.messages) == 2


def test_a_refusing_smtp_server_is_retried_then_the_digest_fails_and_shows_to_the_office(
    world, people, mailbox, client
):
    # given
    mailbox.refuse = "550 5.7.1 Mailbox unavailable"
    due_today(world)
    reminders.sweep(DAY)
    digest = Digest.objects.get(recipient=people["head"])
    # when: the first attempt
    first = reminders.deliver(digest.pk)
    # then: still pending, with what went wrong
    digest.refresh_from_db()
    assert first == "retry"
    assert (digest.status, digest.attempts) == ("pending", 1)
    assert "SMTPDataError" in digest.last_error
    assert "550" in digest.last_error
    # when: the remaining attempts
    later = [reminders.deliver(digest.pk) for _ in range(MAX_ATTEMPTS - 1)]
    # then
    digest.refresh_from_db()
    assert later == ["retry"] * (MAX_ATTEMPTS - 2) + ["failed"]
    assert (digest.status, digest.attempts) == ("failed", MAX_ATTEMPTS)
    assert reminders.deliver(digest.pk) == "already_sent"
    assert mailbox.messages == []
    # when: the office looks at its deliveries
    client.force_login(people["office"])
    with time_machine.travel(datetime.datetime(2026, 6, 10, 17, tzinfo=TZ), tick=False):
        response = client.get(reverse("tasks:delivery_list"))
    # then
    assert response.status_code == 200
    assert digest in response.context["digests"]
    assert "发送失败" in response.text
    assert "SMTPDataError: (550, b&#x27;5.7.1 Mailbox unavailable&#x27;)" in response.text


def test_nothing_listening_on_the_smtp_port_is_a_failed_attempt(world, people, settings):
    # given
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    due_today(world)
    reminders.sweep(DAY)
    # when
    outcomes = deliver_all()
    # then
    assert outcomes == ["retry", "retry"]
    for digest in Digest.objects.all():
        assert (digest.status, digest.attempts) == ("pending", 1)
        assert "ConnectionRefusedError" in digest.last_error


# --- Group robots --------------------------------------------------------------------------------


def test_a_units_wecom_robot_gets_one_markdown_message_a_day(world, robot):
    # given: 社管办's WeCom robot; two of its tasks need attention today
    with_robot(world.own_unit, "wecom", robot.url)
    assignment = due_today(world)
    author = User.objects.filter(department=world.department, role=User.Role.OFFICE).first()
    make_task(world.plan, lead=[world.own_unit], due=D(2026, 6, 11), by=author)
    # when: swept and delivered, twice
    reminders.sweep(DAY)
    first = deliver_all()
    reminders.sweep(DAY)
    second = deliver_all()
    # then
    assert (first, second) == (["sent"], [])
    assert len(robot.posts) == 1
    path, content_type, payload = robot.posts[0]
    assert path == "/cgi-bin/webhook/send?key=test"
    assert content_type == "application/json"
    assert payload["msgtype"] == "markdown"
    assert set(payload["markdown"]) == {"content"}
    content = payload["markdown"]["content"]
    assert content.startswith("**社管办政务公开工作提醒**\n")
    assert content.count("\n- **") == 2
    assert f"{SITE}{assignment.get_absolute_url()}" in content
    assert Digest.objects.get(unit=world.own_unit).status == "sent"


def test_a_units_dingtalk_robot_gets_a_markdown_title_and_text(world, robot):
    # given
    with_robot(world.own_unit, "dingtalk", robot.url)
    assignment = due_today(world)
    # when
    reminders.sweep(DAY)
    outcomes = deliver_all()
    # then
    assert outcomes == ["sent"]
    [(_, _, payload)] = robot.posts
    assert payload["msgtype"] == "markdown"
    assert set(payload["markdown"]) == {"title", "text"}
    assert payload["markdown"]["title"] == "社管办政务公开工作提醒"
    assert payload["markdown"]["text"].startswith("### 社管办政务公开工作提醒\n")
    assert f"{SITE}{assignment.get_absolute_url()}" in payload["markdown"]["text"]


def test_a_robot_answering_with_an_error_code_is_a_failed_attempt(world, robot):
    # given: WeCom refuses the message (e.g. the robot was removed from the group)
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    with_robot(world.own_unit, "wecom", robot.url)
    due_today(world)
    reminders.sweep(DAY)
    # when
    outcomes = deliver_all()
    # then
    digest = Digest.objects.get(unit=world.own_unit)
    assert outcomes == ["retry"]
    assert len(robot.posts) == 1
    assert (digest.status, digest.attempts) == ("pending", 1)
    assert "invalid webhook url" in digest.last_error


@pytest.mark.parametrize(
    ("kind", "url", "field"),
    [
        ("wecom", "https://robot.example.com/cgi-bin/webhook/send?key=k", "webhook_url"),
        ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "webhook_url"),
        ("dingtalk", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "webhook_url"),
        ("wecom", "http://127.0.0.1:8080/cgi-bin/webhook/send?key=k", "webhook_url"),
        ("", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "webhook_kind"),
    ],
    ids=["another host", "not https", "another robots host", "local in production", "no kind"],
)
def test_a_unit_refuses_a_webhook_address_that_is_not_its_robots(world, kind, url, field):
    # given
    unit = world.own_unit
    unit.webhook_kind, unit.webhook_url = kind, url
    # when
    with pytest.raises(ValidationError) as refused:
        unit.full_clean()
    # then
    assert set(refused.value.message_dict) == {field}


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t"),
        ("", ""),
    ],
)
def test_a_unit_accepts_its_robots_own_https_address(world, kind, url):
    unit = world.own_unit
    unit.webhook_kind, unit.webhook_url = kind, url

    unit.full_clean()


# --- Through a real worker -----------------------------------------------------------------------


@pytest.fixture
def celery_worker_env(celery_worker_env) -> dict[str, str]:
    return {**celery_worker_env, "SITE_URL": SITE}


def test_a_real_worker_sends_each_digest_once_even_when_the_job_is_queued_twice(
    world, people, mailbox, celery_worker_process
):
    # given: the day's digests decided here (the worker has its own clock)
    assignment = due_today(world)
    digests = reminders.sweep(DAY).digests
    assert len(digests) == 2
    # when: each delivery job is queued twice
    for pk in digests:
        deliver_digest.delay(pk)
        deliver_digest.delay(pk)
    wait_for(
        lambda: Digest.objects.filter(status=Digest.Status.SENT).count() == 2,
        "the worker sends the digests",
        worker=celery_worker_process,
    )
    # and a last job, which the worker (one at a time, in order) reaches after the duplicates
    expired = SessionStore()
    expired.create()
    Session.objects.filter(pk=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    purge_expired_sessions.delay()
    wait_for(
        lambda: not Session.objects.filter(pk=expired.session_key).exists(),
        "the worker runs the last job",
        worker=celery_worker_process,
    )
    # then
    assert mailbox.to() == ["head@edu.example.cn", "staff@edu.example.cn"]
    assert all(
        f"{SITE}{assignment.get_absolute_url()}" in m.get_content() for m in mailbox.messages
    )
    assert set(Digest.objects.values_list("attempts", flat=True)) == {1}


def test_the_delivery_list_keeps_to_the_last_30_days_for_robots_as_for_people(
    client, world, people
):
    # given: a unit's robot digest and a person's e-mail digest of 2020, and of this month
    today = datetime.date(2026, 6, 10)
    made = [
        Digest.objects.create(channel=channel, date=day, **{who: target})
        for day in (datetime.date(2020, 6, 1), today)
        for channel, who, target in (
            ("webhook", "unit", world.own_unit),
            ("email", "recipient", people["head"]),
        )
    ]
    client.force_login(people["office"])

    # when
    with time_machine.travel(datetime.datetime(2026, 6, 10, 17, tzinfo=TZ), tick=False):
        listed = set(client.get(reverse("tasks:delivery_list")).context["digests"])

    # then
    assert listed == {d for d in made if d.date == today}
