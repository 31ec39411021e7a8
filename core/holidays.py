"""The working-day calendar: national days as ``chinesecalendar`` publishes them, with what an
administrator entered over them (a year the package does not know yet, a correction), and each
department's own days (a local holiday), which override the national rule for it alone.

Reading the calendar writes nothing: the package's days are computed (once a year per process)
and only the entered days are rows, each edit kept in history. The State Council publishes next
year's holidays each autumn; until the package (or an administrator) has them, that year is not
covered and every computation that needs it says so.
"""

from __future__ import annotations

import datetime
import functools
from typing import NamedTuple

import chinese_calendar
from django.db import transaction
from django.db.models import BooleanField, DateField, Q, Value

from .models import CalendarDay, CalendarYear
from .workdays import Calendar, CalendarNotCovered

PACKAGE = "chinesecalendar"


class Day(NamedTuple):
    """A day that breaks the Monday–Friday rule."""

    date: datetime.date
    is_workday: bool
    name: str


@functools.cache
def package_days(year: int) -> dict[datetime.date, tuple[bool, str]] | None:
    """The package's holidays and make-up days of ``year`` (whether a working day, its name);
    None for a year it does not know."""
    day = datetime.date(year, 1, 1)
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None
    days = {}
    while day.year == year:
        workday = chinese_calendar.is_workday(day)
        if workday != (day.weekday() < 5):
            _, name = chinese_calendar.get_holiday_detail(day)
            days[day] = (workday, _name(name, workday))
        day += datetime.timedelta(days=1)
    return days


_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _name(holiday: str | None, workday: bool) -> str:
    name = _NAMES.get(holiday or "", holiday or "")
    return f"{name}调休上班" if workday else name


def calendar_for(*years: int, department: int | None = None) -> Calendar:
    """The calendar covering ``years`` (and the years either side, for periods that cross
    New Year): the national days, with the department's own days over them."""
    wanted = {y + d for y in years for d in (-1, 0, 1)}
    first, last = datetime.date(min(wanted), 1, 1), datetime.date(max(wanted), 12, 31)
    # The entered days and the entered years in one query (every page with a deadline reads
    # the calendar): a year's row is (its year, no date, no flag).
    entered_days = (
        CalendarDay.objects.filter(date__range=(first, last))
        .filter(Q(department__isnull=True) | Q(department=department))
        .order_by()
        .values_list("department", "date", "is_workday")
    )
    entered_years = (
        CalendarYear.objects.filter(year__in=wanted)
        .order_by()
        .annotate(no_date=Value(None, DateField()), no_flag=Value(None, BooleanField()))
        .values_list("year", "no_date", "no_flag")
    )
    rows = list(entered_days.union(entered_years, all=True))
    entered = {year for year, date, _flag in rows if date is None}
    known = {y for y in wanted if package_days(y) is not None} | entered
    days = {d: w for y in wanted for d, (w, _name) in (package_days(y) or {}).items()}
    # entered national days over the package's, the department's own over both
    ordered = sorted((r for r in rows if r[1] is not None), key=lambda d: bool(d[0]))
    days |= {date: workday for _dept, date, workday in ordered}
    return Calendar(days, known)


def national_days(year: int) -> list[Day]:
    """The year's national holidays and make-up days as every department has them, in date
    order."""
    days = dict(package_days(year) or {})
    for row in CalendarDay.objects.filter(date__year=year, department__isnull=True):
        days[row.date] = (row.is_workday, row.name)
    return sorted(
        Day(date, workday, name)
        for date, (workday, name) in days.items()
        if workday != (date.weekday() < 5)
    )


def known_year(year: int) -> str | None:
    """Where the year's national days come from ("chinesecalendar", or "office" for entered by
    hand), or None while they are not known."""
    if package_days(year) is not None:
        return PACKAGE
    entered = CalendarYear.objects.filter(year=year).first()
    return entered.source if entered else None


def covered(year: int) -> bool:
    try:
        calendar_for(year).is_workday(datetime.date(year, 1, 1))
    except CalendarNotCovered:
        return False
    return True


@transaction.atomic
def set_day(
    *, date: datetime.date, is_workday: bool, name: str = "", department: int | None = None
) -> None:
    """Enter a holiday or make-up day: a national one (an administrator, e.g. next year's once
    published), or a department's own. A day set back to what it would be without it (for a
    national day, the package's or Monday to Friday; for a department's, the national rule) is
    removed."""
    if department is None:
        package = package_days(date.year)
        if package is None:  # entered by hand: the year is known from now on
            CalendarYear.objects.get_or_create(year=date.year, defaults={"source": "office"})
        default = (package or {}).get(date, (date.weekday() < 5, ""))[0]
    else:
        try:
            default = calendar_for(date.year).is_workday(date)
        except CalendarNotCovered:  # the national days of that year are not known yet
            default = date.weekday() < 5
    if is_workday == default:
        # department None: the national days (IS NULL), which the stubs' lookup types leave out.
        for day in CalendarDay.objects.filter(date=date, department_id=department):  # type: ignore[misc]
            day.delete()  # one by one: each removal is kept in history
    else:
        CalendarDay.objects.update_or_create(  # type: ignore[misc]
            date=date, department_id=department, defaults={"is_workday": is_workday, "name": name}
        )
