"""A superior's tasks cascading to its subordinate departments.

A superior department's plan names a subordinate department as it names a section: through a
unit that stands for it (``org.Unit.represents``, 「区教育局」 in the district office's plan).
The superior's assignment to such a unit is cascaded: the department's office finds it in its
inbox (上级下发任务) and places it in its own plan, as a new task (under one of its headings, or
at the plan's top level while the plan has none) or by linking a task it already has
(``Task.upstream``); or, importing its plan, in the importer's preview
(``importing.confirm_import``, through ``place_as_new``). From then on the department's
progress rolls up and the superior's edits come down (``tasks.upstream``).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from org.models import Unit, User
from plans.models import Heading, Plan

from . import permissions, upstream
from .models import Assignment, ProgressUpdate, Task
from .services import Responsibility, save_task

# What the inbox page lists, and the menu's badge counts (``waiting``): one definition each.
# Not yet placed, while the superior's plan is open: a closed one's tasks are placed no more.
_UNPLACED = Q(downstream=None, task__plan__status=Plan.Status.ISSUED)
# Placed, and changed by the superior since the office last looked.
_CHANGED = Q(downstream__upstream_changed_at__isnull=False)


def inbox(user: User) -> QuerySet[Assignment]:
    """The superior's assignments the person's department has still to place."""
    return (
        permissions.cascaded_to(user)
        .filter(_UNPLACED)
        .select_related("task__plan__department", "task__heading", "unit")
        .order_by("task__due_date", "pk")
    )


def changed_upstream(user: User) -> QuerySet[Task]:
    """The department's tasks whose superior's task changed since the office last looked."""
    placed = permissions.cascaded_to(user).filter(_CHANGED)
    return (
        Task.objects.filter(upstream__in=placed)
        .select_related("plan", "upstream__task__plan__department")
        .order_by("-upstream_changed_at")
    )


def waiting(user: User) -> QuerySet[Assignment]:
    """The superior's assignments waiting on the office: those of ``inbox`` and of
    ``changed_upstream``, the two lists of its page."""
    return permissions.cascaded_to(user).filter(_UNPLACED | _CHANGED)


def waiting_count(user: User, plan: Plan) -> int:
    """How many of the superior's tasks wait to be placed, for the plan's page: its own
    department's office may place them there while the plan is open."""
    if plan.status == Plan.Status.CLOSED or plan.department_id != user.department_id:
        return 0
    return inbox(user).count()


def placeable_plans(user: User) -> QuerySet[Plan]:
    """The plans of the office's department a cascaded task may go into: not closed."""
    return Plan.objects.filter(department=user.department_id).exclude(status=Plan.Status.CLOSED)


def linkable_tasks(plans: Iterable[Plan]) -> QuerySet[Task]:
    """The tasks of the (placeable) plans a superior's task may be linked to, as
    ``link_existing`` checks them: not called off, and placing no other superior's task."""
    return Task.objects.filter(plan__in=list(plans), upstream=None, closed_reason="")


def _claim(assignment: Assignment, *, by: User) -> Assignment:
    """Lock the superior's assignment for placing; refuse if it is not the person's to place,
    or was placed meanwhile (by a colleague, or by this form posted twice)."""
    if not permissions.cascaded_to(by).filter(pk=assignment.pk).exists():
        raise PermissionDenied
    locked = (
        Assignment.objects.select_for_update().select_related("task__plan").get(pk=assignment.pk)
    )
    if locked.task.plan.status != Plan.Status.ISSUED:
        raise ValidationError(_("The superior's plan is closed: its tasks are no longer placed."))
    already = Task.objects.filter(upstream=locked).first()
    if already is not None:
        raise ValidationError(
            _("It is already placed in your plan as “{task}”.").format(task=already),
            code="placed",
        )
    return locked


@dataclass
class Placement:
    """What the office fills in to place a superior's task as a new task of its own: where
    (one of its plans, at the top level, or a heading of one), and the task."""

    where: Plan | Heading
    text: str
    due_date: datetime.date | None
    lead: list[Unit]


@transaction.atomic
def place_as_new(assignment: Assignment, placement: Placement, *, by: User) -> Task:
    """Import the superior's task as a new task of one of the department's plans (under a
    heading, or at its top level: a new plan has no heading yet), with the deadline kind of the
    superior's and the units the office chose; checked as any new task
    (``services.save_task``), so a refusal writes nothing."""
    assignment = _claim(assignment, by=by)
    if isinstance(placement.where, Heading):
        heading: Heading | None = placement.where
        plan = placement.where.plan
    else:
        heading, plan = None, placement.where
    if not permissions.can_manage_tasks_of(by, plan) or plan.status == Plan.Status.CLOSED:
        raise ValidationError({"where": _("Choose one of your open plans or one of its headings.")})
    source = assignment.task
    last = plan.tasks.filter(heading=heading).order_by("-position").first()
    task = Task(
        plan=plan,
        heading=heading,
        position=(last.position + 1) if last else 0,
        title=source.title,
        text=placement.text.strip() or source.text,
        deadline_kind=source.deadline_kind,
        due_date=placement.due_date or source.due_date,
        recurrence=source.recurrence,
        response_days=source.response_days,
        is_milestone=source.is_milestone,
        evidence_required=source.evidence_required,
        upstream=assignment,
    )
    task = save_task(task, responsibility=Responsibility(lead=placement.lead), by=by)
    _placed(task, by=by)
    return task


@transaction.atomic
def link_existing(assignment: Assignment, task: Task, *, by: User) -> Task:
    """Link the superior's task to a task the department already has; its progress so far
    rolls up at once."""
    assignment = _claim(assignment, by=by)
    if not permissions.can(by, permissions.MANAGE, task):
        raise PermissionDenied
    if task.plan.status == Plan.Status.CLOSED:
        raise ValidationError({"task": _("That task's plan is closed.")})
    if task.closed_reason:
        # Called off: nothing more is done on it, so nothing would ever roll up.
        raise ValidationError({"task": _("That task is closed: link one that is still open.")})
    if task.upstream_id is not None:
        raise ValidationError(
            {"task": _("That task already places another of the superior's tasks.")}
        )
    # Not a change of the task its units see (its history leaves the link out): no history row.
    Task.objects.filter(pk=task.pk).update(upstream=assignment)
    task.upstream = assignment
    _placed(task, by=by)
    return task


def _placed(task: Task, *, by: User) -> None:
    upstream.roll_up(
        task,
        by=by,
        note=_("{department} placed it in its plan “{plan}” as “{task}”.").format(
            department=task.plan.department, plan=task.plan, task=task
        ),
    )


@dataclass
class Downstream:
    """A cascaded assignment as its superior sees it: where it was placed and what the
    department's units have reported for the year-end report."""

    task: Task | None
    done: int
    total: int
    summaries: list[tuple[str, datetime.datetime, str]]  # (unit, when, summary)


def downstream_of(assignment: Assignment) -> Downstream:
    task = Task.objects.filter(upstream=assignment).select_related("plan").first()
    if task is None:
        return Downstream(None, 0, 0, [])
    statuses = list(task.assignments.values_list("status", flat=True))
    updates = (
        ProgressUpdate.objects.filter(assignment__task=task)
        .exclude(summary="")
        .select_related("assignment__unit")
        .order_by("created_at", "pk")
    )
    return Downstream(
        task,
        statuses.count(Assignment.Status.COMPLETED),
        len(statuses),
        [(str(u.assignment.unit), u.created_at, u.summary) for u in updates],
    )
