"""List tables. Column headers of the task table follow the 任务分解表 the office keeps in Excel."""

from __future__ import annotations

from collections.abc import Iterable

import django_tables2 as tables
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_tables2.utils import AttributeDict

from core.workdays import Due
from org.forms import escaped
from org.tables import IsoDateColumn, WrittenRowsTable

from .models import Assignment, Task
from .queries import Deadlines, Part, units_of
from .templatetags.deadlines import due_badge


class DeadlineRows:
    """Rows of open work say where their deadline stands (a badge in words, on the working-day
    calendar) and those past it stand out."""

    def done(self, record) -> bool:
        return record.status == Assignment.Status.COMPLETED

    def deadline(self, record: Task | Assignment) -> Due | None:
        # Asked twice a row (its class, its cell): worked out once.
        dues = self.__dict__.setdefault("_dues", {})
        if record.pk not in dues:
            deadlines = self.__dict__.setdefault("_deadlines", Deadlines(timezone.localdate()))
            task = record.task if isinstance(record, Assignment) else record
            dues[record.pk] = deadlines.of(task, done=self.done(record))
        return dues[record.pk]

    def row_class(self, record: Task | Assignment) -> str:
        due = self.deadline(record)
        return "overdue" if due is not None and due.state == Due.OVERDUE else ""

    def due_cell(self, record: Task | Assignment) -> SafeString:
        task = record.task if isinstance(record, Assignment) else record
        badge = due_badge(self.deadline(record), everything=False)
        return mark_safe(task.due_date.isoformat()) + badge  # a date: nothing to escape


class TaskTable(DeadlineRows, WrittenRowsTable):
    parts: dict[int, list[Part]]  # the page's assignments by task (read_for)

    number = tables.Column(_("No."), empty_values=(), orderable=False)
    text = tables.Column(_("task"), linkify=True, attrs={"td": {"class": "task-text"}})
    lead = tables.Column(_("lead units"), empty_values=())
    support = tables.Column(_("co-operating units"), empty_values=(), orderable=False)
    due_date = IsoDateColumn(verbose_name=_("deadline"))
    progress = tables.Column(_("progress"), empty_values=())
    plan = tables.Column(_("plan"), linkify=True)

    class Meta:
        model = Task
        fields = ["number", "text", "lead", "support", "due_date", "progress", "plan"]
        order_by = ("due_date",)
        empty_text = _("No tasks match.")

    def order_lead(self, queryset, is_descending: bool):
        # By the name of the task's first lead unit (a task led by several sorts under the
        # first in name order), ties by deadline then id; tasks without a lead come last.
        first = (
            Assignment.objects.filter(task=OuterRef("pk"), role=Assignment.Role.LEAD)
            .order_by("unit__name")
            .values("unit__name")[:1]
        )
        name = (
            F("lead_name").desc(nulls_last=True)
            if is_descending
            else F("lead_name").asc(nulls_last=True)
        )
        ordered = queryset.annotate(lead_name=Subquery(first)).order_by(name, "due_date", "pk")
        return ordered, True

    def order_progress(self, queryset, is_descending: bool):
        # The counts only when the list is sorted by them: a page counts its rows' parts.
        # (Ties are ordered by pk, org.tables.Table.)
        return queryset.with_progress().order_by(
            ("-" if is_descending else "") + "n_completed"
        ), True

    def read_for(self, records: list[Task]) -> None:
        # The page's assignments and their units as rows, in one query (queries.task_page_rows).
        self.parts = units_of(record.pk for record in records)

    def progress_of(self, record: Task) -> tuple[int, int]:
        """(completed, all) of the task's assignments."""
        parts = self.parts[record.pk]
        return sum(p.status == Assignment.Status.COMPLETED for p in parts), len(parts)

    def done(self, record: Task) -> bool:
        completed, total = self.progress_of(record)
        return completed >= total

    def cells(self, record: Task, number: int) -> SafeString:
        # The row's cells in one string, each value escaped as format_html would: format_html
        # escapes through a lazy-string wrapper that costs more than the escaping, for the
        # six hundred values of a page. The page's rows share a plan or two, whose link is made
        # once. (The 任务分解表 export is tasks/xlsx_export.py.)
        lead: list[str] = []
        support: list[str] = []
        for part in self.parts[record.pk]:
            (lead if part.role == Assignment.Role.LEAD else support).append(escaped(part.unit))
        plans = self.__dict__.setdefault("_plans", {})
        if record.plan_id not in plans:
            plan = record.plan
            plans[record.plan_id] = (escaped(plan.get_absolute_url()), escaped(plan))
        plan_url, plan_title = plans[record.plan_id]
        label = self.labels
        done, total = self.progress_of(record)
        return mark_safe(  # every value escaped here; the labels and the due cell are safe
            f'<td data-label="{label["number_label"]}">{int(number)}</td>'
            f'<td data-label="{label["text_label"]}" class="task-text">'
            f'<a href="{escaped(record.get_absolute_url())}">{escaped(self.render_text(record))}'
            f'</a></td><td data-label="{label["lead_label"]}">{"、".join(lead)}</td>'
            f'<td data-label="{label["support_label"]}">{"、".join(support)}</td>'
            f'<td data-label="{label["due_date_label"]}">{self.due_cell(record)}</td>'
            f'<td data-label="{label["progress_label"]}">'
            f'<meter min="0" max="{total}" value="{done}"></meter> {done}/{total}</td>'
            f'<td data-label="{label["plan_label"]}"><a href="{plan_url}">{plan_title}</a></td>'
        )

    def render_text(self, record: Task) -> str:
        return record.title or record.text


