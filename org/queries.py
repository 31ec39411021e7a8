"""Reads for the organisation: resolving unit names as plans write them."""

import re

from django.db.models import QuerySet

from .models import Department, Unit, UnitGroup
from .permissions import AnyUser, overseen_departments

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


def department_units(user: AnyUser, department: int | None = None) -> QuerySet[Unit]:
    """The units a person's lists filter by and the bulk actions assign: their department's,
    or ``department``'s (one a superior's list shows: org.permissions.listed_department)."""
    department = department or getattr(user, "department_id", None)
    return Unit.objects.all() if department is None else Unit.objects.filter(department=department)


def department_choices(user: AnyUser) -> list[tuple[int, str]]:
    """A superior's 部门 filter: their own department first, then those below it by name, as
    (pk, name); empty (and no query) for anyone who oversees none."""
    overseen = overseen_departments(user)
    own = getattr(user, "department_id", None)
    if not overseen or own is None:
        return []
    rows = list(Department.objects.filter(pk__in=[own, *overseen]).values_list("pk", "name"))
    return sorted(rows, key=lambda row: row[0] != own)  # own first, then by name (ordering)
