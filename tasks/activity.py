"""What happened to tasks and assignments, told to the people concerned.

A submission tells the office's reviewers; a return or a sign-off, the unit's people; a comment,
everyone who follows the assignment (or task), and an @mention its addressee; a unit put on or
taken off a task, or a deadline moved, the units concerned; a superior's edit of a task placed
in a department's plan, that department's office. Each is an ``Event`` and a
``Notification`` per person (the bell), once: unique per (person, event). Each person chooses
per kind how to hear of it by e-mail: at once, in the next daily digest, or not at all. E-mails
go through the reminders' outbox (``core.reminders``): an immediate one is a digest of its own
(batch ``event-<notification>``), the others join the person's daily digest, and a unit's group
robot posts what happens to the unit's own work.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.channels import Section
from core.holidays import calendar_for
from core.models import Digest
from core.queue import queue_on_commit
from core.sql import insert_select
from org.models import Unit, User
from plans.models import Plan

from . import permissions, webhooks
from .models import Assignment, Comment, Event, Kind, Notification, NotificationChoice, Task

Delivery = Notification.Delivery

# How people hear of what happens until they choose: what waits on them at once, the rest in
# the daily digest.
DEFAULTS: dict[str, str] = {
    Kind.SUBMITTED: Delivery.NOW,
    Kind.RETURNED: Delivery.NOW,
    Kind.SIGNED_OFF: Delivery.DAILY,
    Kind.COMMENT: Delivery.DAILY,
    Kind.MENTION: Delivery.NOW,
    Kind.REASSIGNED: Delivery.DAILY,
    Kind.DEADLINE: Delivery.DAILY,
    Kind.UPSTREAM: Delivery.NOW,
}
# What happens to a unit's own work, which its group robot posts.
UNIT_KINDS = {Kind.RETURNED, Kind.SIGNED_OFF, Kind.REASSIGNED, Kind.DEADLINE}
UNIT_ROLES = (User.Role.UNIT_HEAD, User.Role.UNIT_STAFF)
MENTION = re.compile(r"@([^\s@,.;:!?，。；：！？、（）()「」“”]+)")


# --- Choices ------------------------------------------------------------------------------------


def choices_of(user: User) -> dict[str, str]:
    """The person's choice for every kind of event."""
    chosen = dict(user.notification_choices.values_list("kind", "delivery"))
    return {kind: chosen.get(kind, default) for kind, default in DEFAULTS.items()}


@transaction.atomic
def save_choices(user: User, choices: dict[str, str]) -> None:
    unknown = set(choices) - set(DEFAULTS) or {
        d for d in choices.values() if d not in Delivery.values
    }
    if unknown:
        raise ValidationError(_("Unknown choice: {what}.").format(what=", ".join(sorted(unknown))))
    for kind, delivery in choices.items():
        NotificationChoice.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )


# --- Telling ------------------------------------------------------------------------------------


def _is_live(task: Task) -> bool:
    """Only an issued plan's work is told: a draft is the office's own business."""
    return task.plan.status == Plan.Status.ISSUED


def _office(task: Task) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, role=User.Role.OFFICE, department=task.plan.department_id
    )


def _unit_people(units: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=UNIT_ROLES, unit__in=list(units))


def tell(event: Event, people: Iterable[User], kind: str | None = None) -> list[Notification]:
    """Notify ``people`` of ``event`` (not its actor, nor who chose "not at all"), and queue
    the e-mails of those who want them at once."""
    kind = kind or event.kind
    told = {p.pk: p for p in people if p.pk != event.actor_id and p.is_active}
    chosen: dict[int, str] = dict(
        NotificationChoice.objects.filter(user__in=list(told), kind=kind).values_list(
            "user", "delivery"
        )
    )
    notifications = [
        Notification(recipient=person, event=event, kind=kind, delivery=delivery)
        for pk, person in told.items()
        if (delivery := chosen.get(pk, DEFAULTS[kind])) != Delivery.NEVER
    ]
    Notification.objects.bulk_create(notifications)
    today = timezone.localdate()
    for notification in notifications:
        if notification.delivery == Delivery.NOW and notification.recipient.email:
            digest = Digest.objects.create(
                channel=Digest.Channel.EMAIL,
                date=today,
                batch=f"event-{notification.pk}",
                recipient=notification.recipient,
            )
            notification.digest = digest
            notification.save(update_fields=["digest"])
            queue_on_commit("core.jobs.deliver_digest", digest.pk)
    return notifications


