"""Tasks of a plan and their assignments, one per responsible unit."""

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from org.models import Unit, UnitGroup
from plans.models import Heading, Plan


class TaskQuerySet(models.QuerySet):
    def with_progress(self) -> "TaskQuerySet":
        """Annotate assignment counts; a task's state is derived from them, never stored."""
        done = Q(assignments__status=Assignment.Status.COMPLETED)
        started = ~Q(assignments__status=Assignment.Status.NOT_STARTED)
        return self.annotate(
            n_assignments=Count("assignments", distinct=True),
            n_completed=Count("assignments", filter=done, distinct=True),
            n_started=Count("assignments", filter=started, distinct=True),
        )

    def in_state(self, state: str) -> "TaskQuerySet":
        """Filter a ``with_progress()`` queryset by derived state."""
        qs = self.with_progress()
        if state == Task.State.COMPLETED:
            return qs.filter(n_assignments__gt=0, n_completed=models.F("n_assignments"))
        if state == Task.State.NOT_STARTED:
            return qs.filter(n_started=0)
        return qs.filter(n_started__gt=0).exclude(
            n_assignments__gt=0, n_completed=models.F("n_assignments")
        )


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
    groups = models.ManyToManyField(
        UnitGroup, blank=True, related_name="tasks", verbose_name=_("named collectively")
    )
    history = HistoricalRecords()

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "position", "pk"]

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
    progress = models.TextField(_("progress"), max_length=2000, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task", "-role", "unit__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_unit_unique"),
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
