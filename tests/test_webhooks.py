"""The offices' webhooks against a real HTTP server on 127.0.0.1: each event of the department is
POSTed once per hook, signed with the hook's secret, retried on failure until ``MAX_ATTEMPTS``,
and logged on the hook's page; an address off OUTGOING_WEBHOOK_HOSTS is refused when registered.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from core import webhooks
from core.models import Webhook, WebhookDelivery
from core.outbox import MAX_ATTEMPTS
from org.models import User
from reporting import services as reporting
from tasks import reminders
from tasks.models import Assignment
from tasks.services import Report, record_progress, review_assignment
from tests.factories import UserFactory, make_task

E = Webhook.Event
ALL = list(E.values)
SITE = "https://gk.example.gov.cn"


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Another system's endpoint: keeps every POST as received, answers ``status``."""

    url: str = ""
    status: int = 200
    location: str = ""
    posts: list[Post] = field(default_factory=list)

    def verified(self, secret: str) -> list[dict]:
        """The bodies whose signature the receiver checks with the secret, as it should."""
        checked = []
        for post in self.posts:
            expected = "sha256=" + hmac.new(secret.encode(), post.body, hashlib.sha256).hexdigest()
            assert hmac.compare_digest(post.headers["X-Worktracker-Signature"], expected)
            checked.append(post.json())
        return checked


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.posts.append(Post(self.path, dict(self.headers), body))
            self.send_response(receiver.status)
            if receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/worktracker"
    settings.OUTGOING_WEBHOOK_HOSTS = ["127.0.0.1", "platform.example.gov.cn"]
    settings.SITE_URL = SITE
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def hook(world, office_staff, receiver) -> Webhook:
    return webhooks.create_hook(
        world.department.pk, name="省平台", url=receiver.url, events=ALL, by=office_staff
    )


def deliver_all() -> list[str]:
    pending = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).order_by("pk")
    return [webhooks.deliver(pk) for pk in pending.values_list("pk", flat=True)]


def submit(assignment: Assignment, by: User) -> None:
    record_progress(assignment, Report(text="已公开。"), submit=True, by=by)


# --- Events ---------------------------------------------------------------------------------------


def test_a_submission_is_posted_as_signed_json_the_receiver_verifies(
    world, hook, receiver, unit_head
):
    # given
    assignment = world.own_assignment
    # when
    submit(assignment, unit_head)
    outcomes = deliver_all()
    # then
    assert outcomes == ["sent"]
    [post] = receiver.posts
    [payload] = receiver.verified(hook.secret)
    delivery = WebhookDelivery.objects.get()
    assert post.path == "/hooks/worktracker"
    assert post.headers["Content-Type"] == "application/json; charset=utf-8"
    assert post.headers["X-Worktracker-Event"] == "assignment.submitted"
    assert post.headers["X-Worktracker-Delivery"] == str(delivery.uuid) == payload["id"]
    assert payload["event"] == "assignment.submitted"
    assert payload["department"] == world.department.pk
    data = payload["data"]
    assert data["assignment"]["id"] == assignment.pk
    assert data["assignment"]["status"] == "submitted"
    assert data["assignment"]["unit"]["name"] == "社会事业管理办公室"
    assert data["assignment"]["url"] == f"{SITE}{assignment.get_absolute_url()}"
    assert data["task"]["id"] == assignment.task_id
    assert data["actor"] == "head"  # the login, as the person has no full name
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("sent", 1, 200)
    assert delivery.sent_at is not None


def test_a_wrong_secret_does_not_verify(world, hook, receiver, unit_head):
    submit(world.own_assignment, unit_head)
    deliver_all()

    with pytest.raises(AssertionError):
        receiver.verified("not-the-secret")


def test_submitted_returned_and_signed_off_each_post_one_delivery(
    world, hook, receiver, unit_head, office_staff
):
    # given
    assignment = world.own_assignment
    # when: submitted, returned, submitted again, signed off
    submit(assignment, unit_head)
    review_assignment(assignment, accept=False, comment="请补充材料", by=office_staff)
    submit(assignment, unit_head)
    review_assignment(assignment, accept=True, by=office_staff)
    deliver_all()
    # then
    events = [p["event"] for p in receiver.verified(hook.secret)]
    assert events == [E.SUBMITTED, E.RETURNED, E.SUBMITTED, E.COMPLETED]
    returned = receiver.posts[1].json()["data"]
    assert (returned["assignment"]["status"], returned["note"]) == ("returned", "请补充材料")
    assert WebhookDelivery.objects.filter(status="sent").count() == 4


def test_a_hook_hears_only_the_events_it_chose(world, office_staff, receiver, unit_head):
    # given
    webhooks.create_hook(
        world.department.pk, name="销号", url=receiver.url, events=[E.COMPLETED], by=office_staff
    )
    # when
    submit(world.own_assignment, unit_head)
    # then
    assert not WebhookDelivery.objects.exists()


