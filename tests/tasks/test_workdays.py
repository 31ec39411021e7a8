"""The working-day calendar on the database: official holidays, make-up days (调休), periods
counted the statutory way, years nobody has published yet, and the ``workdays`` command.

The expected dates are the State Council's published arrangements, written out here on purpose:
the tests state the facts instead of asking the package that seeds the calendar.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core import holidays
from core.holidays import calendar_for
from core.models import CalendarDay, CalendarYear
from core.workdays import CalendarNotCovered, due_on

pytestmark = pytest.mark.django_db

D = datetime.date


def days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(n) for n in range((last - first).days + 1)]


# --- Holidays and make-up working days -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "off", "make_up"),
    [
        # 2025 春节: 1月28日(除夕)至2月4日放假, 1月26日(周日)、2月8日(周六)上班.
        ("2025 Spring Festival", (D(2025, 1, 28), D(2025, 2, 4)), [D(2025, 1, 26), D(2025, 2, 8)]),
        # 2025 国庆节、中秋节: 10月1日至8日放假, 9月28日(周日)、10月11日(周六)上班.
        ("2025 National Day", (D(2025, 10, 1), D(2025, 10, 8)), [D(2025, 9, 28), D(2025, 10, 11)]),
        # 2026 春节: 2月15日至23日放假, 2月14日(周六)、2月28日(周六)上班.
        (
            "2026 Spring Festival",
            (D(2026, 2, 15), D(2026, 2, 23)),
            [D(2026, 2, 14), D(2026, 2, 28)],
        ),
        # 2026 国庆节: 10月1日至7日放假, 9月20日(周日)、10月10日(周六)上班.
        ("2026 National Day", (D(2026, 10, 1), D(2026, 10, 7)), [D(2026, 9, 20), D(2026, 10, 10)]),
    ],
)
def test_the_calendar_knows_the_long_holidays_and_their_make_up_working_days(name, off, make_up):
    # given
    calendar = calendar_for(off[0].year)
    # then
    assert [d for d in days(*off) if calendar.is_workday(d)] == [], name
    assert all(d.weekday() >= 5 for d in make_up)
    assert all(calendar.is_workday(d) for d in make_up), name


def test_the_holidays_come_with_their_chinese_names():
    names = {day.date: day.name for day in holidays.national_days(2026)}

    assert names[D(2026, 10, 1)] == "国庆节"
    assert names[D(2026, 10, 10)] == "国庆节调休上班"
    assert names[D(2026, 2, 17)] == "春节"


def test_reading_the_calendar_writes_nothing():
    calendar_for(2026).is_workday(D(2026, 10, 1))
    holidays.national_days(2026)

    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()


def test_an_ordinary_weekend_is_off_and_an_ordinary_weekday_is_a_working_day():
    calendar = calendar_for(2026)

    assert not calendar.is_workday(D(2026, 6, 13))  # Saturday
    assert not calendar.is_workday(D(2026, 6, 14))  # Sunday
    assert calendar.is_workday(D(2026, 6, 15))  # Monday


# --- Periods: the receipt day is not counted (《民法典》第二百零一条) ----------------------------


@pytest.mark.parametrize(
    ("received", "n", "due"),
    [
        (D(2024, 3, 1), 20, D(2024, 3, 29)),  # no holiday in between
        (D(2024, 9, 27), 20, D(2024, 10, 30)),  # across National Day and two make-up days
        (D(2023, 12, 25), 20, D(2024, 1, 23)),  # across New Year and into the next year
        (D(2024, 9, 27), 7, D(2024, 10, 12)),  # ends on a make-up Saturday
    ],
)
def test_adding_working_days_skips_holidays_and_counts_make_up_days(received, n, due):
    assert calendar_for(received.year).add(received, n) == due


def test_adding_zero_working_days_is_the_day_itself_even_on_a_holiday():
    assert calendar_for(2026).add(D(2026, 10, 3), 0) == D(2026, 10, 3)


def test_adding_a_negative_number_counts_working_days_backwards():
    calendar = calendar_for(2024)

    assert calendar.add(D(2024, 10, 30), -20) == D(2024, 9, 27)
    # Backwards over National Day 2024: 10-08 (Tue) ← 09-30 (Mon) ← 09-29 (make-up Sunday)
    # ← 09-27 (Fri), skipping the holiday week and the ordinary Saturday 09-28.
    assert calendar.add(D(2024, 10, 8), -1) == D(2024, 9, 30)
    assert calendar.add(D(2024, 10, 8), -2) == D(2024, 9, 29)
    assert calendar.add(D(2024, 10, 8), -3) == D(2024, 9, 27)


def test_between_counts_working_days_after_the_start_up_to_and_including_the_end():
    calendar = calendar_for(2024)

    assert calendar.between(D(2024, 9, 27), D(2024, 10, 30)) == 20
    assert calendar.between(D(2024, 9, 27), D(2024, 10, 12)) == 7
    assert calendar.between(D(2024, 10, 1), D(2024, 10, 7)) == 0  # the whole holiday
    assert calendar.between(D(2024, 10, 30), D(2024, 9, 27)) == -20
    assert calendar.between(D(2024, 3, 1), D(2024, 3, 1)) == 0


def test_the_make_up_saturday_before_the_spring_festival_is_the_next_working_day():
    calendar = calendar_for(2026)

    assert calendar.add(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert calendar.next_workday(D(2026, 2, 15)) == D(2026, 2, 24)


# --- Years nobody has published yet --------------------------------------------------------


def test_a_year_the_package_does_not_cover_is_refused_rather_than_guessed():
    calendar = calendar_for(2027)

    with pytest.raises(CalendarNotCovered) as raised:
        calendar.is_workday(D(2027, 3, 1))
    assert raised.value.year == 2027
    assert not holidays.covered(2027)


def test_a_year_is_covered_once_the_office_enters_its_holidays():
    # given: the office enters the year's holidays as the State Council publishes them
    # (example dates: the real 2027 arrangement is not published yet)
    holidays.set_day(date=D(2027, 2, 8), is_workday=False, name="春节")
    holidays.set_day(date=D(2027, 2, 20), is_workday=True, name="春节调休上班")
    # when
    calendar = calendar_for(2027)
    # then
    assert holidays.covered(2027)
    assert CalendarYear.objects.get(year=2027).source == "office"
    assert not calendar.is_workday(D(2027, 2, 8))  # a Monday off
    assert calendar.is_workday(D(2027, 2, 20))  # a Saturday at work
    assert calendar.is_workday(D(2027, 2, 9))


def test_setting_a_day_back_to_its_default_removes_the_override():
    # given
    holidays.set_day(date=D(2027, 2, 8), is_workday=False, name="春节")
    # when
    holidays.set_day(date=D(2027, 2, 8), is_workday=True)
    # then
    assert not CalendarDay.objects.filter(date=D(2027, 2, 8)).exists()
    assert calendar_for(2027).is_workday(D(2027, 2, 8))


def test_the_office_may_correct_a_seeded_day():
    # given
    calendar_for(2026)
    # when: 2026-10-07 (Wednesday) is declared a working day after all
    holidays.set_day(date=D(2026, 10, 7), is_workday=True)
    # then
    calendar = calendar_for(2026)
    assert calendar.is_workday(D(2026, 10, 7))
    assert not calendar.is_workday(D(2026, 10, 6))


def test_entering_one_day_of_a_year_the_package_covers_keeps_the_packages_other_holidays():
    # given: nothing of 2026 seeded yet
    assert not CalendarYear.objects.filter(year=2026).exists()
    # when: the office's first act for 2026 is an extra holiday
    holidays.set_day(date=D(2026, 6, 12), is_workday=False, name="校庆")
    # then: the published holidays are there too
    calendar = calendar_for(2026)
    assert not calendar.is_workday(D(2026, 6, 12))
    assert not calendar.is_workday(D(2026, 10, 1))
    assert calendar.is_workday(D(2026, 10, 10))


# --- Reminder windows --------------------------------------------------------------------------


def test_the_window_n_working_days_ahead_is_one_working_day_and_the_holidays_after_it():
    calendar = calendar_for(2026)

    # On Tue 2026-09-22, the deadlines 5 working days ahead are Wed 09-30 and the National Day
    # holiday that follows it (09-23, 09-24, 09-28, 09-29, 09-30 are the five working days).
    assert calendar.window(D(2026, 9, 22), 5) == (D(2026, 9, 30), D(2026, 10, 8))
    assert calendar.window(D(2026, 9, 22), 4) == (D(2026, 9, 29), D(2026, 9, 30))


def test_the_window_of_the_day_itself_runs_to_the_next_working_day():
    calendar = calendar_for(2026)

    assert calendar.window(D(2026, 6, 10), 0) == (D(2026, 6, 10), D(2026, 6, 11))
    # A Friday's window holds the weekend; before a holiday, the whole holiday.
    assert calendar.window(D(2026, 6, 12), 0) == (D(2026, 6, 12), D(2026, 6, 15))
    assert calendar.window(D(2026, 9, 30), 0) == (D(2026, 9, 30), D(2026, 10, 8))


def test_a_deadline_on_a_holiday_is_reminded_as_the_working_day_before_it():
    calendar = calendar_for(2026)
    deadline = D(2026, 10, 5)  # Monday of the National Day holiday

    low, high = calendar.window(D(2026, 9, 30), 0)
    assert low <= deadline < high
    low, high = calendar.window(D(2026, 9, 29), 1)
    assert low <= deadline < high
    assert calendar.between(D(2026, 9, 22), deadline) == 5


def test_the_overdue_window_holds_the_deadlines_exactly_m_working_days_ago():
    calendar = calendar_for(2026)

    # Thu 2026-10-08, first working day after National Day: deadlines on Wed 09-30 and during
    # the holiday are one working day overdue.
    assert calendar.overdue_window(D(2026, 10, 8), 1) == (D(2026, 9, 30), D(2026, 10, 8))
    # Mon 10-12: 10-08, 10-09, 10-10 (make-up Saturday) and 10-12 make four working days.
    assert calendar.overdue_window(D(2026, 10, 12), 4) == (D(2026, 9, 30), D(2026, 10, 8))
    assert calendar.overdue_window(D(2026, 10, 12), 3) == (D(2026, 10, 8), D(2026, 10, 9))
    assert calendar.overdue_window(D(2026, 6, 15), 1) == (D(2026, 6, 12), D(2026, 6, 15))


def test_a_window_that_reaches_an_uncovered_year_is_refused():
    calendar = calendar_for(2026)

    with pytest.raises(CalendarNotCovered):
        calendar.window(D(2026, 12, 30), 5)


# --- The command -------------------------------------------------------------------------------


def test_the_command_adds_working_days():
    buf = StringIO()

    call_command("workdays", "add", "2024-09-27", "20", stdout=buf)

    assert buf.getvalue().strip() == "2024-10-30"


def test_the_command_counts_working_days_between_two_dates():
    buf = StringIO()

    call_command("workdays", "between", "2023-12-25", "2024-01-23", stdout=buf)

    assert buf.getvalue().strip() == "20"


def test_the_command_says_clearly_when_a_year_is_not_known():
    with pytest.raises(CommandError, match="holidays of 2027 are not known"):
        call_command("workdays", "add", "2027-03-01", "5", stdout=StringIO())


def test_the_command_refuses_what_is_not_a_date():
    with pytest.raises(CommandError, match="not a date"):
        call_command("workdays", "add", "2024-02-30", "5", stdout=StringIO())


# --- Where a deadline stands, in working days (issue 18's badges) ------------------------------

D = datetime.date


@pytest.mark.parametrize(
    ("deadline", "today", "state", "days"),
    [
        (D(2026, 6, 10), D(2026, 6, 10), "today", 0),  # a Wednesday, seen that day
        (D(2026, 6, 12), D(2026, 6, 10), "ahead", 2),  # Friday, seen on Wednesday
        (D(2026, 6, 13), D(2026, 6, 12), "today", 0),  # a Saturday deadline, seen on Friday
        (D(2026, 6, 13), D(2026, 6, 11), "ahead", 1),  # ... seen on Thursday: Friday is left
        (D(2026, 6, 13), D(2026, 6, 15), "overdue", 1),  # ... seen on Monday
        (D(2026, 6, 10), D(2026, 6, 15), "overdue", 3),  # Wed → Mon: Thu, Fri, Mon
        (D(2026, 6, 18), D(2026, 6, 22), "overdue", 1),  # 端午 (Fri 19th) is no working day
    ],
)
def test_a_deadline_is_counted_in_working_days(deadline, today, state, days):
    due = due_on(calendar_for(2026), deadline, today)
    assert (due.state, due.days) == (state, days)


def test_working_days_between_are_counted_as_day_by_day_counting_counts():
    # given: the national calendar of 2025 and 2026 (2027 is not known to the package yet)
    calendar = calendar_for(2026)
    start = D(2025, 1, 1)

    def one_by_one(a: datetime.date, b: datetime.date) -> int:
        day, n = a, 0
        while day < b:
            day += datetime.timedelta(days=1)
            n += calendar.is_workday(day)
        return n

    # when / then: every pair of days two weeks apart and every span from New Year 2025
    for offset in range(0, 700, 3):
        a = start + datetime.timedelta(days=offset)
        for length in (0, 1, 6, 13, 45, 200):
            b = a + datetime.timedelta(days=length)
            if b.year > 2026:
                continue
            assert calendar.between(a, b) == one_by_one(a, b), (a, b)
            assert calendar.between(b, a) == -one_by_one(a, b)


def test_counting_into_an_unknown_year_is_refused():
    calendar = calendar_for(2026)
    with pytest.raises(CalendarNotCovered):
        calendar.between(D(2027, 12, 30), D(2028, 1, 3))
    assert calendar.between(D(2027, 12, 31), D(2027, 12, 31)) == 0
