"""Reminders of the statutory reply deadlines (《政府信息公开条例》第三十三条) to the office.

The engine's pieces are reused: the department's reminder policy and its working-day windows
(``tasks.reminders.windows``) decide which open requests are reminded on a working day; each
decision is a RequestReminder unique on (request, rule, date), and each person's one e-mail a
day a RequestDigest unique on (recipient, date), so running the sweep or a job twice sends
nothing twice. Who is told: the department's office staff; on escalation its leaders too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from org.models import Department, User
from tasks.channels import send_email
from tasks.holidays import calendar_for
from tasks.reminders import deliver_once, policy_of, windows
from tasks.workdays import Calendar

from .models import DisclosureRequest, RequestDigest, RequestReminder

Rule = RequestReminder.Rule


def decide(department: Department, day: datetime.date, calendar: Calendar):
    """Create the day's reminders for the department's open requests; returns them all."""
    rules = windows(policy_of(department), day, calendar)
    dated = Q()
    for w in rules:
        dated |= Q(reply_due__gte=w.low, reply_due__lt=w.high)
    found = DisclosureRequest.objects.filter(
        dated, department=department, replied_on__isnull=True
    ).values_list("pk", "reply_due")
    RequestReminder.objects.bulk_create(
        [
            RequestReminder(request_id=pk, rule=w.rule, date=day, days=w.days, deadline=due)
            for pk, due in found
            for w in rules
            if due is not None and w.low <= due < w.high  # never None: filtered by it
        ],
        ignore_conflicts=True,
    )
    return list(RequestReminder.objects.filter(date=day, request__department=department))


def _told(department: Department, escalated: bool):
    roles = [User.Role.OFFICE, User.Role.LEADER] if escalated else [User.Role.OFFICE]
    return User.objects.filter(
        is_active=True, department=department, role__in=roles, email_reminders=True
    ).exclude(email="")


@transaction.atomic
def notify(department: Department, reminders: list[RequestReminder], *, day: datetime.date):
    """A digest for everyone told; returns the ids of those still to deliver."""
    if not reminders:
        return []
    people = _told(department, any(r.rule == Rule.ESCALATE for r in reminders))
    RequestDigest.objects.bulk_create(
        [RequestDigest(recipient=person, date=day) for person in people], ignore_conflicts=True
    )
    return list(
        RequestDigest.objects.filter(
            date=day, recipient__in=people, status=RequestDigest.Status.PENDING
        ).values_list("pk", flat=True)
    )


@dataclass
class SweepResult:
    date: datetime.date
    decided: int = 0
    digests: tuple[int, ...] = ()


def sweep(day: datetime.date, *, dry_run: bool = False) -> SweepResult:
    """Decide every department's request reminders for ``day`` and queue the digests."""
    result = SweepResult(day)
    calendar_for(day.year).is_workday(day)  # a year whose national days are unknown: refused
    with transaction.atomic():
        digests: list[int] = []
        for department in Department.objects.all():
            calendar = calendar_for(day.year, department=department.pk)
            if not calendar.is_workday(day):  # the department's own holidays count
                continue
            reminders = decide(department, day, calendar)
            result.decided += len(reminders)
            digests += notify(department, reminders, day=day)
        if dry_run:
            transaction.set_rollback(True)
            return result
    result.digests = tuple(digests)
    return result


def digest_items(digest: RequestDigest) -> list[RequestReminder]:
    reminders = RequestReminder.objects.filter(
        date=digest.date, request__department=digest.recipient.department_id
    ).select_related("request")
    if digest.recipient.role != User.Role.OFFICE:
        reminders = reminders.filter(rule=Rule.ESCALATE)
    return list(reminders.order_by("deadline", "request"))


def deliver(digest_id: int) -> str:
    """Send one digest once (tasks' delivery: row lock, attempts, retry, failure)."""
    return deliver_once(RequestDigest, digest_id, _send, related=("recipient",))


def _send(digest: RequestDigest) -> None:
    items = digest_items(digest)
    if not items:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Disclosure requests: {count} reply deadline(s) need attention").format(
            count=len(items)
        )
        body = render_to_string(
            "reporting/email/request_reminders.txt",
            {"digest": digest, "reminders": items, "site": settings.SITE_URL.rstrip("/")},
        )
    send_email(subject, body, to=digest.recipient.email, key=f"request-digest-{digest.pk}")
