"""Who a person is in the organisation; the other apps' permission modules build on these."""

from collections.abc import Callable
from typing import TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, Model, OuterRef, QuerySet
from django.http import Http404

from .models import Department, User

AnyUser = User | AnonymousUser


# TypeGuard: where one of these answers yes, the person is logged in (a User).
def is_admin(user: AnyUser) -> TypeGuard[User]:
    return bool(user.is_authenticated and (user.is_superuser or user.role == User.Role.ADMIN))


def is_office(user: AnyUser, department_id: int | None = None) -> TypeGuard[User]:
    """Office staff of the department (of any department when none is given)."""
    if not user.is_authenticated or user.role != User.Role.OFFICE:
        return False
    return department_id is None or user.department_id == department_id


def is_leader(user: AnyUser, department_id: int | None = None) -> TypeGuard[User]:
    if not user.is_authenticated or user.role != User.Role.LEADER:
        return False
    return department_id is None or user.department_id == department_id


def sees_whole_department(user: AnyUser) -> TypeGuard[User]:
    """Office staff and leaders see all of their department's work."""
    return is_office(user) or is_leader(user)


def is_unit_member(user: AnyUser) -> TypeGuard[User]:
    return bool(
        user.is_authenticated
        and user.unit_id
        and user.role in (User.Role.UNIT_HEAD, User.Role.UNIT_STAFF, User.Role.OFFICE)
    )


def is_placed(user: AnyUser) -> bool:
    """Has a place in the organisation: an administrator, a department's leader, or a member of
    a unit. A person signed in through a directory that named no unit of ours is not, and sees
    nothing until the office assigns one (org/sso.py)."""
    if is_admin(user):
        return True
    if not user.is_authenticated or user.department_id is None:
        return False
    return user.role == User.Role.LEADER or is_unit_member(user)


def overseen_departments(user: AnyUser) -> list[int]:
    """The departments below the person's own (at any depth), whose plans and reports the
    superior's office staff and leaders read; empty for anyone else. Never sideways."""
    if not sees_whole_department(user) or user.department_id is None:
        return []
    # Read once a request (the person of a request lives for that request). The person as the
    # login backend reads them says whether their department has any below it at all
    # (``oversees``): then most people's pages ask nothing more of the tree.
    found: list[int] | None = user.__dict__.get("_overseen")
    if found is None:
        if getattr(user, "oversees", True):
            from .levels import below  # levels reads the models this module also imports

            found = below(user.department_id)
        else:
            found = []
        user.__dict__["_overseen"] = found
    return found


def place_in_tree(department: str = "department") -> dict[str, Exists | F]:
    """Where the department at ``department`` (a path from the rows queried) stands among the
    levels: whether it has any below it (``oversees``) and the one above it (``superior``),
    annotated on the person as the login backend or the API's token reads them, so that most
    people's pages ask nothing more of the tree (``overseen_departments``, ``has_superior``)."""
    return {
        "oversees": Exists(Department.objects.filter(parent=OuterRef(department))),
        "superior": F(f"{department}__parent"),
    }


def has_superior(user: AnyUser) -> bool:
    """Whether the person's department has one above it, whose tasks may cascade to it."""
    department = getattr(user, "department_id", None)
    if department is None:
        return False
    if not hasattr(user, "superior"):  # a person not read by a login backend
        parent = Department.objects.filter(pk=department).values_list("parent", flat=True)
        user.superior = parent.get()  # type: ignore[union-attr]  # a person: they have a department
    return user.superior is not None  # type: ignore[union-attr]


def listed_department(user: AnyUser, value: str | None) -> int | None:
    """The department a superior's list shows when ``value`` (a list's 部门 filter) names one:
    their own or one they oversee, their own when it names none of those; None for anyone who
    oversees nothing (their lists are as they were)."""
    overseen = overseen_departments(user)
    if not overseen:
        return None
    chosen = int(value) if value and value.isdigit() else None
    return chosen if chosen in overseen else getattr(user, "department_id", None)


def office_department(user: AnyUser) -> Department:
    """The department of an office staff member, whose plans, tasks and registers they keep;
    anyone else is refused (403)."""
    if not is_office(user) or user.department is None:
        raise PermissionDenied
    return user.department


def importable_departments(user: AnyUser) -> QuerySet[Department]:
    """Departments whose units and people the person may import from a spreadsheet: office
    staff their own, an administrator any; anyone else is refused (403)."""
    if is_admin(user):
        return Department.objects.all()
    return Department.objects.filter(pk=office_department(user).pk)


M = TypeVar("M", bound=Model)


VIEW = "view"  # every app's name for seeing an object


def reader_department(user: AnyUser) -> Department:
    """The department whose work the person reads whole (its rankings, its roll-ups): their
    own, for office staff and leaders; anyone else is refused (403)."""
    if not sees_whole_department(user) or user.department is None:
        raise PermissionDenied
    return user.department


def oversight_department(user: AnyUser, action: str = VIEW) -> Department:
    """The department from which the person reads those below it (their reports rolled up,
    their ranking): office staff and leaders of a department with any below it; only its
    office staff act on them (``action`` other than VIEW). Anyone else is refused (403), rather
    than shown an empty page they cannot have."""
    department = reader_department(user)
    if not overseen_departments(user) or (action != VIEW and not is_office(user)):
        raise PermissionDenied
    return department


def department_wide(user: AnyUser, queryset: QuerySet[M], *, overseen: bool = False) -> QuerySet[M]:
    """Rows that belong to a department as a whole (its registers, its report): its office
    staff and leaders see them, administrators see all, a unit's people see none. With
    ``overseen``, a superior's office staff and leaders see those of the departments below
    theirs too (to read: writing asks is_office of the row's own department)."""
    if not user.is_authenticated or not (is_admin(user) or sees_whole_department(user)):
        return queryset.none()
    if is_admin(user):
        return queryset
    below = overseen_departments(user) if overseen else []
    if below:
        return queryset.filter(department__in=[user.department_id, *below])
    return queryset.filter(department=user.department_id)


def get_visible_or_404(
    visible: QuerySet[M],
    pk: int,
    *,
    user: AnyUser,
    action: str,
    can: Callable[[AnyUser, str, M], bool],
) -> M:
    """Every app's object lookup for a view: what the person may not see (not in ``visible``)
    answers 404; what they may see but not do ``action`` with (the app's ``can``), 403."""
    obj = visible.filter(pk=pk).first()
    if obj is None:
        raise Http404
    if action != VIEW and not can(user, action, obj):
        raise PermissionDenied
    return obj
