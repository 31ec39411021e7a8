"""Deadline reminders of assignments, and the one daily sweep of every source.

Deciding is set-based: the department's policy turns the day into windows of deadlines
(``core.reminders.windows``), and a few INSERT … SELECT statements per department make the
reminders of the open assignments in them, then the notifications and digests, in the database:
the number of queries does not grow with the work. Every decision is a Reminder row unique on
(assignment, rule, date); people's notifications and their one digest a day are rows with unique
keys too, so running the sweep twice, or a job twice, sends nothing twice. The registers'
request deadlines are another source of the same sweep and the same digests.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    DateField,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from core.holidays import calendar_for
from core.models import Digest
from core.outbox import Outcome
from core.queue import queue_on_commit
from core.reminders import Section, Window, deliver, policy_of, sources, windows
from core.sql import insert_select
from org.models import Department, Unit, User
from plans.models import Plan

from .models import Assignment, Notification, Reminder, Task


class AssignmentReminders:
    """The deadlines of open assignments, as a source of the daily digests."""

    def decide(self, department_id: int, day: datetime.date, rules: list[Window]) -> None:
        decide(department_id, day, rules)

    def notify(self, day: datetime.date) -> int:
        daily = Reminder.objects.filter(date=day).exclude(rule=Reminder.Rule.MANUAL)
        notify(daily, day=day)
        return daily.count()

    def section(self, digest: Digest) -> Section | None:
        items = digest_items(digest)
        return Section(items, "tasks/email/digest.txt", "tasks/email/digest.md") if items else None


SOURCE = AssignmentReminders()


def _recurring_occurrences(kind: str, low: datetime.date, high: datetime.date):
    """Period ends of a recurrence falling in [low, high)."""
    months = {
        "monthly": range(1, 13),
        "quarterly": (3, 6, 9, 12),
        "half-yearly": (6, 12),
        "yearly": (12,),
    }[kind]
    for year in {low.year, high.year}:
        for month in months:
            end = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
            if low <= end < high:
                yield end


def _open_assignments(department_id: int) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        task__plan__department=department_id,
        task__plan__status=Plan.Status.ISSUED,
        task__closed_reason="",
    ).exclude(status__in=[Assignment.Status.COMPLETED, Assignment.Status.SUBMITTED])


def _by_window(rules: list[Window], value, output_field) -> Case:
    """``value(window)`` of the window the task's deadline falls in."""
    return Case(
        *[
            When(task__due_date__gte=w.low, task__due_date__lt=w.high, then=Value(value(w)))
            for w in rules
        ],
        output_field=output_field,
    )


def decide(department_id: int, day: datetime.date, rules: list[Window]) -> None:
    """Create the day's reminders for the department (those already there stay as they are),
    in a few INSERT … SELECT statements whatever the number of assignments."""
    open_work = _open_assignments(department_id)
    dated = open_work.exclude(task__deadline_kind=Task.DeadlineKind.RECURRING)
    scheduled = [w for w in rules if w.rule != Reminder.Rule.ESCALATE]
    escalation = [w for w in rules if w.rule == Reminder.Rule.ESCALATE]
    for group in (scheduled, escalation):
        in_a_window = Q()
        for w in group:
            in_a_window |= Q(task__due_date__gte=w.low, task__due_date__lt=w.high)
        insert_select(
            Reminder,
            dated.filter(in_a_window),
            assignment=F("pk"),
            rule=_by_window(group, lambda w: w.rule, CharField()),
            days=_by_window(group, lambda w: w.days, IntegerField()),
            deadline=F("task__due_date"),
            date=day,
        )
    # Recurring work is reminded before each period end; its status covers the whole year,
    # so a past period cannot be "overdue". A window is shorter than a month: each kind of
    # recurrence ends a period in it once at most.
    for w in rules:
        if w.rule not in (Reminder.Rule.BEFORE, Reminder.Rule.DUE):
            continue
        ends = {
            kind: end
            for kind in Task.Recurrence.values
            for end in _recurring_occurrences(kind, w.low, w.high)
        }
        if not ends:
            continue
        running = Q()
        for kind, end in ends.items():
            running |= Q(task__recurrence=kind, task__due_date__gte=end)
        insert_select(
            Reminder,
            open_work.filter(running),
            assignment=F("pk"),
            rule=w.rule,
            days=w.days,
            deadline=Case(
                *[When(task__recurrence=kind, then=Value(end)) for kind, end in ends.items()],
                output_field=DateField(),
            ),
            date=day,
        )


def _told(escalated: bool) -> FilteredRelation:
    """Who is told of a reminder: its unit's people; of an escalation, over the unit's head,
    the office and the plan's leader (or every leader of the department if the plan names
    none)."""
    if not escalated:
        people = "assignment__unit__people"
        roles = [User.Role.UNIT_HEAD, User.Role.UNIT_STAFF, User.Role.OFFICE]
        return FilteredRelation(
            people, condition=Q(**{f"{people}__is_active": True, f"{people}__role__in": roles})
        )
    people = "assignment__task__plan__department__people"
    return FilteredRelation(
        people,
        condition=Q(**{f"{people}__is_active": True})
        & (
            Q(**{f"{people}__role": User.Role.OFFICE})
            | Q(**{f"{people}__role": User.Role.LEADER}, assignment__task__plan__leader=None)
            | Q(**{f"{people}__id": F("assignment__task__plan__leader")})
        ),
    )