def test_another_departments_events_are_not_posted(world, hook, receiver):
    # given: bureau B's office submits nothing of A's; B's own unit submits
    other_office = UserFactory(
        department=world.other_department,
        unit=world.other_assignment.unit,
        role=User.Role.OFFICE,
    )
    # when
    submit(world.other_assignment, other_office)
    # then
    assert not WebhookDelivery.objects.exists()


def test_an_overdue_assignment_is_posted_once_however_often_it_is_reminded(
    world, hook, receiver, office_staff
):
    # given: due Wednesday 2026-06-10; reminded overdue on 06-11 (1 day) and 06-16 (4 days)
    task = make_task(
        world.plan, lead=[world.own_unit], due=datetime.date(2026, 6, 10), by=office_staff
    )
    assignment = task.assignments.get()
    # when: the daily sweep runs each day, twice on the first overdue day
    for day in (11, 11, 12, 15, 16):
        reminders.sweep(datetime.date(2026, 6, day))
    deliver_all()
    # then
    overdue = [p for p in receiver.verified(hook.secret) if p["event"] == E.OVERDUE]
    mine = [p for p in overdue if p["data"]["assignment"]["id"] == assignment.pk]
    assert len(mine) == 1
    assert mine[0]["data"]["deadline"] == "2026-06-10"
    assert mine[0]["data"]["working_days_overdue"] == 1


def test_a_dry_run_of_the_sweep_posts_nothing(world, hook, receiver, office_staff):
    make_task(world.plan, lead=[world.own_unit], due=datetime.date(2026, 6, 10), by=office_staff)

    reminders.sweep(datetime.date(2026, 6, 11), dry_run=True)

    assert not WebhookDelivery.objects.exists()


def test_a_report_marked_final_is_posted_once_per_marking(world, hook, receiver, office_staff):
    # given
    draft = reporting.generate(
        reporting.create_draft(world.department, 2025, by=office_staff), by=None
    )
    # (a year without a plan: part 一 is written by hand, no placeholder may stay for 定稿)
    reporting.edit_section(draft.sections.get(number=1), text="全年工作有序开展。", by=office_staff)
    # when: marked final, reopened, marked final again
    reporting.mark_final(draft, by=office_staff)
    reporting.reopen(draft, by=office_staff)
    reporting.mark_final(draft, by=office_staff)
    deliver_all()
    # then
    posted = receiver.verified(hook.secret)
    assert [p["event"] for p in posted] == [E.REPORT_FINAL, E.REPORT_FINAL]
    report = posted[0]["data"]["report"]
    assert (report["id"], report["year"]) == (draft.pk, 2025)
    assert report["exports"]["docx"] == f"{SITE}/reporting/reports/{draft.pk}/export/docx/"


# --- Once, retried, refused ---------------------------------------------------------------------


def test_delivering_twice_sends_once(world, hook, receiver, unit_head):
    # given
    submit(world.own_assignment, unit_head)
    delivery = WebhookDelivery.objects.get()
    # when
    outcomes = [webhooks.deliver(delivery.pk), webhooks.deliver(delivery.pk)]
    # then
    assert outcomes == ["sent", "already_sent"]
    assert len(receiver.posts) == 1


def test_an_event_told_twice_is_queued_once(world, hook):
    data = {"anything": 1}

    queued = [webhooks.dispatch(world.department.pk, E.SUBMITTED, key="event-1", data=data)]
    queued.append(webhooks.dispatch(world.department.pk, E.SUBMITTED, key="event-1", data=data))

    assert queued == [1, 0]
    assert WebhookDelivery.objects.count() == 1


def test_a_500_is_retried_with_the_same_body_then_recorded_failed(world, hook, receiver, unit_head):
    # given: the receiver fails every time
    receiver.status = 500
    submit(world.own_assignment, unit_head)
    delivery = WebhookDelivery.objects.get()
    # when
    outcomes = [webhooks.deliver(delivery.pk) for _ in range(MAX_ATTEMPTS + 1)]
    # then
    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed", "already_sent"]
    assert len(receiver.posts) == MAX_ATTEMPTS
    assert len({p.body for p in receiver.posts}) == 1
    assert len({p.headers["X-Worktracker-Delivery"] for p in receiver.posts}) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        "failed",
        MAX_ATTEMPTS,
        500,
    )
    assert "HTTP 500" in delivery.last_error


def test_a_redirect_is_not_followed(world, hook, receiver, unit_head):
    # given: the receiver sends the POST on to an address off the allowed hosts
    receiver.status, receiver.location = 307, "http://169.254.169.254/latest/meta-data/"
    submit(world.own_assignment, unit_head)
    # when
    outcomes = deliver_all()
    # then
    assert outcomes == ["retry"]
    assert len(receiver.posts) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code) == ("pending", 307)


