"""Reads for tasks and assignments: list rows, due windows and the plan tree."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from plans.models import Heading, Plan

from .models import Assignment, Figure, Notification, ProgressUpdate, Reminder, Task

DUE_SOON_DAYS = 7


class DueWindow:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"


def task_rows(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Everything a task list row shows, in a constant number of queries."""
    return (
        tasks.with_progress()
        .select_related("plan", "heading")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit")),
        )
    )


def assignment_rows(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.select_related("task__plan", "unit")


def open_assignments(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.exclude(status=Assignment.Status.COMPLETED)


def assignments_due(
    assignments: QuerySet[Assignment], window: str, today: datetime.date
) -> QuerySet[Assignment]:
    """Open assignments that are overdue, or due within the next week."""
    if window == DueWindow.OVERDUE:
        return open_assignments(assignments).filter(task__due_date__lt=today)
    if window == DueWindow.DUE_SOON:
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        return open_assignments(assignments).filter(task__due_date__range=(today, soon))
    return assignments


def tasks_due(tasks: QuerySet[Task], window: str, today: datetime.date) -> QuerySet[Task]:
    """Tasks with at least one open assignment in the window."""
    due = assignments_due(Assignment.objects.all(), window, today)
    return tasks.filter(pk__in=due.values("task_id"))


@dataclass
class TreeNode:
    heading: Heading | None
    tasks: list[Task] = field(default_factory=list)
    children: list["TreeNode"] = field(default_factory=list)


def plan_tree(plan: Plan, tasks: QuerySet[Task], *, prune: bool) -> list[TreeNode]:
    """The plan's headings as a tree with the given tasks under them, in a fixed number of queries.

    With ``prune``, headings with no visible task below them are left out (a unit sees its part).
    Tasks with no heading come first, under a node without a heading.
    """
    headings = list(Heading.objects.filter(plan=plan))
    nodes = {h.pk: TreeNode(h) for h in headings}
    loose = TreeNode(None)
    for task in task_rows(tasks.filter(plan=plan)).prefetch_related("groups"):
        (nodes[task.heading_id] if task.heading_id else loose).tasks.append(task)
    roots = [loose] if loose.tasks else []
    for heading in headings:
        node = nodes[heading.pk]
        (nodes[heading.parent_id].children if heading.parent_id else roots).append(node)

    def keep(node: TreeNode) -> bool:
        node.children = [c for c in node.children if keep(c)]
        return bool(node.tasks or node.children)

    return [n for n in roots if keep(n)] if prune else roots


def updates_of(assignment: Assignment) -> QuerySet[ProgressUpdate]:
    """The assignment's updates, newest first, with their evidence (a fixed number of queries)."""
    return assignment.updates.select_related("author").prefetch_related(
        "files", "links", Prefetch("figures", queryset=Figure.objects.select_related("metric"))
    )


def reminders_of(assignment: Assignment) -> QuerySet[Reminder]:
    """What was sent about the assignment, to whom (read or not)."""
    return assignment.reminders.prefetch_related(
        Prefetch("notifications", queryset=Notification.objects.select_related("recipient"))
    )
