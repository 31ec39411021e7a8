"""Deadline reminders: decide who is reminded of what on a working day, and deliver digests.

Deciding is set-based: the department's policy turns the day into windows of deadlines
(5 and 1 working days ahead, today, 1/4/7… working days overdue, escalation at 5), and one
query per department finds the open assignments in them. Every decision is a Reminder row
unique on (assignment, rule, date); people's notifications and their one digest a day are
rows with unique keys too, so running the sweep twice, or a job twice, sends nothing twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from org.models import Department, Unit, User
from plans.models import Plan

from . import channels, jobs
from .holidays import calendar_for
from .models import Assignment, Digest, Notification, Reminder, ReminderPolicy, Task
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


def _open_assignments(department: Department):
    return Assignment.objects.filter(
        task__plan__department=department,
        task__plan__status=Plan.Status.ISSUED,
        task__closed_reason="",
    ).exclude(status__in=[Assignment.Status.COMPLETED, Assignment.Status.SUBMITTED])


def decide(department: Department, day: datetime.date, calendar: Calendar) -> list[Reminder]:
    """Create the day's reminders for the department (those already there stay as they are)."""
    policy = policy_of(department)
    rules = windows(policy, day, calendar)
    dated = Q()
    for w in rules:
        dated |= Q(task__due_date__gte=w.low, task__due_date__lt=w.high)
    # Recurring work is reminded before each period end; its status covers the whole year,
    # so a past period cannot be "overdue".
    ahead = [w for w in rules if w.rule in (Reminder.Rule.BEFORE, Reminder.Rule.DUE)]
    recurring = Q()
    for kind in Task.Recurrence.values:
        for w in ahead:
            for end in _recurring_occurrences(kind, w.low, w.high):
                recurring |= Q(task__recurrence=kind, task__due_date__gte=end)
    base = _open_assignments(department)
    found = base.filter(dated & ~Q(task__deadline_kind=Task.DeadlineKind.RECURRING)).values_list(
        "pk", "task__due_date"
    )
    rows = []
    for pk, due in found:
        rows += [
            Reminder(assignment_id=pk, rule=w.rule, date=day, days=w.days, deadline=due)
            for w in rules
            if w.low <= due < w.high
        ]
    if recurring:
        for pk, kind in base.filter(recurring).values_list("pk", "task__recurrence"):
            for w in ahead:
                for end in _recurring_occurrences(kind, w.low, w.high):
                    rows.append(
                        Reminder(assignment_id=pk, rule=w.rule, date=day, days=w.days, deadline=end)
                    )
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        Reminder.objects.filter(date=day, assignment__task__plan__department=department)
        .exclude(rule=Reminder.Rule.MANUAL)
        .select_related("assignment__task__plan")
    )


def recipients(reminders: list[Reminder]) -> dict[int, set[int]]:
    """Reminder id → ids of the people told: the unit's people, and for an escalation the
    office and the plan's leader (or every leader of the department)."""
    units = {r.assignment.unit_id for r in reminders}
    departments = {r.assignment.task.plan.department_id for r in reminders}
    people = (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                unit__in=units,
                role__in=[User.Role.UNIT_HEAD, User.Role.UNIT_STAFF, User.Role.OFFICE],
            )
            | Q(department__in=departments, role__in=[User.Role.OFFICE, User.Role.LEADER])
        )
        .values_list("pk", "unit_id", "department_id", "role")
    )
    by_unit, office, leaders = defaultdict(set), defaultdict(set), defaultdict(set)
    for pk, unit_id, department_id, role in people:
        if unit_id in units and role != User.Role.LEADER:
            by_unit[unit_id].add(pk)
        if role == User.Role.OFFICE:
            office[department_id].add(pk)
        if role == User.Role.LEADER:
            leaders[department_id].add(pk)
    told = {}
    for r in reminders:
        plan = r.assignment.task.plan
        if r.rule == Reminder.Rule.ESCALATE:
            leader = {plan.leader_id} if plan.leader_id else leaders[plan.department_id]
            told[r.pk] = office[plan.department_id] | leader
        else:
            told[r.pk] = set(by_unit[r.assignment.unit_id])
    return told


@transaction.atomic
def notify(reminders: list[Reminder], *, day: datetime.date, batch: str = "daily") -> list[int]:
    """Notifications for everyone told, and their digests; returns the digests to deliver."""
    told = recipients(reminders)
    Notification.objects.bulk_create(
        [Notification(recipient_id=u, reminder_id=r) for r, users in told.items() for u in users],
        ignore_conflicts=True,
    )
    people = {u for users in told.values() for u in users}
    emailed = User.objects.filter(pk__in=people, email_reminders=True).exclude(email="")
    # A unit's robot posts what the unit is told; an escalation goes over its head.
    told_units = {r.assignment.unit_id for r in reminders if r.rule != Reminder.Rule.ESCALATE}
    units = Unit.objects.filter(pk__in=told_units).exclude(webhook_url="")
    Digest.objects.bulk_create(
        [Digest(channel=Digest.Channel.EMAIL, date=day, batch=batch, recipient=u) for u in emailed]
        + [Digest(channel=Digest.Channel.WEBHOOK, date=day, batch=batch, unit=u) for u in units],
        ignore_conflicts=True,
    )
    return list(
        Digest.objects.filter(date=day, batch=batch, status=Digest.Status.PENDING)
        .filter(Q(recipient__in=emailed) | Q(unit__in=units))
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
    """Decide every department's reminders for ``day`` and queue (or send) the digests."""
    result = SweepResult(day)
    calendar = calendar_for(day.year)
    if not calendar.is_workday(day):
        return result
    with transaction.atomic():
        digests: list[int] = []
        for department in Department.objects.all():
            reminders = decide(department, day, calendar)
            result.decided += len(reminders)
            digests += notify(reminders, day=day)
        if dry_run:
            transaction.set_rollback(True)
            return result
    result.already_sent = Digest.objects.filter(date=day, status=Digest.Status.SENT).count()
    result.digests = tuple(digests)
    if deliver_now:
        for pk in digests:
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
        for pk in notify([reminder], day=today, batch=f"manual-{reminder.pk}"):
            jobs.deliver_digest.delay_on_commit(pk)
    return reminder


def deliver(digest_id: int) -> str:
    """Send one digest; "sent", "already_sent", "retry" or "failed".

    The digest row stays locked while the message goes out, so two workers holding the same
    job cannot both send it; a failure is recorded, and retried until MAX_ATTEMPTS.
    """
    with transaction.atomic():
        digest = (
            # Lock the digest only: PostgreSQL refuses FOR UPDATE on the outer-joined
            # recipient/unit.
            Digest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=digest_id, status=Digest.Status.PENDING)
            .select_related("recipient", "unit")
            .first()
        )
        if digest is None:
            return "already_sent"
        items = digest_items(digest)
        try:
            if items:
                channels.for_digest(digest).send(digest, items)
        except channels.DeliveryError as error:
            digest.attempts += 1
            digest.last_error = str(error)[:500]
            digest.status = (
                Digest.Status.FAILED if digest.attempts >= MAX_ATTEMPTS else Digest.Status.PENDING
            )
            digest.save(update_fields=["attempts", "last_error", "status"])
            return "failed" if digest.status == Digest.Status.FAILED else "retry"
        digest.status, digest.sent_at = Digest.Status.SENT, timezone.now()
        digest.attempts += 1
        digest.save(update_fields=["status", "sent_at", "attempts"])
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
