"""Who sees which scores: a department's office staff and leaders its units' scores
(org.permissions' ``reader_department``), a superior's office staff and leaders the scores of
the departments below it (``oversight_department``), office staff alone edit their department's
scheme. A unit's people see their own unit's breakdown (what cost it points, with their own
assignments behind it) but no ranking, nor their rank in it: the other units' scores are the
office's to circulate."""

from __future__ import annotations

from django.db.models import QuerySet

from org.models import Department, Unit
from org.permissions import (
    VIEW,
    AnyUser,
    get_visible_or_404,
    is_office,
    is_unit_member,
    overseen_departments,
    sees_whole_department,
)

from .queries import scored_units


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
    departments = Department.objects.filter(pk__in=overseen_departments(user))
    return get_visible_or_404(departments, pk, user=user, action=VIEW, can=lambda *_: False)


def can_edit_scheme(user: AnyUser, department: Department) -> bool:
    return is_office(user, department.pk)
