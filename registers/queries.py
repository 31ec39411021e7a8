"""Reads of the registers: which requests are open, overdue, closed, carried over.

A request is open from the day it is received until the day it is replied to. Requests still
open at a year's end are carried over to the next year (table 三 rows 25 and 2): a query on
the dates, nothing is copied.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.holidays import calendar_for
from core.workdays import CalendarNotCovered

from . import deadlines
from .models import DisclosureRequest, ReviewCase


class Status:
    PENDING = "pending"
    OVERDUE = "overdue"
    CLOSED = "closed"

    choices = [
        (PENDING, _("pending")),
        (OVERDUE, _("overdue")),
        (CLOSED, _("closed")),
    ]
    labels = dict(choices)


def status_of(request: DisclosureRequest, today: datetime.date) -> str:
    if request.replied_on:
        return Status.CLOSED
    if request.reply_due and request.reply_due < today:
        return Status.OVERDUE
    return Status.PENDING


def in_status(
    requests: QuerySet[DisclosureRequest], status: str, today: datetime.date
) -> QuerySet[DisclosureRequest]:
    """Requests in a status today; the statuses do not overlap (an overdue one is not pending)."""
    if status == Status.CLOSED:
        return requests.filter(replied_on__isnull=False)
    open_ = requests.filter(replied_on__isnull=True)
    if status == Status.OVERDUE:
        return open_.filter(reply_due__lt=today)
    return open_.filter(Q(reply_due__gte=today) | Q(reply_due__isnull=True))


def open_at(
    requests: QuerySet[DisclosureRequest], day: datetime.date
) -> QuerySet[DisclosureRequest]:
    """Received by ``day`` and not replied to by then."""
    return requests.filter(received_on__lte=day).filter(
        Q(replied_on__isnull=True) | Q(replied_on__gt=day)
    )


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def received_in(requests: QuerySet[DisclosureRequest], year: int) -> QuerySet[DisclosureRequest]:
    """Table 三 row 1: new this year."""
    return requests.filter(received_on__year=year)


def carried_over_into(
    requests: QuerySet[DisclosureRequest], year: int
) -> QuerySet[DisclosureRequest]:
    """Table 三 row 2: open at the end of the year before."""
    return open_at(requests, year_end(year - 1))


def closed_in(requests: QuerySet[DisclosureRequest], year: int) -> QuerySet[DisclosureRequest]:
    """Table 三 row 24: counted by final outcome in the year of the reply."""
    return requests.filter(replied_on__year=year)


def carried_over_from(
    requests: QuerySet[DisclosureRequest], year: int
) -> QuerySet[DisclosureRequest]:
    """Table 三 row 25: still open at the year's end."""
    return open_at(requests, year_end(year))


def handled_in(requests: QuerySet[DisclosureRequest], year: int) -> QuerySet[DisclosureRequest]:
    """The year's register: new this year or carried over into it (rows 1 + 2 = 24 + 25)."""
    return requests.filter(received_on__lte=year_end(year)).filter(
        Q(replied_on__isnull=True) | Q(replied_on__year__gte=year)
    )


def request_rows(requests: QuerySet[DisclosureRequest]) -> QuerySet[DisclosureRequest]:
    return requests.select_related("department")


def due_between(
    requests: QuerySet[DisclosureRequest], low: datetime.date, high: datetime.date
) -> QuerySet[DisclosureRequest]:
    """Open requests whose reply is due in [low, high)."""
    return requests.filter(replied_on__isnull=True, reply_due__gte=low, reply_due__lt=high)


# Review cases (table 四) -------------------------------------------------------------------


def cases_handled_in(cases: QuerySet[ReviewCase], year: int) -> QuerySet[ReviewCase]:
    """Filed by the year's end and not decided before it began."""
    return cases.filter(filed_on__lte=year_end(year)).filter(
        Q(closed_on__isnull=True) | Q(closed_on__year__gte=year)
    )


def review_case_rows(cases: QuerySet[ReviewCase]) -> QuerySet[ReviewCase]:
    return cases.select_related("request")


@dataclass
class Clocks:
    """The statutory dates shown on a request (第三十条, 第三十三条)."""

    correction_notice_due: datetime.date | None
    reply_due: datetime.date | None
    calendar_missing: int | None  # a year whose working days are not known yet


def clocks_of(request: DisclosureRequest) -> Clocks:
    start = deadlines.clock_start(request.received_on, request.corrected_on)
    try:
        calendar = calendar_for(
            request.received_on.year, start.year, department=request.department_id
        )
        notice = deadlines.correction_notice_due(calendar, request.received_on)
        due = deadlines.reply_due(
            calendar,
            received_on=request.received_on,
            corrected_on=request.corrected_on,
            extension_days=request.extension_days,
            consultation_days=request.consultation_days,
        )
    except CalendarNotCovered as missing:
        return Clocks(None, request.reply_due, missing.year)
    return Clocks(notice, due, None)