@transaction.atomic
def notify(reminders: QuerySet[Reminder], *, day: datetime.date, batch: str = "daily") -> list[int]:
    """Notifications for everyone told, and their digests; returns the digests to deliver."""
    escalated = Q(rule=Reminder.Rule.ESCALATE)
    for escalation in (False, True):
        chosen = reminders.filter(escalated if escalation else ~escalated)
        insert_select(
            Notification,
            chosen.annotate(told=_told(escalation)).filter(told__isnull=False),
            recipient=F("told"),
            reminder=F("pk"),
        )
    told = Notification.objects.filter(reminder__in=reminders).values("recipient")
    emailed = User.objects.filter(pk__in=told, email_reminders=True).exclude(email="")
    # A unit's robot posts what the unit is told; an escalation goes over its head.
    told_units = reminders.exclude(escalated).values("assignment__unit")
    robots = Unit.objects.filter(pk__in=told_units).exclude(webhook_url="")
    for channel, people_or_units, field in (
        (Digest.Channel.EMAIL, emailed, "recipient"),
        (Digest.Channel.WEBHOOK, robots, "unit"),
    ):
        insert_select(
            Digest, people_or_units, channel=channel, date=day, batch=batch, **{field: F("pk")}
        )
    return list(
        Digest.objects.filter(date=day, batch=batch, status=Digest.Status.PENDING)
        .filter(Q(recipient__in=emailed) | Q(unit__in=robots))
        .values_list("pk", flat=True)
    )


@dataclass
class SweepResult:
    date: datetime.date
    decided: int = 0
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    digests: tuple[int, ...] = ()


def sweep(day: datetime.date, *, deliver_now: bool = False, dry_run: bool = False) -> SweepResult:
    """Decide every department's reminders for ``day`` and queue (or send) the digests.

    The digests are every one of the day still pending, whatever its batch: a job lost with
    the broker's queue (a restart of Redis without persistence) is queued again by the next
    sweep of the day.
    """
    result = SweepResult(day)
    calendar_for(day.year).is_workday(day)  # a year whose national days are unknown: refused
    with transaction.atomic():
        for department in Department.objects.order_by("pk").values_list("pk", flat=True):
            calendar = calendar_for(day.year, department=department)
            if not calendar.is_workday(day):  # the department's own holidays count
                continue
            rules = windows(policy_of(department), day, calendar)
            for source in sources():
                source.decide(department, day, rules)
        result.decided = sum(source.notify(day) for source in sources())
        if dry_run:
            transaction.set_rollback(True)
            return result
    of_the_day = Digest.objects.filter(date=day)
    result.already_sent = of_the_day.filter(status=Digest.Status.SENT).count()
    result.digests = tuple(
        of_the_day.filter(status=Digest.Status.PENDING).order_by("pk").values_list("pk", flat=True)
    )
    if deliver_now:
        for pk in result.digests:
            outcome = deliver(pk)
            result.sent += outcome is Outcome.SENT
            result.failed += outcome is Outcome.FAILED
    return result


def remind_by_hand(assignment: Assignment, *, note: str, by: User) -> Reminder | None:
    """The office's 催办: at most one a day per assignment, so a double press sends one."""
    today = timezone.localdate()
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            assignment=assignment,
            rule=Reminder.Rule.MANUAL,
            date=today,
            defaults={
                "note": note.strip()[:300],
                "created_by": by,
                "deadline": assignment.task.due_date,
            },
        )
        if not created:
            return None
        manual = Reminder.objects.filter(pk=reminder.pk)
        for pk in notify(manual, day=today, batch=f"manual-{reminder.pk}"):
            # Redis down: the 催办 is saved all the same, pending; a sweep of its day queues it.
            queue_on_commit("core.jobs.deliver_digest", pk)
    return reminder


def digest_items(digest: Digest) -> list[Reminder]:
    """What a digest tells: the reminders of its day (or its manual reminder); nothing in an
    e-mail of its own for something else (an event's, ``tasks.activity``; a late report's)."""
    reminders = Reminder.objects.filter(date=digest.date).select_related(
        "assignment__unit", "assignment__task__plan"
    )
    if digest.batch.startswith("manual-"):
        reminders = reminders.filter(pk=int(digest.batch.removeprefix("manual-")))
    elif digest.batch == "daily":
        reminders = reminders.exclude(rule=Reminder.Rule.MANUAL)
    else:
        return []  # an event's own e-mail, or another app's (a late report's reminder)
    if digest.recipient_id:
        reminders = reminders.filter(notifications__recipient=digest.recipient_id)
    else:
        reminders = reminders.filter(assignment__unit=digest.unit_id).exclude(
            rule=Reminder.Rule.ESCALATE
        )
    return list(reminders.order_by("rule", "deadline"))


def mark_read(person: User) -> int:
    """Everything in the person's bell is read as of now; how many notifications were unread."""
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    return unread.update(read_at=timezone.now())
