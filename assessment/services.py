"""Saving a department's assessment scheme for a year."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from org.models import Department, User

from . import permissions
from .catalogue import Row, check
from .models import Indicator, Scheme


@transaction.atomic
def save_scheme(
    department: Department, year: int, scope: str, rows: list[Row], *, by: User
) -> Scheme:
    """Replace the scheme's indicators with ``rows`` (in their order), or refuse them all."""
    if not permissions.can_edit_scheme(by, department):
        raise PermissionDenied(_("Only the department's office edits its scheme."))
    errors = check(scope, rows)
    if errors:
        raise ValidationError(errors)
    scheme, _created = Scheme.objects.select_for_update().get_or_create(
        department=department, year=year, scope=scope
    )
    scheme.updated_by = by
    scheme.save(update_fields=["updated_by", "updated_at"])
    scheme.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(scheme=scheme, kind=kind, points=points, per_item=per_item, position=i)
        for i, (kind, points, per_item) in enumerate(rows)
    )
    return scheme
