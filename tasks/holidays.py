"""The working-day calendar in the database: national days seeded from ``chinesecalendar`` (or
entered by an administrator), and each department's own days (a local holiday), which override
the national rule for that department alone. Every edit is kept in history.

The State Council publishes next year's holidays each autumn; until the package (or an
administrator) has them, that year is not covered and every computation that needs it says so.
"""

from __future__ import annotations

import datetime

import chinese_calendar
from django.db import transaction
from django.db.models import Q

from .models import CalendarDay, CalendarYear
from .workdays import Calendar, CalendarNotCovered

PACKAGE = "chinesecalendar"


@transaction.atomic
def seed_year(year: int) -> bool:
    """Copy the package's holidays and make-up days of ``year``; False if it has none."""
    if CalendarYear.objects.filter(year=year).exists():
        return True
    day = datetime.date(year, 1, 1)
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    rows = []
    while day.year == year:
        workday = chinese_calendar.is_workday(day)
        if workday != (day.weekday() < 5):
            _, name = chinese_calendar.get_holiday_detail(day)
            rows.append(CalendarDay(date=day, is_workday=workday, name=_name(name, workday)))
        day += datetime.timedelta(days=1)
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
    CalendarYear.objects.create(year=year, source=PACKAGE)
    return True


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
    New Year), seeding from the package where it can: the national days, with the department's
    own days over them."""
    wanted = {y + d for y in years for d in (-1, 0, 1)}
    known = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    for year in wanted - known:
        if seed_year(year):
            known.add(year)
    first, last = datetime.date(min(wanted), 1, 1), datetime.date(max(wanted), 12, 31)
    days = CalendarDay.objects.filter(date__range=(first, last)).filter(
        Q(department__isnull=True) | Q(department=department)
    )
    # national first, the department's own after: its day wins
    ordered = sorted(days.values_list("department", "date", "is_workday"), key=lambda d: bool(d[0]))
    return Calendar({date: workday for _dept, date, workday in ordered}, known)


def known_year(year: int) -> CalendarYear | None:
    """The year's record, seeded from the package if it can be; None while its national
    holidays are not known."""
    seed_year(year)
    return CalendarYear.objects.filter(year=year).first()


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
    published), or a department's own. A day set back to what it would be without it (Monday
    to Friday; for a department's day, the national rule) is removed."""
    # Seed first: a year marked known without its published holidays would never get them.
    seed_year(date.year)
    if department is None:
        CalendarYear.objects.get_or_create(year=date.year, defaults={"source": "office"})
        default = date.weekday() < 5
    else:
        try:
            default = calendar_for(date.year).is_workday(date)
        except CalendarNotCovered:  # the national days of that year are not known yet
            default = date.weekday() < 5
    if is_workday == default:
        for day in CalendarDay.objects.filter(date=date, department_id=department):
            day.delete()  # one by one: each removal is kept in history
    else:
        CalendarDay.objects.update_or_create(
            date=date, department_id=department, defaults={"is_workday": is_workday, "name": name}
        )
