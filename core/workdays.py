"""The working-day calendar: weekends, official holidays and make-up working days (调休).

Pure logic over a table of exceptional days; the database and the ``chinesecalendar`` seed are
in ``core.holidays``. Periods are counted the statutory way: the starting day is not counted
(《民法典》第二百零一条), so ``add(d, 20)`` is the 20th working day after ``d``.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)


class CalendarNotCovered(LookupError):
    """No holiday data for the year: the office must enter it; we do not guess."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


class Calendar:
    def __init__(self, exceptions: dict[datetime.date, bool], years: Iterable[int]):
        """``exceptions`` maps a date to whether it is a working day, where that differs
        from Monday–Friday; ``years`` are the years whose holidays are known."""
        self.exceptions = exceptions
        self.years = frozenset(years)

    def is_workday(self, day: datetime.date) -> bool:
        if day.year not in self.years:
            raise CalendarNotCovered(day.year)
        return self.exceptions.get(day, day.weekday() < 5)

    def add(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after ``day`` (before it when n < 0); ``add(d, 0)`` is d."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_workday(day):
                remaining -= 1
        return day

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start).

        Counted by arithmetic, not day by day: the lists ask it for every row of a page, and a
        deadline can be a year away. Weekdays in the range, corrected by the exceptional days
        in it."""
        if end < start:
            return -self.between(end, start)
        if end > start:
            for year in range((start + ONE_DAY).year, end.year + 1):
                if year not in self.years:
                    raise CalendarNotCovered(year)
        days = (end - start).days
        weeks, rest = divmod(days, 7)
        count = weeks * 5
        first = start.weekday()
        count += sum((first + i) % 7 < 5 for i in range(1, rest + 1))
        for day in self._exceptional_between(start, end):
            count += 1 if self.exceptions[day] else -1
        return count

    def _exceptional_between(self, start: datetime.date, end: datetime.date):
        """The days in (start, end] whose rule differs from Monday–Friday."""
        if not hasattr(self, "_sorted"):
            self._sorted = sorted(
                d for d, workday in self.exceptions.items() if workday != (d.weekday() < 5)
            )
        return self._sorted[
            bisect.bisect_right(self._sorted, start) : bisect.bisect_right(self._sorted, end)
        ]

    def next_workday(self, day: datetime.date) -> datetime.date:
        """``day`` itself when it is a working day, else the next one."""
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def window(self, day: datetime.date, n: int) -> tuple[datetime.date, datetime.date]:
        """The dates ``d`` with ``between(day, d) == n`` (n ≥ 0), as a half-open range.

        A deadline on a holiday falls in the window of the working day before it, so it is
        reminded like the deadline it effectively is.
        """
        low = self.add(day, n) if n else day
        return low, self.add(day, n + 1)

    def overdue_window(self, day: datetime.date, m: int) -> tuple[datetime.date, datetime.date]:
        """The deadlines ``d`` that are exactly ``m`` ≥ 1 working days overdue on ``day``."""
        return self.add(day, -m), self.add(day, -(m - 1)) if m > 1 else day


@dataclass(frozen=True)
class Due:
    """Where a deadline stands on a day, in working days: ``overdue`` by ``days``, due
    ``today``, or ``ahead`` with ``days`` left."""

    state: str
    days: int = 0

    OVERDUE = "overdue"
    TODAY = "today"
    AHEAD = "ahead"


def due_on(calendar: Calendar, deadline: datetime.date, today: datetime.date) -> Due:
    """A deadline on a day off counts as due on the working day before it: a Saturday
    deadline seen on Friday is due today, and on Monday it is one working day overdue."""
    if deadline == today:
        return Due(Due.TODAY)
    effective = deadline if calendar.is_workday(deadline) else calendar.add(deadline, -1)
    if effective < today:
        return Due(Due.OVERDUE, max(1, calendar.between(effective, today)))
    if effective == today:
        return Due(Due.TODAY)
    return Due(Due.AHEAD, calendar.between(today, effective))
