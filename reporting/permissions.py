"""Who may see and write the year-end report draft: the office of the department writes it,
its leaders and the office staff and leaders of the departments above read it, units see
nothing of it."""

from __future__ import annotations

from django.db.models import QuerySet

from org.permissions import (
    VIEW,
    AnyUser,
    department_wide,
    get_visible_or_404,
    is_admin,
    is_office,
)

# The report is read and kept by those who read and keep the registers it counts.
from registers.permissions import keeps_registers, require_reader  # noqa: F401

from .models import ReportDraft

MANAGE = "manage"  # write the draft: generate, edit, mark final


def visible_reports(user: AnyUser) -> QuerySet[ReportDraft]:
    """The department's reports, and a superior's office staff and leaders those of the
    departments below, drafts too (to read: can_write_report)."""
    return department_wide(user, ReportDraft.objects.all(), overseen=True)


def get_report_or_404(user: AnyUser, pk: int, action: str = VIEW) -> ReportDraft:
    """A report of another department, or any report for a unit's people, answers 404; a leader
    changing one, 403."""
    qs = visible_reports(user).select_related("department")
    return get_visible_or_404(
        qs, pk, user=user, action=action, can=lambda u, _a, draft: can_write_report(u, draft)
    )


def can_write_report(user: AnyUser, draft: ReportDraft) -> bool:
    return is_admin(user) or is_office(user, draft.department_id)
