"""Who may see and keep the registers. The registers belong to the department as a whole:
its office staff keep them, its leaders read them, a unit's people do not see them.
No object permissions are needed: the department decides.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

from org.permissions import (
    VIEW,
    AnyUser,
    get_visible_or_404,
    is_admin,
    is_office,
    sees_whole_department,
)

from .models import DisclosureRequest, ReportDraft, ReviewCase

MANAGE = "manage"  # create, edit, import


def reads_registers(user: AnyUser) -> bool:
    return is_admin(user) or sees_whole_department(user)


def _visible(user: AnyUser, model: type[Model]) -> QuerySet:
    if not user.is_authenticated or not reads_registers(user):
        return model._default_manager.none()
    if is_admin(user):
        return model._default_manager.all()
    return model._default_manager.filter(department=user.department_id)


def visible_requests(user: AnyUser) -> QuerySet[DisclosureRequest]:
    return _visible(user, DisclosureRequest)


def visible_review_cases(user: AnyUser) -> QuerySet[ReviewCase]:
    return _visible(user, ReviewCase)


def can(user: AnyUser, action: str, obj: DisclosureRequest | ReviewCase) -> bool:
    if action == VIEW:
        return _visible(user, type(obj)).filter(pk=obj.pk).exists()
    return is_admin(user) or is_office(user, obj.department_id)


def get_request_or_404(user: AnyUser, pk: int, action: str = VIEW) -> DisclosureRequest:
    return get_visible_or_404(visible_requests(user), pk, user=user, action=action, can=can)


def get_review_case_or_404(user: AnyUser, pk: int, action: str = VIEW) -> ReviewCase:
    qs = visible_review_cases(user).select_related("request")
    return get_visible_or_404(qs, pk, user=user, action=action, can=can)


def require_reader(user: AnyUser) -> None:
    """The register lists: office staff and leaders (and administrators); others 403."""
    if not reads_registers(user):
        raise PermissionDenied


def keeps_registers(user: AnyUser) -> bool:
    return is_office(user) and user.department_id is not None


# --- The year-end report draft: the office of the department writes it, its leaders read it,
# units see nothing of it.


def visible_reports(user: AnyUser) -> QuerySet[ReportDraft]:
    return _visible(user, ReportDraft)


def get_report_or_404(user: AnyUser, pk: int, action: str = VIEW) -> ReportDraft:
    """A report of another department, or any report for a unit's people, answers 404; a leader
    changing one, 403."""
    qs = visible_reports(user).select_related("department")
    return get_visible_or_404(
        qs, pk, user=user, action=action, can=lambda u, _a, draft: can_write_report(u, draft)
    )


def can_write_report(user: AnyUser, draft: ReportDraft) -> bool:
    return is_admin(user) or is_office(user, draft.department_id)
