"""Who may see and keep the registers. The registers belong to the department as a whole:
its office staff keep them, its leaders read them, a unit's people do not see them.
No object permissions are needed: the department decides.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from org.permissions import (
    VIEW,
    AnyUser,
    M,
    department_wide,
    get_visible_or_404,
    is_admin,
    is_office,
    sees_whole_department,
)

from .models import DisclosureRequest, ReviewCase

MANAGE = "manage"  # create, edit, import


def reads_registers(user: AnyUser) -> bool:
    return is_admin(user) or sees_whole_department(user)


def _visible(user: AnyUser, model: type[M]) -> QuerySet[M]:
    return department_wide(user, model._default_manager.all())


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
