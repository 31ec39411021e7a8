"""Reads for tasks and assignments: list rows, due windows and the plan tree."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Prefetch, Q, QuerySet

from core.holidays import calendar_for
from core.workdays import Calendar, CalendarNotCovered, Due, due_on
from org.models import Unit, User
from plans.models import Heading, Plan

from .models import (
    Assignment,
    Figure,
    Notification,
    ProgressUpdate,
    Reminder,
    Task,
    TaskQuerySet,
)

DUE_SOON_DAYS = 7


class DueWindow:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"


def task_page_rows(tasks: TaskQuerySet) -> TaskQuerySet:
    """The tasks of a list page with their plan; their units, and the progress counted from
    them, are read as rows for the page alone (``units_of``), not as objects nor as three
    correlated counts a row."""
    return tasks.select_related("plan")


def task_rows(tasks: TaskQuerySet) -> TaskQuerySet:
    """Everything a task list row shows, as objects, in a constant number of queries."""
    return with_parts(task_page_rows(tasks).with_progress())


def with_parts(tasks: TaskQuerySet) -> TaskQuerySet:
    """The tasks with their assignments and units, as objects (the export's, the API's)."""
    return tasks.prefetch_related(
        # In the model's order within a task, without the joins to task and plan its
        # ordering by task would add to every page's query. Only what a row shows of them
        # (a unit's name, its role; the version the office's bulk sign-off was shown).
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("unit")
            .only("task", "role", "version", "unit__name", "unit__short_name")
            .order_by(*_PART_ORDER),
        ),
    )


_PART_ORDER = ("-role", "unit__position", "pk")  # leads first, then as the units are listed


class Part(NamedTuple):
    """An assignment as a task row shows it: its unit's label (``Unit.__str__``), its role, its
    status (the row's progress), and the version the office's bulk sign-off was shown."""

    pk: int
    role: str
    status: str
    version: int
    unit: str


def units_of(task_ids: Iterable[int]) -> dict[int, list[Part]]:
    """The assignments of the given tasks as rows, by task, in ``task_rows``' order: a page's
    hundred-odd assignments and units without making them into objects."""
    rows = (
        Assignment.objects.filter(task__in=list(task_ids))
        .order_by(*_PART_ORDER)
        .values_list("task_id", "pk", "role", "status", "version", "unit__name", "unit__short_name")
    )
    parts: dict[int, list[Part]] = defaultdict(list)
    for task, pk, role, status, version, name, short_name in rows:
        parts[task].append(Part(pk, role, status, version, short_name or name))
    return parts


def assignment_rows(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.select_related("task__plan", "unit")


def open_assignments(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.exclude(status=Assignment.Status.COMPLETED)


OPEN_STATUSES = [s for s in Assignment.Status.values if s != Assignment.Status.COMPLETED]


def due_condition(window: str, today: datetime.date, *, from_task: bool = False) -> Q:
    """Open assignments that are overdue, or due within the next week, as a condition on
    assignments (or, ``from_task``, on a task's assignments): lists filter with it and the
    dashboard counts with it, so they agree."""
    status, due = ("assignments__status", "due_date") if from_task else ("status", "task__due_date")
    is_open = Q(**{f"{status}__in": OPEN_STATUSES})
    if window == DueWindow.OVERDUE:
        return is_open & Q(**{f"{due}__lt": today})
    if window == DueWindow.DUE_SOON:
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        return is_open & Q(**{f"{due}__range": (today, soon)})
    return Q()


def assignments_due(
    assignments: QuerySet[Assignment], window: str, today: datetime.date
) -> QuerySet[Assignment]:
    """Open assignments that are overdue, or due within the next week."""
    return assignments.filter(due_condition(window, today))


def tasks_due(
    tasks: TaskQuerySet, window: str, today: datetime.date, *, unit: Unit | None = None
) -> TaskQuerySet:
    """Tasks with at least one open assignment in the window (the given unit's, if any)."""
    assignments = Assignment.objects.all() if unit is None else unit.assignments.all()
    due = assignments_due(assignments, window, today)
    return tasks.filter(pk__in=due.values("task_id"))


# A unit's part of a task is in the task state its own status stands for.
_STATUSES_IN_STATE: dict[str, list[str]] = {
    Task.State.NOT_STARTED: [Assignment.Status.NOT_STARTED],
    Task.State.IN_PROGRESS: [
        Assignment.Status.IN_PROGRESS,
        Assignment.Status.SUBMITTED,
        Assignment.Status.RETURNED,
    ],
    Task.State.COMPLETED: [Assignment.Status.COMPLETED],
}


def tasks_in_state(tasks: TaskQuerySet, state: str, *, unit: Unit | None = None) -> TaskQuerySet:
    """Tasks in the derived state; with a unit, tasks whose part of that unit is in it."""
    if unit is None:
        return tasks.in_state(state)
    parts = unit.assignments.filter(status__in=_STATUSES_IN_STATE[state])
    return tasks.filter(pk__in=parts.values("task_id"))


@dataclass
class TreeNode:
    heading: Heading | None
    tasks: list[Task] = field(default_factory=list)
    children: list["TreeNode"] = field(default_factory=list)


def plan_tree(plan: Plan, tasks: TaskQuerySet, *, prune: bool) -> list[TreeNode]:
    """The plan's headings as a tree with the given tasks under them, in a fixed number of queries.

    With ``prune``, headings with no visible task below them are left out (a unit sees its part).
    Tasks with no heading come first, under a node without a heading.
    """
    headings = list(Heading.objects.filter(plan=plan))
    tasks = task_rows(tasks.filter(plan=plan)).prefetch_related("groups")
    return _grow(headings, tasks, prune=prune)


def _grow(headings: list[Heading], tasks: Iterable[Task], *, prune: bool) -> list[TreeNode]:
    nodes = {h.pk: TreeNode(h) for h in headings}
    loose = TreeNode(None)
    for task in tasks:
        (nodes[task.heading_id] if task.heading_id else loose).tasks.append(task)
    roots = [loose] if loose.tasks else []
    for heading in headings:
        node = nodes[heading.pk]
        (nodes[heading.parent_id].children if heading.parent_id else roots).append(node)

    def keep(node: TreeNode) -> bool:
        node.children = [c for c in node.children if keep(c)]
        return bool(node.tasks or node.children)

    return [n for n in roots if keep(n)] if prune else roots


@dataclass
class PlanTree:
    plan: Plan
    nodes: list[TreeNode]


def breakdown(tasks: TaskQuerySet) -> list[PlanTree]:
    """The given tasks (``task_rows``) in their plans' order, under their plans' headings:
    headings with none of them below are left out. Two queries besides the tasks'."""
    rows = sorted(tasks.prefetch_related("groups"), key=lambda task: (task.position, task.pk))
    plans = Plan.objects.filter(pk__in={task.plan_id for task in rows}).select_related("department")
    headings: dict[int, list[Heading]] = defaultdict(list)
    for heading in Heading.objects.filter(plan__in=plans):
        headings[heading.plan_id].append(heading)
    by_plan: dict[int, list[Task]] = defaultdict(list)
    for task in rows:
        by_plan[task.plan_id].append(task)
    return [PlanTree(p, _grow(headings[p.pk], by_plan[p.pk], prune=True)) for p in plans]


def updates_of(assignment: Assignment) -> QuerySet[ProgressUpdate]:
    """The assignment's updates, newest first, with their evidence (a fixed number of queries)."""
    return assignment.updates.select_related("author").prefetch_related(
        "files", "links", Prefetch("figures", queryset=Figure.objects.select_related("metric"))
    )


@dataclass
class Resumed:
    """A report's fields as a form's first values: the progress form's, the links', the
    figures'. Empty when there is nothing to start from."""

    text: dict = field(default_factory=dict)
    links: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)


def report_to_resume(assignment: Assignment, updates: list[ProgressUpdate]) -> Resumed:
    """For work the office returned: the unit's last report (``updates`` newest first, as
    ``updates_of`` reads them), to correct rather than type again. Files stay where they are:
    the office sees every round's."""
    if assignment.status != Assignment.Status.RETURNED:
        return Resumed()
    last = next((u for u in updates if u.status != Assignment.Status.RETURNED), None)
    if last is None:
        return Resumed()
    return Resumed(
        text={"text": last.text, "summary": last.summary, "percent": last.percent},
        links=[{"url": link.url, "title": link.title} for link in last.links.all()],
        figures=[{"metric": f.metric_id, "value": f.value} for f in last.figures.all()],
    )


def reminders_of(assignment: Assignment) -> QuerySet[Reminder]:
    """What was sent about the assignment, to whom (read or not)."""
    return assignment.reminders.prefetch_related(
        Prefetch("notifications", queryset=Notification.objects.select_related("recipient"))
    )


class Deadlines:
    """Where deadlines stand on ``today`` in working days, each on its department's calendar
    (read once a department: a list page's rows share one)."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.calendars: dict[int, Calendar] = {}

    def of(self, task: Task, *, done: bool) -> Due | None:
        """None once the work is done or closed, for recurring work (its periods are reminded
        instead) and where the calendar of a year is not known yet."""
        if done or task.closed_reason or task.deadline_kind == Task.DeadlineKind.RECURRING:
            return None
        department = task.plan.department_id
        if department not in self.calendars:
            self.calendars[department] = calendar_for(self.today.year, department=department)
        try:
            return due_on(self.calendars[department], task.due_date, self.today)
        except CalendarNotCovered:
            return None


def due_of(assignment: Assignment, today: datetime.date) -> Due | None:
    """Where the assignment's deadline stands today (``Deadlines``)."""
    done = assignment.status == Assignment.Status.COMPLETED
    return Deadlines(today).of(assignment.task, done=done)


def notifications_of(person: User) -> QuerySet[Notification]:
    """The person's bell, newest first, with what each row names."""
    return Notification.objects.filter(recipient=person).select_related(
        "reminder__assignment__task",
        "reminder__assignment__unit",
        "event__task",
        "event__assignment",
        "event__unit",
        "event__actor",
    )
