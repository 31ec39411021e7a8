"""The issued work plan and the tree of headings its tasks hang from."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Department


class Plan(models.Model):
    """A yearly work plan as issued, e.g. 《…2018年政务公开工作实施方案》 (泉丰教〔2018〕137号)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ISSUED = "issued", _("issued")
        CLOSED = "closed", _("closed")

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="plans", verbose_name=_("department")
    )
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(
        _("document number"), max_length=50, blank=True, help_text=_("e.g. 泉丰教〔2018〕137号")
    )
    issuer = models.CharField(_("issuing body"), max_length=100, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    upstream = models.CharField(
        _("implements"),
        max_length=300,
        blank=True,
        help_text=_("The upstream document this plan implements, e.g. its document number."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    leader = models.ForeignKey(
        "org.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leader in charge"),
        help_text=_("Told when this plan's work is escalated; else every leader is told."),
    )
    # A re-issued document keeps its number; each import of it as a new version counts up.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "number", "version"],
                condition=~Q(number=""),
                name="plan_number_unique",
                violation_error_code="duplicate_number",
                violation_error_message=_("A plan with this document number already exists."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="plan_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tasks:plan_detail", args=[self.pk])


class Heading(models.Model):
    """A numbered heading of the plan's body: 「一、」, 「(一)」 or 「1.」."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="headings")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent heading"),
    )
    label = models.CharField(
        _("number"), max_length=10, blank=True, help_text=_("e.g. 一、 or (一)")
    )
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("heading")
        verbose_name_plural = _("headings")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.label}{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("tasks:plan_detail", args=[self.plan_id]) + f"#h{self.pk}"


class PlanImport(models.Model):
    """An uploaded or pasted plan document, parsed and waiting for the office to confirm it."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("awaiting review")
        CONFIRMED = "confirmed", _("confirmed")

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="imports")
    source_name = models.CharField(_("source"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    parsed = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True)
    created_by = models.ForeignKey(
        "org.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.source_name
