"""Who sees which scores: a department's office staff and leaders its units' scores, a
superior's office staff and leaders the scores of the departments below it (org.permissions'
``overseen_departments``), office staff alone edit their department's scheme. A unit's people
see their own unit's breakdown (what cost it points, with their own assignments behind it) but
no ranking: the other units' scores are the office's to circulate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from org.models import Department, Unit
from org.permissions import (
    VIEW,
    AnyUser,
    get_visible_or_404,
    is_office,
    is_unit_member,
    office_department,
    overseen_departments,
    sees_whole_department,
)

from .queries import scored_units

EDIT = "edit"  # change a department's scheme


def reader_department(user: AnyUser) -> Department:
    """The department whose rankings the person reads: their own, for office staff and
    leaders; anyone else is refused (403)."""
    if not sees_whole_department(user) or user.department is None:
        raise PermissionDenied
    return user.department


def scheme_department(user: AnyUser) -> Department:
    """The department whose scheme the person edits: office staff their own (else 403)."""
    return office_department(user)


def overseen(user: AnyUser) -> list[int]:
    return overseen_departments(user)


def overseen_or_403(user: AnyUser) -> list[int]:
    """The departments below the person's own, for the departments' ranking and its exports:
    a department with none below is refused (403), as any page not the person's is, rather
    than shown an empty ranking it cannot have."""
    reader_department(user)
    departments = overseen(user)
    if not departments:
        raise PermissionDenied
    return departments


def visible_units(user: AnyUser) -> QuerySet[Unit]:
    """The units whose breakdown the person reads: those their department ranks, or their
    own."""
    if sees_whole_department(user):
        return scored_units(user.department_id)
    if is_unit_member(user) and user.unit_id is not None:
        return scored_units(user.department_id).filter(pk=user.unit_id)
    return Unit.objects.none()


def get_unit_or_404(user: AnyUser, pk: int) -> Unit:
    units = visible_units(user).select_related("department")
    return get_visible_or_404(units, pk, user=user, action=VIEW, can=lambda *_: False)


def get_department_or_404(user: AnyUser, pk: int) -> Department:
    """A department below the person's own; their own and any other answer 404."""
    departments = Department.objects.filter(pk__in=overseen(user))
    return get_visible_or_404(departments, pk, user=user, action=VIEW, can=lambda *_: False)


def can_edit_scheme(user: AnyUser, department: Department) -> bool:
    return is_office(user, department.pk)
