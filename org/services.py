"""Writes for the organisation: units and people, kept in step with their auth groups."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Department, Unit, UnitAlias, UnitGroup, User

UNIT_ROLES = (User.Role.OFFICE, User.Role.UNIT_HEAD, User.Role.UNIT_STAFF)


def ensure_unit_group(unit: Unit) -> Group:
    """Give the unit its auth group (object permissions for the unit's work are granted to it).
    A transaction only when there is something to do: a plan's import asks for every one of its
    assignments."""
    if unit.group_id is None:
        with transaction.atomic():
            unit.group = Group.objects.create(name=f"unit:{unit.department_id}:{unit.pk}")
            unit.save(update_fields=["group"])
    assert unit.group is not None  # made above when it was missing
    return unit.group


@transaction.atomic
def save_unit(unit: Unit) -> Unit:
    unit.full_clean()
    unit.save()
    ensure_unit_group(unit)
    return unit


@transaction.atomic
def sync_membership(user: User) -> None:
    """Put the person in exactly their own unit's group, or in none."""
    unit_groups = Group.objects.filter(unit__isnull=False)
    user.groups.remove(*unit_groups.filter(user=user))
    if user.role in UNIT_ROLES and user.unit is not None:
        user.groups.add(ensure_unit_group(user.unit))


@transaction.atomic
def save_person(user: User, *, password: str | None = None) -> User:
    if user.is_superuser:
        user.role = User.Role.ADMIN
    # System administrators are Django admin superusers; nobody else enters the admin.
    user.is_staff = user.is_superuser = user.role == User.Role.ADMIN
    if password is not None:
        user.set_password(password)
    user.full_clean(exclude=["password"] if password is None else None)
    user.save()
    sync_membership(user)
    return user


def standard_unit_groups(department: Department) -> list[UnitGroup]:
    """The collective names plans use, resolved to rules (「各科室」 = every section …)."""
    names = {
        "各科室": UnitGroup.Rule.SECTIONS,
        "各股室": UnitGroup.Rule.SECTIONS,
        "各股(室)": UnitGroup.Rule.SECTIONS,
        "各区属学校": UnitGroup.Rule.SCHOOLS,
        "各单位": UnitGroup.Rule.ALL,
        "各单位(学校)": UnitGroup.Rule.ALL,
        "各承办科室": UnitGroup.Rule.CHOSEN,
        "各承办股室": UnitGroup.Rule.CHOSEN,
    }
    return [
        UnitGroup.objects.get_or_create(department=department, name=name, defaults={"rule": rule})[
            0
        ]
        for name, rule in names.items()
    ]


@transaction.atomic
def add_alias(department: Department, *, name: str, unit: Unit) -> UnitAlias:
    """Remember that plans call ``unit`` by ``name``; the next import matches it."""
    alias, _ = UnitAlias.objects.update_or_create(
        department=department, name=name, defaults={"unit": unit}
    )
    return alias


def representative_of(department: Department, *, short_name: str = "") -> Unit:
    """The unit of the department's superior that stands for it in the superior's plans
    (「区教育局」 in the district office's plan), created on first use."""
    if department.parent_id is None:
        raise ValidationError(_("{name} has no superior.").format(name=department))
    found = Unit.objects.filter(department=department.parent_id, represents=department).first()
    return found or save_unit(
        Unit(
            department_id=department.parent_id,
            name=department.name,
            short_name=short_name,
            kind=Unit.Kind.DEPARTMENT,
            represents=department,
        )
    )
