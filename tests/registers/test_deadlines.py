"""The statutory clocks of a disclosure request (《政府信息公开条例》第三十条、第三十三条) on the
real working-day calendar, with the worked examples of the report-format spec (section 6)."""

import datetime

import pytest

from core.holidays import calendar_for
from core.workdays import CalendarNotCovered
from registers import deadlines

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def calendar():
    return calendar_for(2023, 2024)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2024, 3, 1), D(2024, 3, 29)),
        # crosses 国庆: 2024-09-29 (Sunday) and 2024-10-12 (Saturday) are make-up working days
        (D(2024, 9, 27), D(2024, 10, 30)),
        # crosses New Year into a year of its own holidays
        (D(2023, 12, 25), D(2024, 1, 23)),
    ],
)
def test_reply_is_due_twenty_working_days_after_receipt(calendar, received, due):
    assert deadlines.reply_due(calendar, received_on=received) == due


def test_an_extension_of_twenty_working_days_moves_the_deadline_on(calendar):
    assert deadlines.reply_due(calendar, received_on=D(2024, 9, 27), extension_days=20) == D(
        2024, 11, 27
    )


def test_correction_notice_is_due_in_seven_working_days_on_a_makeup_saturday(calendar):
    due = deadlines.correction_notice_due(calendar, D(2024, 9, 27))
    assert due == D(2024, 10, 12)
    assert due.weekday() == 5


def test_the_clock_restarts_from_the_corrected_application(calendar):
    # given an application received 2024-03-01 and corrected on 2024-03-11
    # when its deadline is computed
    due = deadlines.reply_due(calendar, received_on=D(2024, 3, 1), corrected_on=D(2024, 3, 11))
    # then the 20 working days run from the correction, not the first receipt
    assert due == calendar.add(D(2024, 3, 11), 20) == D(2024, 4, 9)


def test_days_consulting_a_third_party_are_not_counted(calendar):
    plain = deadlines.reply_due(calendar, received_on=D(2024, 3, 1))
    consulted = deadlines.reply_due(calendar, received_on=D(2024, 3, 1), consultation_days=15)
    assert calendar.between(plain, consulted) == 15


def test_extension_and_consultation_add_up(calendar):
    due = deadlines.reply_due(
        calendar, received_on=D(2024, 3, 1), extension_days=10, consultation_days=5
    )
    assert calendar.between(D(2024, 3, 1), due) == 35


@pytest.mark.parametrize("days", [-1, 21])
def test_an_extension_beyond_the_statute_is_refused(calendar, days):
    with pytest.raises(ValueError, match="extension"):
        deadlines.reply_due(calendar, received_on=D(2024, 3, 1), extension_days=days)


def test_a_third_party_has_fifteen_working_days(calendar):
    assert deadlines.consultation_due(calendar, D(2024, 9, 27)) == calendar.add(D(2024, 9, 27), 15)


def test_a_year_the_calendar_does_not_hold_is_reported_not_guessed():
    calendar = calendar_for(2024)  # 2023–2025
    with pytest.raises(CalendarNotCovered) as missing:
        deadlines.reply_due(calendar, received_on=D(2025, 12, 20))
    assert missing.value.year == 2026
