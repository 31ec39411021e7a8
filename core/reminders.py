"""The reminder policy as working-day windows, and the one daily sweep's list of sources.

Every kind of deadline (an assignment's, a disclosure request's reply) is reminded by the same
policy (5 and 1 working days ahead, on the day, every 3 working days overdue, escalated after
5) and told in the same message: one digest per person per day. Each app that keeps deadlines
registers a ``Source`` (in its AppConfig.ready); the sweep asks every source to decide the
day's reminders of a department and to add its people to the day's digests, and a digest's
message is the sections its sources give it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from . import channels
from .channels import Section
from .models import Digest, ReminderPolicy
from .outbox import Outcome, deliver_once
from .workdays import Calendar

OVERDUE_HORIZON = 260  # working days: about a year; older overdue work is on the dashboard


class Rule:
    """The names of the windows, as every source's reminders store them."""

    BEFORE = "before"
    DUE = "due"
    OVERDUE = "overdue"
    ESCALATE = "escalate"


@dataclass
class Window:
    rule: str
    days: int
    low: datetime.date
    high: datetime.date  # exclusive


def policy_of(department_id: int) -> ReminderPolicy:
    """The department's policy; the default one, not saved, until its office changes it (so
    reading it, on a page or in the sweep, writes nothing)."""
    policy = ReminderPolicy.objects.filter(department_id=department_id).first()
    return policy or ReminderPolicy(department_id=department_id)


def windows(policy: ReminderPolicy, day: datetime.date, calendar: Calendar) -> list[Window]:
    """The deadlines reminded on ``day``: the before, due and overdue windows do not overlap,
    so a deadline falls in one of them at most; an escalation is a window of its own."""
    rules = [Window(Rule.BEFORE, n, *calendar.window(day, n)) for n in policy.before() if n > 0]
    if policy.on_the_day:
        rules.append(Window(Rule.DUE, 0, *calendar.window(day, 0)))
    every = policy.overdue_every
    rules += [
        Window(Rule.OVERDUE, m, *calendar.overdue_window(day, m))
        for m in range(1, OVERDUE_HORIZON, every)
    ]
    escalate = policy.escalate_after
    rules.append(Window(Rule.ESCALATE, escalate, *calendar.overdue_window(day, escalate)))
    return rules


class Source(Protocol):
    def decide(self, department_id: int, day: datetime.date, rules: list[Window]) -> None:
        """Record the department's reminders of ``day``, once (unique rows)."""
        ...

    def notify(self, day: datetime.date) -> int:
        """Add the people (and units) told of the day's reminders to the day's digests; how
        many reminders the day has."""
        ...

    def section(self, digest: Digest) -> Section | None:
        """What the digest tells of this source's reminders; None when nothing."""
        ...


_sources: list[Source] = []


def register(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def sources() -> Iterator[Source]:
    return iter(_sources)


def deliver(digest_id: int) -> Outcome:
    """Send one digest by its channel, once (``core.outbox``): the sections of every source."""

    def send(digest: Digest) -> None:
        sections = [s for source in sources() if (s := source.section(digest)) is not None]
        if sections:
            channels.for_digest(digest).send(digest, sections)

    # Lock the digest only: PostgreSQL refuses FOR UPDATE on the outer-joined recipient/unit.
    return deliver_once(Digest, digest_id, send, related=("recipient", "unit"))
