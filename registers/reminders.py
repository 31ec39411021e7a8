"""Reminders of the statutory reply deadlines (《政府信息公开条例》第三十三条) to the office.

The registers' source for the one daily sweep (``core.reminders``): the department's reminder
policy and its working-day windows decide which open requests are reminded on a working day;
each decision is a RequestReminder unique on (request, rule, date), and the people told are
added to the day's one digest each, the same digest that tells them of their assignments.
Who is told: the department's office staff; on escalation its leaders too.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from core.models import Digest
from core.reminders import Section, Window
from org.models import User

from .models import DisclosureRequest, RequestReminder

Rule = RequestReminder.Rule


class RequestReminders:
    """The reply deadlines of the open requests, as a source of the daily digests."""

    def decide(self, department_id: int, day: datetime.date, rules: list[Window]) -> None:
        dated = Q()
        for w in rules:
            dated |= Q(reply_due__gte=w.low, reply_due__lt=w.high)
        found = DisclosureRequest.objects.filter(
            dated, department=department_id, replied_on__isnull=True
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

    def notify(self, day: datetime.date) -> int:
        of_the_day = RequestReminder.objects.filter(date=day)
        escalated = of_the_day.filter(rule=Rule.ESCALATE).values("request__department")
        told = User.objects.filter(
            Q(role=User.Role.OFFICE) | Q(role=User.Role.LEADER, department__in=escalated),
            department__in=of_the_day.values("request__department"),
            is_active=True,
            email_reminders=True,
        ).exclude(email="")
        Digest.objects.bulk_create(
            [Digest(channel=Digest.Channel.EMAIL, date=day, recipient=p) for p in told],
            ignore_conflicts=True,
        )
        return of_the_day.count()

    def section(self, digest: Digest) -> Section | None:
        if digest.batch != "daily" or digest.recipient is None:
            return None  # a 催办, or a unit's robot: not the office's registers
        items = list(self.items(digest.date, digest.recipient).order_by("deadline", "request"))
        return Section(items, "registers/email/request_reminders.txt") if items else None

    @staticmethod
    def items(day: datetime.date, person: User) -> QuerySet[RequestReminder]:
        reminders = RequestReminder.objects.filter(
            date=day, request__department=person.department_id
        ).select_related("request")
        if person.role == User.Role.OFFICE:
            return reminders
        if person.role == User.Role.LEADER:
            return reminders.filter(rule=Rule.ESCALATE)
        return reminders.none()


SOURCE = RequestReminders()
