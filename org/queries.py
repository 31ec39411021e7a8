"""Reads for the organisation: resolving unit names as plans write them."""

import re

from django.db.models import QuerySet

from .models import Department, Unit, UnitGroup
from .permissions import AnyUser

_BRACKETED = re.compile(r"\([^)]*\)")


def name_index(department: Department) -> dict[str, Unit | UnitGroup]:
    """Every name the department's units go by: name, short name, aliases, collective names."""
    index: dict[str, Unit | UnitGroup] = {}
    for unit in Unit.objects.filter(department=department):
        index[unit.name] = unit
        if unit.short_name:
            index.setdefault(unit.short_name, unit)
    for alias in department.aliases.select_related("unit"):
        index.setdefault(alias.name, alias.unit)
    for group in UnitGroup.objects.filter(department=department):
        index.setdefault(group.name, group)
    return index


def resolve_name(index: dict[str, Unit | UnitGroup], name: str) -> Unit | UnitGroup | None:
    """Exact name first; then without brackets (「各单位(学校)」) or the 「局」 prefix."""
    for candidate in (name, _BRACKETED.sub("", name), name.removeprefix("局")):
        if candidate in index:
            return index[candidate]
    return None


def department_units(user: AnyUser) -> QuerySet[Unit]:
    """The units a person's lists filter by and the bulk actions assign: their department's."""
    department = getattr(user, "department_id", None)
    return Unit.objects.all() if department is None else Unit.objects.filter(department=department)