def post_note(people: Iterable[User], *, note: str, link: str = "") -> list[Notification]:
    """A notice in the bell of each active one of ``people`` from an app above tasks (a
    superior's reminder of a late report), which e-mails it itself: the bell only, unread."""
    return post_notes((person, note, link) for person in people)


def post_notes(notes: Iterable[tuple[User, str, str]]) -> list[Notification]:
    """``post_note`` of many notices at once, each (person, note, link): one query."""
    return Notification.objects.bulk_create(
        Notification(recipient=person, kind=Kind.REMINDER, note=note[:300], link=link)
        for person, note, link in notes
        if person.is_active
    )


def _happened(kind: str, task: Task, *, by: User | None, units=(), **fields) -> Event:
    """The event, its message to the group robots of the units whose work it concerns, and
    to the department's webhooks that want it."""
    event = Event.objects.create(kind=kind, task=task, actor=by, **fields)
    webhooks.happened(event)
    if kind in UNIT_KINDS:
        units = Unit.objects.filter(pk__in=[*units, event.unit_id]).exclude(webhook_url="")
        for unit in units:
            digest = Digest.objects.create(
                channel=Digest.Channel.WEBHOOK,
                date=timezone.localdate(),
                batch=f"event-{event.pk}",
                unit=unit,
            )
            queue_on_commit("core.jobs.deliver_digest", digest.pk)
    return event


def submitted(assignment: Assignment, *, by: User) -> None:
    task = assignment.task
    event = _happened(Kind.SUBMITTED, task, assignment=assignment, unit=assignment.unit, by=by)
    tell(event, _office(task))


def reviewed(assignment: Assignment, *, accepted: bool, comment: str, by: User) -> None:
    kind = Kind.SIGNED_OFF if accepted else Kind.RETURNED
    event = _happened(
        kind,
        assignment.task,
        assignment=assignment,
        unit=assignment.unit,
        note=comment.strip()[:300],
        by=by,
    )
    tell(event, _unit_people([assignment.unit_id]))


def reassigned(task: Task, *, added: Iterable[Assignment], removed: Iterable[Unit], by) -> None:
    """Units put on the task hear of their new work; units taken off it, that it is gone."""
    if not _is_live(task):
        return
    for assignment in added:
        event = _happened(Kind.REASSIGNED, task, assignment=assignment, unit=assignment.unit, by=by)
        tell(event, _unit_people([assignment.unit_id]))
    for unit in removed:
        event = _happened(Kind.REASSIGNED, task, unit=unit, removed=True, by=by)
        tell(event, _unit_people([unit.pk]))


def deadline_changed(task: Task, old: datetime.date, *, by: User | None) -> None:
    if not _is_live(task) or old == task.due_date:
        return
    units = list(task.assignments.values_list("unit", flat=True))
    event = _happened(Kind.DEADLINE, task, old_date=old, new_date=task.due_date, units=units, by=by)
    tell(event, _unit_people(units))


def upstream_changed(
    task: Task, *, note: str, old: datetime.date, new: datetime.date, by: User | None
) -> None:
    """The superior changed the task this one places (``tasks.upstream``): the department's
    office staff hear of it, whatever the state of their own plan."""
    event = _happened(Kind.UPSTREAM, task, note=note[:300], old_date=old, new_date=new, by=by)
    tell(event, _office(task))


# --- Comments -----------------------------------------------------------------------------------


def _followers(target: Task | Assignment) -> QuerySet[User]:
    """Who hears of a comment: the office, and the people of the unit (of every unit, on a
    task)."""
    task = target.task if isinstance(target, Assignment) else target
    units = (
        [target.unit_id]
        if isinstance(target, Assignment)
        else task.assignments.values_list("unit", flat=True)
    )
    return _office(task) | _unit_people(units) if _is_live(task) else _office(task)