class AssignmentTable(DeadlineRows, WrittenRowsTable):
    task = tables.Column(_("task"), linkify=lambda record: record.get_absolute_url())
    # By name, then deadline (and pk, org.tables.Table): one order whatever the database.
    unit = tables.Column(_("unit"), order_by=("unit__name", "task__due_date"))
    role = tables.Column(_("role"))
    due = IsoDateColumn(verbose_name=_("deadline"), accessor="task__due_date")
    status = tables.Column(_("status"), attrs={"td": {"class": lambda value: f"status-{value}"}})
    plan = tables.Column(_("plan"), accessor="task__plan")

    class Meta:
        model = Assignment
        fields = ["task", "unit", "role", "due", "status", "plan"]
        order_by = ("due",)
        empty_text = _("Nothing assigned to you matches.")

    def order_due(self, queryset, is_descending: bool):
        # Work the office returned comes first, whichever way the deadlines are sorted: it is
        # what the unit has to take up again.
        returned_first = Case(
            When(status=Assignment.Status.RETURNED, then=Value(0)), default=Value(1)
        )
        due = F("task__due_date").desc() if is_descending else F("task__due_date").asc()
        return queryset.order_by(returned_first, due, "pk"), True

    def cells(self, record: Assignment, number: int) -> SafeString:
        # The labels get_FOO_display gives, from a dict made once a page rather than once a
        # cell (it builds one from the field's choices at every call).
        if not hasattr(self, "_labels"):
            self._labels = {
                "role": dict(Assignment.Role.choices),
                "status": dict(Assignment.Status.choices),
            }
        role = self._labels["role"].get(record.role, record.role)
        status = self._labels["status"].get(record.status, record.status)
        return format_html(
            '<td data-label="{task_label}"><a href="{}">{}</a></td>'
            '<td data-label="{unit_label}">{}</td><td data-label="{role_label}">{}</td>'
            '<td data-label="{due_label}">{}</td>'
            '<td data-label="{status_label}" class="status-{}">{}</td>'
            '<td data-label="{plan_label}">{}</td>',
            record.get_absolute_url(),
            record.task,
            record.unit,
            role,
            self.due_cell(record),
            record.status,  # the class is the code; the label is translated
            status,
            record.task.plan,
            **self.labels,
        )


def _select(name: str) -> tables.CheckBoxColumn:
    """A row's checkbox for the office's bulk actions. The inputs belong to the actions bar's
    form (``form="bulk"``) by attribute, so the table need not sit inside it with its sorting
    and paging links; the header's box ticks them all (static/js/bulk.js)."""
    return tables.CheckBoxColumn(
        accessor="pk",
        exclude_from_export=True,
        attrs={
            "th__input": {"data-select-all": name, "aria-label": _("select all")},
            "td__input": {"name": name, "form": "bulk", "aria-label": _("select")},
        },
    )


def _select_cell(
    table: tables.Table, record: Task | Assignment, shown: Iterable[Assignment | Part]
) -> SafeString:
    """The checkbox, and the version of each assignment the row shows: a sign-off of work
    changed after the list was opened is refused (tasks.services.bulk_sign_off)."""
    # The column's own render builds and binds its attributes for every row; they are the
    # same on every row but for the value, so they are written once a page.
    attrs = table.__dict__.get("_select_attrs")
    if attrs is None:
        bound = table.columns["select"]
        given = bound.column.attrs["td__input"]
        attrs = table.__dict__["_select_attrs"] = (
            given.get("name", bound.name),
            AttributeDict({k: v for k, v in given.items() if k != "name"}).as_html(),
        )
    name, rest = attrs
    seen = "".join(  # ids and versions: integers
        f'<input type="hidden" name="seen" value="{int(a.pk)}:{int(a.version)}" form="bulk">'
        for a in shown
    )
    # A box to tick needs no label on a card.
    return mark_safe(  # the name escaped, the attributes written by AttributeDict.as_html
        f'<td data-label="" class="select"><input type="checkbox" name="{escaped(name)}" '
        f'value="{int(record.pk)}" {rest} />{seen}</td>'
    )


class TaskSelectTable(TaskTable):
    """The office's task list: rows to tick for the bulk actions."""

    select = _select("task")

    class Meta(TaskTable.Meta):
        sequence = ("select", "...")

    def cells(self, record: Task, number: int) -> SafeString:
        return _select_cell(self, record, self.parts[record.pk]) + super().cells(record, number)


class ReviewTable(AssignmentTable):
    """The review queue: submissions to tick and accept (销号) together."""

    select = _select("assignment")

    class Meta(AssignmentTable.Meta):
        sequence = ("select", "...")

    def cells(self, record: Assignment, number: int) -> SafeString:
        return _select_cell(self, record, [record]) + super().cells(record, number)
