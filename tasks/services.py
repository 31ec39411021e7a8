"""Writes for tasks and assignments. Each runs in one transaction and names its actor ``by``."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from org.models import Unit, UnitGroup, User
from org.services import ensure_unit_group
from plans.models import Heading, Plan

from . import permissions
from .models import Assignment, Task


@dataclass
class Responsibility:
    """Who answers for a task: units named one by one, and collective names (「各科室」)."""

    lead: list[Unit] = field(default_factory=list)
    support: list[Unit] = field(default_factory=list)
    groups: list[UnitGroup] = field(default_factory=list)

    def roles(self) -> dict[Unit, str]:
        """Each unit once. Members of a collective name each lead their own part, unless the
        task names a lead unit, in which case they co-operate."""
        roles: dict[Unit, str] = {}
        for unit in self.lead:
            roles.setdefault(unit, Assignment.Role.LEAD)
        for unit in self.support:
            roles.setdefault(unit, Assignment.Role.SUPPORT)
        group_role = Assignment.Role.SUPPORT if self.lead else Assignment.Role.LEAD
        for group in self.groups:
            for unit in group.members():
                roles.setdefault(unit, group_role)
        return roles


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def check_task(
    plan: Plan,
    *,
    heading: Heading | None,
    deadline_kind: str,
    due_date: datetime.date | None,
    recurrence: str,
    responsibility: Responsibility,
) -> datetime.date:
    """Validate a task against its plan; return the due date to store. Raises per field."""
    errors: dict[str, str] = {}
    if heading is not None and heading.plan_id != plan.pk:
        errors["heading"] = _("The heading belongs to another plan.")
    if deadline_kind == Task.DeadlineKind.DATE:
        if due_date is None:
            errors["due_date"] = _("Give the deadline date.")
        elif due_date.year != plan.year:
            errors["due_date"] = _("The deadline must fall within the plan's year {year}.").format(
                year=plan.year
            )
    elif deadline_kind == Task.DeadlineKind.RECURRING and not recurrence:
        errors["recurrence"] = _("Say how often the work recurs.")
    units = [*responsibility.lead, *responsibility.support]
    if not units and not responsibility.groups:
        errors["lead_units"] = _("Name at least one responsible unit.")
    foreign = [u for u in units if u.department_id != plan.department_id]
    foreign += [g for g in responsibility.groups if g.department_id != plan.department_id]
    if foreign:
        errors["lead_units"] = _("{names} belong(s) to another department.").format(
            names="、".join(str(x) for x in foreign)
        )
    if errors:
        raise ValidationError(errors)
    if deadline_kind == Task.DeadlineKind.DATE:
        assert due_date is not None
        return due_date
    return year_end(plan.year)


@transaction.atomic
def save_task(
    task: Task,
    *,
    responsibility: Responsibility,
    by: User | None,
) -> Task:
    """Create or update a task and bring its assignments in line with ``responsibility``."""
    task.due_date = check_task(
        task.plan,
        heading=task.heading,
        deadline_kind=task.deadline_kind,
        due_date=task.due_date,
        recurrence=task.recurrence,
        responsibility=responsibility,
    )
    if task.deadline_kind != Task.DeadlineKind.RECURRING:
        task.recurrence = ""
    task._history_user = by
    task.full_clean()
    task.save()
    task.groups.set(responsibility.groups)
    _set_assignments(task, responsibility.roles(), by=by)
    return task


def _set_assignments(task: Task, roles: dict[Unit, str], *, by: User | None) -> None:
    current = {a.unit_id: a for a in task.assignments.select_related("unit__group")}
    wanted = {unit.pk: (unit, role) for unit, role in roles.items()}
    dropped = [a for unit_id, a in current.items() if unit_id not in wanted]
    started = [a for a in dropped if a.status != Assignment.Status.NOT_STARTED]
    if started:
        raise ValidationError(
            {
                "lead_units": _(
                    "{names} already reported on this task; their assignments cannot be removed."
                ).format(names="、".join(str(a.unit) for a in started))
            }
        )
    for assignment in dropped:
        permissions.revoke_unit_access(assignment)
        assignment._history_user = by
        assignment.delete()
    for unit_id, (unit, role) in wanted.items():
        assignment = current.get(unit_id)
        if assignment is None:
            ensure_unit_group(unit)
            assignment = Assignment(task=task, unit=unit, role=role)
            assignment._history_user = by
            assignment.save()
            permissions.grant_unit_access(assignment)
        elif assignment.role != role:
            assignment.role = role
            assignment._history_user = by
            assignment.save(update_fields=["role", "updated_at"])


@transaction.atomic
def update_assignment(
    assignment: Assignment, *, status: str, progress: str, by: User
) -> Assignment:
    """A unit reports progress or moves its assignment on; the office accepts or returns it."""
    if status not in permissions.allowed_statuses(by, assignment):
        raise ValidationError(
            {
                "status": _(
                    "You cannot move this assignment from “{current}” to “{target}”."
                ).format(
                    current=assignment.get_status_display(), target=Assignment.Status(status).label
                )
            }
        )
    assignment.status = status
    assignment.progress = progress
    assignment._history_user = by
    assignment.full_clean()
    assignment.save(update_fields=["status", "progress", "updated_at"])
    return assignment


def units_of(plan: Plan, names: Iterable[str]) -> list[Unit]:
    """Units of the plan's department by name or short name, in the order given."""
    by_name: dict[str, Unit] = {}
    for unit in Unit.objects.filter(department=plan.department_id):
        by_name[unit.name] = unit
        if unit.short_name:
            by_name[unit.short_name] = unit
    return [by_name[n] for n in names]
