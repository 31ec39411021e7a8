"""List tables. Column headers of the task table follow the 任务分解表 the office keeps in Excel."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, TypeAlias, TypedDict

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from org.tables import IsoDateColumn, Table

from .models import Assignment, Task

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Progress(TypedDict):
    """The counts TaskQuerySet.with_progress() annotates each task with."""

    n_assignments: int
    n_completed: int


TaskRow: TypeAlias = "WithAnnotations[Task, _Progress]"  # a row of the task table


def _units(task: Task, role: str) -> str:
    # Uses the prefetched assignments: no query per row.
    return "、".join(str(a.unit) for a in task.assignments.all() if a.role == role)


def _overdue_class(record: TaskRow | Assignment) -> str:
    """Rows of open work past its deadline stand out (row_attrs is evaluated per row)."""
    task = record if isinstance(record, Task) else record.task
    is_open = (
        record.n_completed < record.n_assignments
        if isinstance(record, Task)
        else record.status != Assignment.Status.COMPLETED
    )
    return "overdue" if is_open and task.due_date < timezone.localdate() else ""


class TaskTable(Table):
    number = tables.Column(_("No."), empty_values=(), orderable=False)
    text = tables.Column(_("task"), linkify=True, attrs={"td": {"class": "task-text"}})
    lead = tables.Column(_("lead units"), empty_values=(), orderable=False)
    support = tables.Column(_("co-operating units"), empty_values=(), orderable=False)
    due_date = IsoDateColumn(verbose_name=_("deadline"))
    progress = tables.Column(_("progress"), empty_values=(), order_by=("n_completed",))
    plan = tables.Column(_("plan"), linkify=True)

    class Meta:
        model = Task
        fields = ["number", "text", "lead", "support", "due_date", "progress", "plan"]
        order_by = ("due_date",)
        empty_text = _("No tasks match.")
        row_attrs = {"class": _overdue_class}

    def render_number(self) -> int:
        # Numbered down the page (and from 1 in an export, which is not paginated).
        if not hasattr(self, "_row_numbers"):
            self._row_numbers = itertools.count(
                self.page.start_index() if hasattr(self, "page") else 1
            )
        return next(self._row_numbers)

    value_number = render_number

    def render_text(self, record: Task) -> str:
        return record.title or record.text

    def render_lead(self, record: Task) -> str:
        return _units(record, Assignment.Role.LEAD)

    def render_support(self, record: Task) -> str:
        return _units(record, Assignment.Role.SUPPORT)

    def render_progress(self, record: TaskRow) -> str:
        return format_html(
            '<meter min="0" max="{}" value="{}"></meter> {}/{}',
            record.n_assignments,
            record.n_completed,
            record.n_completed,
            record.n_assignments,
        )

    # Exported cells hold plain values (the 任务分解表 columns).
    def value_text(self, record: Task) -> str:
        return record.text

    def value_progress(self, record: TaskRow) -> str:
        return _("{done} of {total} units completed").format(
            done=record.n_completed, total=record.n_assignments
        )

    def value_plan(self, record: Task) -> str:
        return str(record.plan)


class AssignmentTable(Table):
    task = tables.Column(_("task"), linkify=lambda record: record.get_absolute_url())
    unit = tables.Column(_("unit"))
    role = tables.Column(_("role"))
    due = IsoDateColumn(verbose_name=_("deadline"), accessor="task__due_date")
    status = tables.Column(_("status"), attrs={"td": {"class": lambda value: f"status-{value}"}})
    plan = tables.Column(_("plan"), accessor="task__plan")

    class Meta:
        model = Assignment
        fields = ["task", "unit", "role", "due", "status", "plan"]
        order_by = ("due",)
        empty_text = _("Nothing assigned to you matches.")
        row_attrs = {"class": _overdue_class}
