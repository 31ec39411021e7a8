"""The ground floor's tables: the working-day calendar, the reminder policy and the delivery
outbox.

They refer to departments, units and people by name ("org.Department", AUTH_USER_MODEL), as
Django's own apps refer to the user model: the tables point up, the code imports nothing above.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, validate_comma_separated_integer_list
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .hosts import validate_webhook_url


class CalendarYear(models.Model):
    """A year whose official holidays are known (seeded from ``chinesecalendar`` or entered)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=30)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that breaks the Monday–Friday rule: a holiday on a weekday, or a make-up working
    day (调休) at a weekend. National days (no department) are every department's; a
    department's own day (a local holiday) overrides the national rule for it alone."""

    department = models.ForeignKey(
        "org.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_days",
        help_text=_("Empty: a national day, every department's."),
    )
    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(department__isnull=True),
                name="calendar_day_national_once",
            ),
            models.UniqueConstraint(fields=["department", "date"], name="calendar_day_local_once"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ReminderPolicy(models.Model):
    """When a department's people are reminded, and when overdue work is escalated."""

    department = models.OneToOneField(
        "org.Department", on_delete=models.CASCADE, related_name="reminder_policy"
    )
    days_before = models.CharField(
        _("remind this many working days before"),
        max_length=50,
        default="5,1",
        validators=[validate_comma_separated_integer_list],
    )
    on_the_day = models.BooleanField(_("remind on the day"), default=True)
    overdue_every = models.PositiveSmallIntegerField(
        _("while overdue, remind every … working days"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    escalate_after = models.PositiveSmallIntegerField(
        _("escalate to the office and the leader after … working days overdue"),
        default=5,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self) -> str:
        return str(self.department)

    def before(self) -> list[int]:
        return sorted({int(n) for n in self.days_before.split(",") if n.strip()}, reverse=True)


class Delivery(models.Model):
    """A message to deliver once: "already sent" is its status, claimed under a row lock."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        abstract = True


class Digest(Delivery):
    """One message a day for a person (e-mail) or a unit (group-robot webhook), telling every
    source's reminders of the day (``core.reminders``); or one 催办 sent by hand."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("group robot")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    date = models.DateField(_("date"))
    # "daily", or "manual-<reminder id>" for a reminder the office sends by hand.
    batch = models.CharField(max_length=30, default="daily")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="digests",
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="digests"
    )

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "date", "batch", "recipient"],
                condition=Q(recipient__isnull=False),
                name="digest_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["channel", "date", "batch", "unit"],
                condition=Q(unit__isnull=False),
                name="digest_once_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.channel} {self.recipient or self.unit}"


class Webhook(models.Model):
    """An address of another system (a province's platform, the portal) that an office wants
    told of its department's events: each is POSTed there as JSON, signed with the hook's
    secret (``core.webhooks``)."""

    class Event(models.TextChoices):
        SUBMITTED = "assignment.submitted", _("assignment submitted for review")
        RETURNED = "assignment.returned", _("assignment returned to the unit")
        COMPLETED = "assignment.completed", _("assignment completed (signed off)")
        OVERDUE = "task.overdue", _("task overdue")
        REPORT_FINAL = "report.finalised", _("annual report marked final")

    department = models.ForeignKey(
        "org.Department", on_delete=models.CASCADE, related_name="webhooks"
    )
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), max_length=500, validators=[validate_webhook_url])
    events = models.JSONField(_("events"), default=list)
    # Kept as it is: signing needs it. Shown to the office once, when the hook is made.
    secret = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["department", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tasks:webhook_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if not self.events or set(self.events) - set(self.Event.values):
            raise ValidationError({"events": _("Choose the events to send.")})

    def event_labels(self) -> list[str]:
        labels = dict(self.Event.choices)
        return [str(labels[e]) for e in self.events if e in labels]


class WebhookDelivery(Delivery):
    """One event POSTed to one hook, once: unique per (hook, key), so an event told twice, or
    a sweep run twice, queues nothing twice. The body is kept as it was signed: every attempt
    sends the same bytes, with the same delivery id."""

    PING = "ping"

    hook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=30)
    key = models.CharField(max_length=100)
    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, editable=False, unique=True)
    body = models.TextField()
    response_code = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["hook", "key"], name="webhook_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.hook} {self.event} {self.key}"

    def get_event_display(self) -> str:
        return str(dict(Webhook.Event.choices).get(self.event, self.event))