def mentioned(text: str, target: Task | Assignment) -> list[User]:
    """The people @named in ``text``, by full name or login, among those who can see the
    target; ValidationError naming whoever is not one of them."""
    names = list(dict.fromkeys(MENTION.findall(text)))
    if not names:
        return []
    people = permissions.people_who_see(target)
    found: dict[str, User] = {}
    for person in people.filter(Q(full_name__in=names) | Q(username__in=names)):
        found.setdefault(person.full_name, person)
        found.setdefault(person.username, person)
    missing = [n for n in names if n not in found]
    if missing:
        raise ValidationError(
            _("Nobody called {names} can see this; mention someone from the list.").format(
                names="、".join(f"@{n}" for n in missing)
            ),
            code="mention",
        )
    return list({found[n].pk: found[n] for n in names}.values())


@transaction.atomic
def comment(target: Task | Assignment, text: str, *, by: User) -> Comment:
    """A comment in the thread of an assignment or a task, and its notifications."""
    if not permissions.can(by, permissions.COMMENT, target):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a comment first."), code="empty")
    if len(text) > 2000:
        raise ValidationError(_("A comment is at most 2,000 characters."), code="long")
    addressed = mentioned(text, target)
    task = target.task if isinstance(target, Assignment) else target
    assignment = target if isinstance(target, Assignment) else None
    remark = Comment.objects.create(task=task, assignment=assignment, author=by, text=text)
    remark.mentions.set(addressed)
    event = _happened(
        Kind.COMMENT,
        task,
        assignment=assignment,
        unit=assignment.unit if assignment else None,
        comment=remark,
        note=text[:300],
        by=by,
    )
    tell(event, addressed, Kind.MENTION)
    told = {p.pk for p in addressed}
    tell(event, [p for p in _followers(target).distinct() if p.pk not in told])
    return remark


def thread(target: Task | Assignment) -> QuerySet[Comment]:
    comments = Comment.objects.select_related("author")
    if isinstance(target, Assignment):
        return comments.filter(assignment=target)
    return comments.filter(task=target, assignment=None)


# --- Digests ------------------------------------------------------------------------------------


class EventNotifications:
    """Events as a source of the reminders' digests (``core.reminders``): an immediate one's
    own e-mail, the rest in the next daily digest, and a unit's robot message."""

    def decide(self, department_id: int, day: datetime.date, rules) -> None:
        pass  # events are told when they happen, not decided by the day

    def notify(self, day: datetime.date) -> int:
        """Put the people's waiting events into the day's daily digests (one a day each, on
        working days; not into one already sent)."""
        if not calendar_for(day.year).is_workday(day):
            return 0
        waiting = Notification.objects.filter(
            event__isnull=False, delivery=Delivery.DAILY, digest__isnull=True
        ).exclude(recipient__email="")
        insert_select(
            Digest,
            User.objects.filter(pk__in=waiting.values("recipient")),
            channel=Digest.Channel.EMAIL,
            date=day,
            batch="daily",
            recipient=F("pk"),
        )
        daily = Digest.objects.filter(
            channel=Digest.Channel.EMAIL,
            date=day,
            batch="daily",
            status=Digest.Status.PENDING,
            recipient=OuterRef("recipient"),
        )
        return waiting.update(digest=Subquery(daily.values("pk")[:1]))

    def section(self, digest: Digest) -> Section | None:
        if digest.recipient_id:
            items: list = list(
                Notification.objects.filter(digest=digest, event__isnull=False)
                .select_related("event__task", "event__assignment", "event__unit", "event__actor")
                .order_by("created_at", "pk")
            )
            events = [n.event for n in items]
        elif digest.batch.startswith("event-"):
            events = list(
                Event.objects.filter(pk=int(digest.batch.removeprefix("event-"))).select_related(
                    "task", "assignment", "unit", "actor"
                )
            )
        else:
            return None
        if not events:
            return None
        subject = "tasks/email/event_subject.txt" if digest.batch != "daily" else ""
        return Section(events, "tasks/email/events.txt", "tasks/email/events.md", subject)


SOURCE = EventNotifications()
