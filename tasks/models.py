"""Tasks of a plan and their assignments, one per responsible unit."""

import functools

from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from org.models import Unit, UnitGroup
from plans.models import Heading, Plan

from .evidence import storage_name


def _assignment_count(condition: Q | None = None) -> Coalesce:
    assignments = Assignment.objects.filter(task=models.OuterRef("pk"))
    if condition is not None:
        assignments = assignments.filter(condition)
    counted = assignments.order_by().values("task").annotate(n=Count("pk")).values("n")
    return Coalesce(models.Subquery(counted, output_field=models.IntegerField()), 0)


@functools.cache
def _progress_counts() -> dict[str, Coalesce]:
    # Built once: annotate() resolves a copy of each expression, and building the three
    # subqueries cost every list page a millisecond.
    return {
        "n_assignments": _assignment_count(),
        "n_completed": _assignment_count(Q(status=Assignment.Status.COMPLETED)),
        "n_started": _assignment_count(~Q(status=Assignment.Status.NOT_STARTED)),
    }


class TaskQuerySet(models.QuerySet):
    def with_progress(self) -> "TaskQuerySet":
        """Annotate assignment counts; a task's state is derived from them, never stored.

        Counted in correlated subqueries, not a JOIN and GROUP BY: PostgreSQL then counts only
        for the rows a page shows (after ORDER BY … LIMIT), and the paginator's COUNT(*) leaves
        them out, instead of grouping every assignment of the year for one page."""
        return self.annotate(**_progress_counts())

    def in_state(self, state: str) -> "TaskQuerySet":
        """Tasks in the derived state (annotated ``with_progress()``). Tested with EXISTS, which
        stops at the first assignment that decides, rather than with the counts."""
        qs = self.with_progress()
        status = Assignment.Status
        parts = Assignment.objects.filter(task=models.OuterRef("pk"))
        started = models.Exists(parts.exclude(status=status.NOT_STARTED))
        if state == Task.State.NOT_STARTED:
            return qs.filter(~started)
        unfinished = models.Exists(parts.exclude(status=status.COMPLETED))
        if state == Task.State.COMPLETED:
            return qs.filter(models.Exists(parts), ~unfinished)
        return qs.filter(started, unfinished)


class AssignmentQuerySet(models.QuerySet):
    def reviewable(self) -> "AssignmentQuerySet":
        """Given to the task's own department's units: work its office urges and reviews. A
        cascaded assignment (to a unit that stands for a department below) is handed in to that
        department's office; its status follows the department's own task (tasks.upstream)."""
        return self.filter(unit__represents=None)

    def awaiting_review(self) -> "AssignmentQuerySet":
        """Handed in to the task's own office and not yet accepted or returned."""
        return self.reviewable().filter(status=Assignment.Status.SUBMITTED)


