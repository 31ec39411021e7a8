"""Deadline reminders: decide who is reminded of what on a working day, and deliver digests.

Deciding is set-based: the department's policy turns the day into windows of deadlines
(5 and 1 working days ahead, today, 1/4/7… working days overdue, escalation at 5), and a few
INSERT … SELECT statements per department make the reminders of the open assignments in them,
then the notifications and digests, in the database: the number of queries does not grow with
the work. Every decision is a Reminder row unique on (assignment, rule, date); people's
notifications and their one digest a day are rows with unique keys too, so running the sweep
twice, or a job twice, sends nothing twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db import connection, models, transaction
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
from django.db.models.constants import OnConflict
from django.utils import timezone

from core.queue import queue_on_commit
from org.models import Department, Unit, User
from plans.models import Plan

from . import channels
from .holidays import calendar_for
from .models import (
    Assignment,
    Delivery,
    Digest,
    Notification,
    Reminder,
    ReminderPolicy,
    Task,
)
from .workdays import Calendar

MAX_ATTEMPTS = 5
OVERDUE_HORIZON = 260  # working days: about a year; older overdue work is on the dashboard


@dataclass
class Window:
    rule: str
    days: int
    low: datetime.date
    high: datetime.date  # exclusive


def policy_of(department: Department) -> ReminderPolicy:
    return ReminderPolicy.objects.get_or_create(department=department)[0]


def windows(policy: ReminderPolicy, day: datetime.date, calendar: Calendar) -> list[Window]:
    rules = [
        Window(Reminder.Rule.BEFORE, n, *calendar.window(day, n)) for n in policy.before() if n > 0
    ]
    if policy.on_the_day:
        rules.append(Window(Reminder.Rule.DUE, 0, *calendar.window(day, 0)))
    every = policy.overdue_every
    rules += [
        Window(Reminder.Rule.OVERDUE, m, *calendar.overdue_window(day, m))
        for m in range(1, OVERDUE_HORIZON, every)
    ]
    rules.append(
        Window(
            Reminder.Rule.ESCALATE,
            policy.escalate_after,
            *calendar.overdue_window(day, policy.escalate_after),
        )
    )
    return rules


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


def _open_assignments(department: Department) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        task__plan__department=department,
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


def decide(department: Department, day: datetime.date, calendar: Calendar) -> None:
    """Create the day's reminders for the department (those already there stay as they are),
    in a few INSERT … SELECT statements whatever the number of assignments."""
    rules = windows(policy_of(department), day, calendar)
    open_work = _open_assignments(department)
    dated = open_work.exclude(task__deadline_kind=Task.DeadlineKind.RECURRING)
    # The before, due and overdue windows do not overlap, so a deadline is in one of them at
    # most; an escalation is a reminder of its own.
    scheduled = [w for w in rules if w.rule != Reminder.Rule.ESCALATE]
    escalation = [w for w in rules if w.rule == Reminder.Rule.ESCALATE]
    for group in (scheduled, escalation):
        in_a_window = Q()
        for w in group:
            in_a_window |= Q(task__due_date__gte=w.low, task__due_date__lt=w.high)
        _insert_select(
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
        _insert_select(
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
        _insert_select(
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
        _insert_select(
            Digest, people_or_units, channel=channel, date=day, batch=batch, **{field: F("pk")}
        )
    return list(
        Digest.objects.filter(date=day, batch=batch, status=Digest.Status.PENDING)
        .filter(Q(recipient__in=emailed) | Q(unit__in=robots))
        .values_list("pk", flat=True)
    )


def _insert_select(model: type[models.Model], rows: QuerySet, **columns) -> int:
    """INSERT INTO model … SELECT … FROM rows: each of ``columns`` an expression over rows
    (``F("pk")``) or a value; the other fields take their defaults. Rows that would
    break a unique constraint are skipped, as bulk_create(ignore_conflicts=True) does, and
    none passes through Python. Returns the number of rows made."""
    now = timezone.now()
    fields, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name in columns:
            value = columns[field.name]
            if not hasattr(value, "resolve_expression"):
                value = Value(value, output_field=field)
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            value = Value(now, output_field=field)
        elif field.null and not field.has_default():
            continue
        else:
            value = Value(field.get_default(), output_field=field)  # as Model() has it
        fields.append(field)
        values.append(value)
    select, params = rows.order_by().values_list(*values).query.sql_with_params()
    ops = connection.ops
    statement = " ".join(
        [
            ops.insert_statement(on_conflict=OnConflict.IGNORE),
            ops.quote_name(model._meta.db_table),
            "(" + ", ".join(ops.quote_name(f.column) for f in fields) + ")",  # type: ignore[arg-type]
            select,
            ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None) or "",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


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
        for department in Department.objects.all():
            calendar = calendar_for(day.year, department=department.pk)
            if calendar.is_workday(day):  # the department's own holidays count
                decide(department, day, calendar)
        daily = Reminder.objects.filter(date=day).exclude(rule=Reminder.Rule.MANUAL)
        notify(daily, day=day)
        result.decided = daily.count()
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
            result.sent += outcome == "sent"
            result.failed += outcome == "failed"
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
            queue_on_commit("tasks.jobs.deliver_digest", pk)
    return reminder


def deliver(digest_id: int) -> str:
    """Send one digest by its channel; see ``deliver_once``."""

    def send(digest: Digest) -> None:
        if items := digest_items(digest):
            channels.for_digest(digest).send(digest, items)

    # Lock the digest only: PostgreSQL refuses FOR UPDATE on the outer-joined recipient/unit.
    return deliver_once(Digest, digest_id, send, related=("recipient", "unit"))


D = TypeVar("D", bound=Delivery)


def deliver_once(
    model: type[D],
    pk: int,
    send: Callable[[D], None],
    *,
    related: tuple[str, ...] = (),
) -> str:
    """Send one message: "sent", "already_sent", "retry" or "failed".

    The row stays locked while the message goes out, so two workers holding the same job cannot
    both send it; a failure (``channels.DeliveryError``) is recorded and retried until
    MAX_ATTEMPTS; a message another worker holds is tried again later.
    """
    Status = Delivery.Status
    with transaction.atomic():
        delivery = (
            model._default_manager.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, status=Status.PENDING)
            .select_related(*related)
            .first()
        )
        if delivery is None:
            # Sent, or being sent by another worker now. Then try again later: that worker may
            # die before it records the message, and when this job is its job handed back,
            # nothing else would.
            pending = model._default_manager.filter(pk=pk, status=Status.PENDING)
            return "retry" if pending.exists() else "already_sent"
        delivery.attempts += 1
        try:
            send(delivery)
        except channels.DeliveryError as error:
            delivery.last_error = str(error)[:500]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = Status.FAILED
            delivery.save(update_fields=["attempts", "last_error", "status"])
            return "failed" if delivery.status == Status.FAILED else "retry"
        delivery.status, delivery.sent_at = Status.SENT, timezone.now()
        delivery.save(update_fields=["status", "sent_at", "attempts"])
        return "sent"


def digest_items(digest: Digest) -> list[Reminder]:
    """What a digest tells: the reminders of its day (or its manual reminder)."""
    reminders = Reminder.objects.filter(date=digest.date).select_related(
        "assignment__unit", "assignment__task__plan"
    )
    if digest.batch.startswith("manual-"):
        reminders = reminders.filter(pk=int(digest.batch.removeprefix("manual-")))
    else:
        reminders = reminders.exclude(rule=Reminder.Rule.MANUAL)
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
