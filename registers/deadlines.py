"""The statutory clocks of an application for disclosure (《政府信息公开条例》, 2019 revision).

Pure logic on a working-day ``tasks.workdays.Calendar``: the day a period starts from is not
counted (``Calendar.add``), so "20 working days from receipt" is ``add(received, 20)``.
"""

from __future__ import annotations

import datetime

from core.workdays import Calendar

# 第三十三条: reply within 20 working days of receipt ...
REPLY_DAYS = 20
# ... extended once, with the approval of the office's head, by at most 20 working days.
MAX_EXTENSION_DAYS = 20
# 第三十条: an unclear application is sent back for correction within 7 working days.
CORRECTION_NOTICE_DAYS = 7
# 第三十二条/第三十四条: a third party or another agency answers within 15 working days.
CONSULTATION_DAYS = 15


def clock_start(received_on: datetime.date, corrected_on: datetime.date | None) -> datetime.date:
    """第三十条: the reply period runs from the receipt of the corrected application (a
    restart, not a pause) when a correction was asked for and received."""
    return corrected_on or received_on


def reply_due(
    calendar: Calendar,
    *,
    received_on: datetime.date,
    corrected_on: datetime.date | None = None,
    extension_days: int = 0,
    consultation_days: int = 0,
) -> datetime.date:
    """The last day to reply: 20 working days, plus the extension (第三十三条第一款), plus the
    working days spent consulting others, which are not counted (第三十三条第二款)."""
    if not 0 <= extension_days <= MAX_EXTENSION_DAYS:
        raise ValueError(f"extension of {extension_days} working days")
    if consultation_days < 0:
        raise ValueError(f"consultation of {consultation_days} working days")
    start = clock_start(received_on, corrected_on)
    return calendar.add(start, REPLY_DAYS + extension_days + consultation_days)


def correction_notice_due(calendar: Calendar, received_on: datetime.date) -> datetime.date:
    """第三十条: the last day to tell the applicant, once, what to correct."""
    return calendar.add(received_on, CORRECTION_NOTICE_DAYS)


def consultation_due(calendar: Calendar, notice_received_on: datetime.date) -> datetime.date:
    """第三十二条: the last day for a third party's opinion (15 working days from receipt of
    the request for it)."""
    return calendar.add(notice_received_on, CONSULTATION_DAYS)