class Task(models.Model):
    """One piece of work the plan asks for, closed in the text by its responsibility marker."""

    class DeadlineKind(models.TextChoices):
        DATE = "date", _("by a date")
        RECURRING = "recurring", _("recurring")
        ONGOING = "ongoing", _("ongoing until year end")

    class Recurrence(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        HALF_YEARLY = "half-yearly", _("half-yearly")
        YEARLY = "yearly", _("yearly")

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    heading = models.ForeignKey(
        Heading,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("heading"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("short title"), max_length=80, blank=True)
    text = models.TextField(_("task"), max_length=4000)
    deadline_kind = models.CharField(
        _("deadline kind"), max_length=10, choices=DeadlineKind.choices, default=DeadlineKind.DATE
    )
    # Always set: the date itself, the year end for ongoing work, the last due date for recurring.
    due_date = models.DateField(_("deadline"))
    recurrence = models.CharField(
        _("recurrence"), max_length=12, choices=Recurrence.choices, blank=True
    )
    # 「N个工作日内」 in the text: response times the reminders count in working days.
    response_days = models.JSONField(_("response times (working days)"), default=list, blank=True)
    is_milestone = models.BooleanField(
        _("milestone"), default=False, help_text=_("A deadline that binds every unit.")
    )
    evidence_required = models.BooleanField(
        _("evidence required"),
        default=False,
        help_text=_("Units must attach a file, a link or a figure before submitting."),
    )
    closed_reason = models.CharField(_("closed by the office because"), max_length=300, blank=True)
    # Cascade: the superior's assignment this task places in the department's own plan
    # (tasks.cascade). Its progress rolls up there; one task a cascaded assignment.
    upstream = models.OneToOneField(
        "Assignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="downstream",
        verbose_name=_("superior's task"),
    )
    # Set when the superior edits its task after the link was made, until the office has read
    # what changed (tasks.upstream.acknowledge).
    upstream_changed_at = models.DateTimeField(_("changed upstream"), null=True, blank=True)
    groups = models.ManyToManyField(
        UnitGroup, blank=True, related_name="tasks", verbose_name=_("named collectively")
    )
    # The link stays out of the task's history, which the task's units read: the superior's
    # task is for the office only (tasks.permissions.upstream_of); the superior's assignment
    # records the placing in its own timeline.
    history = HistoricalRecords(excluded_fields=["upstream", "upstream_changed_at"])

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "position", "pk"]
        indexes = [
            # The task list's order within a plan (or a year's plan: TaskFilter.filter_year):
            # a page is read from the index in deadline order, not sorted from the whole year.
            models.Index(fields=["plan", "due_date", "id"], name="task_plan_due_date"),
            # ... and across plans, the list the home page opens (ten years: 65 to 23 ms).
            models.Index(fields=["due_date", "id"], name="task_due_date"),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:40]

    def get_absolute_url(self) -> str:
        return reverse("tasks:task_detail", args=[self.pk])


class Assignment(models.Model):
    """One responsible unit's part of a task, with its own status."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        SUPPORT = "support", _("co-operating")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED = "submitted", _("submitted")
        COMPLETED = "completed", _("completed")
        RETURNED = "returned", _("returned")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Bumped by every write: a form posted against an older version is refused, not merged.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task", "-role", "unit__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_unit_unique"),
        ]
        indexes = [
            # The office's menu counts the submissions awaiting review on every page
            # (tasks/context_processors.py) by their units: read from this small index, not
            # from every assignment of every year joined to its task.
            models.Index(
                fields=["unit"], condition=models.Q(status="submitted"), name="assignment_submitted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("tasks:assignment_detail", args=[self.pk])


# Direct foreign-key permission tables (django-guardian): rows go when their object goes.
class TaskUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Task, on_delete=models.CASCADE)


class TaskGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Task, on_delete=models.CASCADE)


class AssignmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Assignment, on_delete=models.CASCADE)


class AssignmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Assignment, on_delete=models.CASCADE)


class Metric(models.Model):
    """A figure units report with their evidence, e.g. 行政规范性文件本年制发件数.

    ``report_cell`` names the cell of the year-end report it feeds (empty for figures the
    report only quotes in its prose).
    """

    class Aggregation(models.TextChoices):
        SUM = "sum", _("sum over the year")
        LATEST = "latest", _("latest value")

    department = models.ForeignKey(
        "org.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="metrics",
        help_text=_("Empty: part of the shipped catalogue."),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit of measure"), max_length=10, default="件")
    aggregation = models.CharField(
        _("combined as"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    decimal_places = models.PositiveSmallIntegerField(_("decimal places"), default=0)
    report_cell = models.CharField(_("report cell"), max_length=60, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "code"], name="metric_code_unique_in_department"
            ),
            # The shipped catalogue has no department; its codes are unique among themselves.
            models.UniqueConstraint(
                fields=["code"], condition=Q(department__isnull=True), name="metric_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"

    # Where a figure lands in the year-end report, as people name it: the cell's code
    # ("t2.regulations.issued") is for the report's machinery, not for the page.
    REPORT_PARTS = {
        "t2": _("Table 二 (proactive disclosure)"),
        "s6": _("Part 六 (other matters: fees)"),
    }

    def report_part(self) -> str:
        if not self.report_cell:
            return ""
        return str(self.REPORT_PARTS.get(self.report_cell.split(".")[0], _("the report")))


class ProgressUpdate(models.Model):
    """A dated report on an assignment. Append-only: a correction is a new update."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    text = models.TextField(_("what was done"), max_length=4000, blank=True)
    summary = models.CharField(
        _("summary for the report"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences the year-end report may quote."),
    )
    percent = models.PositiveSmallIntegerField(
        _("percent done"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # The status the update moved the assignment to, if it did (submitted, completed …).
    status = models.CharField(
        _("status"), max_length=12, choices=Assignment.Status.choices, blank=True
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.created_at:%Y-%m-%d}"


class EvidenceFile(models.Model):
    """A file attached to an update, stored under its SHA-256 (content-addressed)."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="files")
    sha256 = models.CharField(max_length=64, db_index=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("tasks:evidence_download", args=[self.pk])

    @property
    def storage_name(self) -> str:
        return storage_name(self.sha256)


class EvidenceLink(models.Model):
    """A link to what was published, e.g. the notice on the portal."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("address"), max_length=500)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")

    def __str__(self) -> str:
        return self.title or self.url


class Figure(models.Model):
    """A value of a metric, reported with an update."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="figures")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="figures")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=6)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")

    def __str__(self) -> str:
        return f"{self.metric.name}: {self.value.normalize()}"


class Reminder(models.Model):
    """One decision to remind about an assignment: unique per (assignment, rule, date), so a
    sweep that runs twice decides nothing twice."""

    class Rule(models.TextChoices):
        BEFORE = "before", _("before the deadline")
        DUE = "due", _("due today")
        OVERDUE = "overdue", _("overdue")
        ESCALATE = "escalate", _("escalated")
        MANUAL = "manual", _("reminder from the office")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices)
    date = models.DateField(_("date"))
    days = models.SmallIntegerField(
        _("working days"), default=0, help_text=_("before the deadline, or overdue")
    )
    deadline = models.DateField(_("deadline"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-date", "assignment"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "rule", "date"], name="reminder_once_per_rule_and_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_rule_display()} · {self.assignment}"


class Kind(models.TextChoices):
    """What a notification tells: a deadline reminder, or something that happened (an Event)."""

    REMINDER = "reminder", _("deadline reminder")
    SUBMITTED = "submitted", _("submitted for review")
    RETURNED = "returned", _("returned to the unit")
    SIGNED_OFF = "signed_off", _("signed off (销号)")
    COMMENT = "comment", _("comment")
    MENTION = "mention", _("@mention")
    REASSIGNED = "reassigned", _("assigned or removed")
    DEADLINE = "deadline", _("deadline changed")
    UPSTREAM = "upstream", _("changed by the superior")


class Comment(models.Model):
    """A remark in the thread of an assignment, or of a task when ``assignment`` is empty;
    apart from the progress reports, which are the unit's account of its work."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, related_name="comments"
    )
    text = models.TextField(_("comment"), max_length=2000)
    mentions = models.ManyToManyField(
        "org.User", blank=True, related_name="mentioned_in", verbose_name=_("mentioned")
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Event(models.Model):
    """Something that happened to a task or an assignment, told once to the people concerned
    (``tasks.activity``)."""

    kind = models.CharField(_("what happened"), max_length=12, choices=Kind.choices)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    # The unit concerned; kept when its assignment is removed (a unit taken off the task).
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    removed = models.BooleanField(default=False)  # REASSIGNED: the unit was taken off the task
    old_date = models.DateField(null=True, blank=True)
    new_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.task}"

    def get_absolute_url(self) -> str:
        target = self.assignment or self.task
        return target.get_absolute_url()


class Notification(models.Model):
    """A reminder or an event as one person sees it in the app (the bell)."""

    class Delivery(models.TextChoices):
        NOW = "now", _("immediately")
        DAILY = "daily", _("in the daily digest")
        NEVER = "never", _("not at all")

    recipient = models.ForeignKey(
        "org.User", on_delete=models.CASCADE, related_name="notifications"
    )
    # Database defaults: rows the reminders' INSERT … SELECT writes, and older code, take them.
    kind = models.CharField(max_length=12, choices=Kind.choices, db_default=Kind.REMINDER)
    reminder = models.ForeignKey(
        Reminder, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # An event's: how the person asked to be told, and the e-mail that told it once sent.
    delivery = models.CharField(max_length=5, choices=Delivery.choices, db_default=Delivery.DAILY)
    digest = models.ForeignKey(
        "core.Digest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Neither a reminder nor an event: a notice from an app above tasks (a superior's reminder
    # of a late year-end report), told in its sender's words with where it leads.
    note = models.CharField(_("note"), max_length=300, blank=True, db_default="")
    link = models.CharField(_("link"), max_length=200, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "reminder"], name="notification_once_per_person"
            ),
            models.UniqueConstraint(
                fields=["recipient", "event"], name="notification_once_per_event"
            ),
            models.CheckConstraint(
                condition=(
                    Q(reminder__isnull=False, event__isnull=True, note="")
                    | Q(reminder__isnull=True, event__isnull=False, note="")
                    | (Q(reminder__isnull=True, event__isnull=True) & ~Q(note=""))
                ),
                name="notification_of_a_reminder_an_event_or_a_note",
            ),
        ]
        indexes = [
            models.Index(
                fields=["delivery", "digest"],
                condition=Q(event__isnull=False, digest__isnull=True),
                name="notification_to_digest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.event or self.reminder}"


class NotificationChoice(models.Model):
    """How a person wants to hear of one kind of event; without a row, ``activity.DEFAULTS``."""

    user = models.ForeignKey(
        "org.User", on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    delivery = models.CharField(max_length=5, choices=Notification.Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.delivery}"