def test_a_switched_off_hook_hears_nothing_and_gives_up_what_waited(
    world, hook, receiver, unit_head, office_staff
):
    # given: a submission waits to be sent
    submit(world.own_assignment, unit_head)
    # when
    webhooks.set_active(hook, False)
    review_assignment(world.own_assignment, accept=True, by=office_staff)
    # then
    assert deliver_all() == []
    assert list(WebhookDelivery.objects.values_list("event", "status")) == [(E.SUBMITTED, "failed")]
    assert receiver.posts == []


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/hook",
        "http://platform.example.gov.cn/hook",  # allowed host, but not https
        "ftp://127.0.0.1/hook",
        "https://platform.example.gov.cn.evil.example.com/hook",
    ],
    ids=["another host", "not https", "not http", "allowed name as a prefix"],
)
def test_an_address_off_the_allowed_hosts_is_refused_with_a_clear_message(
    office_client, receiver, url
):
    # when
    response = office_client.post(
        reverse("tasks:webhook_list"), {"name": "省平台", "url": url, "events": [E.SUBMITTED]}
    )
    # then
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["url"]
    assert not Webhook.objects.exists()


def test_the_refusal_names_the_allowed_hosts(office_client, receiver):
    response = office_client.post(
        reverse("tasks:webhook_list"),
        {"name": "省平台", "url": "https://evil.example.com/", "events": [E.SUBMITTED]},
    )

    assert "127.0.0.1、platform.example.gov.cn" in response.context["form"].errors["url"][0]


def test_without_allowed_hosts_no_webhook_can_be_registered(world, office_staff, settings):
    settings.OUTGOING_WEBHOOK_HOSTS = []

    with pytest.raises(Exception, match="OUTGOING_WEBHOOK_HOSTS"):
        webhooks.create_hook(
            world.department.pk,
            name="x",
            url="https://platform.example.gov.cn/",
            events=ALL,
            by=office_staff,
        )
    assert not Webhook.objects.exists()


def test_a_hook_whose_host_was_taken_off_the_list_is_not_posted_to(
    world, hook, receiver, unit_head, settings
):
    submit(world.own_assignment, unit_head)
    settings.OUTGOING_WEBHOOK_HOSTS = ["platform.example.gov.cn"]

    assert deliver_all() == ["retry"]
    assert receiver.posts == []


# --- The office's pages ---------------------------------------------------------------------------


def test_the_office_registers_a_hook_sees_its_secret_once_and_pings_it(
    office_client, world, receiver
):
    # given: the office registers a hook
    response = office_client.post(
        reverse("tasks:webhook_list"),
        {"name": "省平台", "url": receiver.url, "events": [E.SUBMITTED, E.OVERDUE]},
        follow=True,
    )
    hook = Webhook.objects.get()
    assert (hook.department, hook.events) == (world.department, [E.SUBMITTED, E.OVERDUE])
    assert hook.secret in response.content.decode()
    # then: the secret is not shown again
    assert hook.secret not in office_client.get(hook.get_absolute_url()).content.decode()
    # when: it sends a test ping
    office_client.post(hook.get_absolute_url(), {"action": "ping"})
    assert deliver_all() == ["sent"]
    # then: the receiver checks it, and the hook's page logs it
    [ping] = receiver.verified(hook.secret)
    assert ping["event"] == "ping"
    page = office_client.get(hook.get_absolute_url())
    [delivery] = page.context["deliveries"]
    assert (delivery.event, delivery.status, delivery.response_code) == ("ping", "sent", 200)


def test_the_office_switches_a_hook_off_and_on_and_deletes_it(office_client, hook):
    url = hook.get_absolute_url()

    office_client.post(url, {"action": "disable"})
    hook.refresh_from_db()
    assert not hook.is_active
    office_client.post(url, {"action": "ping"})
    assert not hook.deliveries.exists()  # refused: switch it on first
    office_client.post(url, {"action": "enable"})
    hook.refresh_from_db()
    assert hook.is_active
    response = office_client.post(url, {"action": "delete"})
    assert response.url == reverse("tasks:webhook_list")
    assert not Webhook.objects.exists()


def test_another_departments_office_can_neither_see_nor_change_the_hooks(
    client, world, hook, receiver
):
    # given
    other_office = UserFactory(
        department=world.other_department,
        unit=world.other_assignment.unit,
        role=User.Role.OFFICE,
    )
    client.force_login(other_office)
    # when / then
    assert hook.name not in client.get(reverse("tasks:webhook_list")).content.decode()
    assert client.get(hook.get_absolute_url()).status_code == 404
    for action in ("ping", "disable", "delete"):
        assert client.post(hook.get_absolute_url(), {"action": action}).status_code == 404
    hook.refresh_from_db()
    assert hook.is_active
    assert not hook.deliveries.exists()


@pytest.mark.parametrize("role", ["leader", "head"])
def test_only_the_office_keeps_the_hooks(client, world, hook, leader, unit_head, role):
    client.force_login({"leader": leader, "head": unit_head}[role])

    assert client.get(reverse("tasks:webhook_list")).status_code == 403
    assert client.post(hook.get_absolute_url(), {"action": "delete"}).status_code == 403
    assert Webhook.objects.filter(pk=hook.pk).exists()
