"""A superior's reminder of a late report (``services.remind_late_reports``), told in an e-mail
of its own through the digests' outbox (``core.reminders``): sent once, retried on failure,
shown with the other deliveries."""

from __future__ import annotations

import datetime

from core.models import Digest
from core.reminders import Section, Window

from .models import LateReportReminder
from .services import LATE_REPORT_BATCH


class LateReports:
    """Nothing in the daily sweep: a late report is reminded when the superior's office asks."""

    def decide(self, department_id: int, day: datetime.date, rules: list[Window]) -> None:
        return None

    def notify(self, day: datetime.date) -> int:
        return 0

    def section(self, digest: Digest) -> Section | None:
        if not digest.batch.startswith(LATE_REPORT_BATCH):
            return None
        pk = int(digest.batch.removeprefix(LATE_REPORT_BATCH))
        items = list(
            LateReportReminder.objects.filter(pk=pk).select_related("department", "sent_by")
        )
        if not items:
            return None
        return Section(
            items,
            "reporting/email/late_report.txt",
            subject="reporting/email/late_report_subject.txt",
        )


SOURCE = LateReports()
