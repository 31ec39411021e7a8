"""One department's office changed every department's working days: the national calendar is
now read-only to offices, each department sets days of its own, and every edit is kept."""

import datetime

from django.urls import reverse

from core import holidays
from core.holidays import calendar_for
from core.models import CalendarDay, CalendarYear
from tests.tasks.test_reminders import assignment_due, reminded, sweep_days

D = datetime.date
SCHOOL_DAY = D(2026, 6, 12)  # a Friday: a working day everywhere
NATIONAL_DAY = D(2026, 10, 1)


def test_an_office_sets_its_own_holiday_without_touching_other_departments(
    client, world, office_staff, attempt
):
    # given
    client.force_login(office_staff)
    url = reverse("tasks:calendar") + "?year=2026"

    # when: a local holiday, and an attempt at a national day
    for date, workday in [(SCHOOL_DAY, "0"), (NATIONAL_DAY, "1")]:
        data = {"date": date.isoformat(), "is_workday": workday, "name": "校庆"}
        assert client.post(url, data).status_code == 302

    # then: this department's calendar has both; the other department's and the country's none
    attempt("calendar", 2)
    own = calendar_for(2026, department=world.department.pk)
    other = calendar_for(2026, department=world.other_department.pk)
    assert (own.is_workday(SCHOOL_DAY), own.is_workday(NATIONAL_DAY)) == (False, True)
    assert (other.is_workday(SCHOOL_DAY), other.is_workday(NATIONAL_DAY)) == (True, False)
    assert holidays.Day(NATIONAL_DAY, False, "国庆节") in holidays.national_days(2026)
    assert not CalendarDay.objects.filter(department__isnull=True).exists()


def test_every_edit_of_a_department_day_is_kept_with_who_made_it(client, world, office_staff):
    client.force_login(office_staff)
    url = reverse("tasks:calendar") + "?year=2026"
    client.post(url, {"date": SCHOOL_DAY.isoformat(), "is_workday": "0", "name": "校庆"})

    # when: set back to the national rule
    client.post(url, {"date": SCHOOL_DAY.isoformat(), "is_workday": "1", "name": ""})

    # then: removed, and both edits are in its history
    history = CalendarDay.history.filter(date=SCHOOL_DAY).order_by("history_date")
    assert not CalendarDay.objects.filter(date=SCHOOL_DAY).exists()
    assert [(h.history_type, h.history_user) for h in history] == [
        ("+", office_staff),
        ("-", office_staff),
    ]


def test_a_departments_own_holiday_is_no_reminder_day_for_it_alone(world, people):
    # given: work of the first department due on 2026-06-12, which that department keeps as a
    # holiday of its own (the second department does not)
    assignment = assignment_due(world, SCHOOL_DAY)
    holidays.set_day(date=SCHOOL_DAY, is_workday=False, name="校庆", department=world.department.pk)

    # when: the days around it are swept
    sweep_days(D(2026, 6, 10), D(2026, 6, 16))

    # then: nothing is decided on its holiday; the day after is its first overdue working day
    days = {date for date, _rule, _n in reminded(assignment)}
    assert SCHOOL_DAY not in days
    assert D(2026, 6, 15) in days
    assert calendar_for(2026, department=world.other_department.pk).is_workday(SCHOOL_DAY)


def test_opening_the_calendar_and_the_dashboard_writes_nothing(client, world, office_staff):
    client.force_login(office_staff)

    for url in (reverse("tasks:calendar") + "?year=2026", reverse("reporting:dashboard")):
        assert client.get(url).status_code == 200

    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()
