"""The year-end report draft (《政府信息公开工作年度报告》) per department and year: its
sections, the cells entered by hand, its versions, and the office's mapping of plan headings to
the report's topics. The registers it counts are in ``registers``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from org.models import Department

# --- The year-end report draft -----------------------------------------------------------------


class ReportDraft(models.Model):
    """The draft of 《<department><year>年政府信息公开工作年度报告》, one per department and year.

    The computed tables and check results of the last generation are kept here, so a
    regeneration can say what changed in the data since; the parts' text lives in its sections.
    """

    class Format(models.TextChoices):
        # 国办公开办函〔2019〕60号 for report years 2019–2020, 〔2021〕30号 from 2021 on.
        F2019 = "2019", "国办公开办函〔2019〕60号"
        F2021 = "2021", "国办公开办函〔2021〕30号"

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        FINAL = "final", _("final")

    class Generation(models.TextChoices):
        IDLE = "idle", _("not generated yet")
        QUEUED = "queued", _("waiting to be generated")
        RUNNING = "running", _("generating")
        DONE = "done", _("generated")
        FAILED = "failed", _("generation failed")

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="report_drafts",
        verbose_name=_("department"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    generation = models.CharField(
        _("generation"), max_length=10, choices=Generation.choices, default=Generation.IDLE
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (percent)"), default=0, validators=[MaxValueValidator(100)]
    )
    generation_error = models.CharField(_("generation error"), max_length=500, blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    # Section 六's optional items, switched on by the office (信息处理费 is always reported):
    # {"plan_summary": bool, "proposals": bool, "proposals_text": str, "other_text": str}.
    options = models.JSONField(_("optional items"), default=dict, blank=True)
    # The last generation's computed values {"<table>": {"<row>|<column>": value}} and the
    # cells whose computed value changed then; values as strings (exact decimals).
    computed = models.JSONField(default=dict, blank=True, editable=False)
    changed_cells = models.JSONField(default=list, blank=True, editable=False)
    checks = models.JSONField(default=list, blank=True, editable=False)
    # The deadline (《政府信息公开条例》第四十九条: 1月31日), as a task of the year's plan.
    task = models.ForeignKey(
        "tasks.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finalised_at = models.DateTimeField(_("marked final"), null=True, blank=True)
    # The front matter as the office wrote it; empty means the default (``frontmatter``),
    # which follows the department's settings and the date the draft is finalised.
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("A line break marks where the title is broken in print."),
    )
    opening = models.TextField(_("opening paragraph"), blank=True)
    # Some reports go from the title straight to 一、总体情况 (seed 000): none is printed.
    no_opening = models.BooleanField(_("no opening paragraph"), default=False)
    sign_off_name = models.CharField(_("signed by"), max_length=100, blank=True)
    sign_off_date = models.DateField(_("date signed"), null=True, blank=True)

    class Meta:
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")
        ordering = ["-year", "department"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="report_draft_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.department}{self.year}年政府信息公开工作年度报告"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report_detail", args=[self.pk])


class ReportSection(models.Model):
    """One of the report's six parts. The generated text is refreshed by every generation; an
    edit is kept with the generated text it was based on, so the page can show what changed."""

    draft = models.ForeignKey(ReportDraft, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(
        _("part"), validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    generated_text = models.TextField(_("generated text"), blank=True)
    edited_text = models.TextField(_("edited text"), blank=True)
    is_edited = models.BooleanField(_("edited"), default=False)
    based_on = models.TextField(_("generated text the edit was based on"), blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="report_section_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.draft} · {self.number}"

    @property
    def text(self) -> str:
        return self.edited_text if self.is_edited else self.generated_text

    @property
    def data_changed(self) -> bool:
        """The data moved since the edit: the generated text differs from the edit's base."""
        return self.is_edited and self.based_on != self.generated_text


class ManualCell(models.Model):
    """A table cell entered by hand: one with no data source, or a computed one overridden
    (e.g. requests received before the register was kept). Shown as entered by hand."""

    draft = models.ForeignKey(ReportDraft, on_delete=models.CASCADE, related_name="manual_cells")
    table = models.PositiveSmallIntegerField(_("table"))  # 2, 3 or 4
    row = models.CharField(_("row"), max_length=40)
    column = models.CharField(_("column"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=6)
    # The decimals typed (12.00 → 2): the column stores six, the report prints what was typed.
    places = models.PositiveSmallIntegerField(_("decimal places typed"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cell entered by hand")
        verbose_name_plural = _("cells entered by hand")
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "table", "row", "column"], name="manual_cell_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft} · {self.table} {self.row}/{self.column}"


class ReportVersion(models.Model):
    """A snapshot of the whole report (the export document) after a generation or an edit."""

    draft = models.ForeignKey(ReportDraft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    reason = models.CharField(_("reason"), max_length=100)
    document = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["draft", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="report_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.draft} v{self.number}"


class HeadingTopic(models.Model):
    """Which sub-topic of 一、总体情况 a plan heading's work is told under (chosen once by the
    office; a heading without a row takes its parent's, else a default read off its title)."""

    class Topic(models.TextChoices):
        PROACTIVE = "proactive", "主动公开"
        ON_REQUEST = "on_request", "依申请公开"
        MANAGEMENT = "management", "政府信息管理"
        PLATFORMS = "platforms", "政府信息公开平台建设"
        OVERSIGHT = "oversight", "监督保障"
        LEFT_OUT = "left_out", _("not in the report")

    heading = models.OneToOneField(
        "plans.Heading", on_delete=models.CASCADE, related_name="report_topic"
    )
    topic = models.CharField(_("sub-topic"), max_length=12, choices=Topic.choices)

    class Meta:
        verbose_name = _("heading sub-topic")
        verbose_name_plural = _("heading sub-topics")

    def __str__(self) -> str:
        return f"{self.heading} → {self.get_topic_display()}"


class PublishedReport(models.Model):
    """A year's report as it was published before this system kept it: its tables read back
    from the pasted text (and parts 一, 五, 六), so the next year's cross-year checks (上年结转,
    现行有效, 五 not repeated) work from the first year the system is used."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="published_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # {"<table>": {"<row>|<column>": "<value>"}}, values as strings (exact decimals).
    values = models.JSONField(default=dict)
    texts = models.JSONField(default=dict)  # {"1": "…", "5": "…", "6": "…"}
    source = models.TextField(_("published text"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="published_report_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.department}{self.year}年政府信息公开工作年度报告（已公开）"


# --- The region's report: what each subordinate department gave it ----------------------------


class RollupPart(models.Model):
    """One department's share of a superior's report for the region (逐级汇总, 《条例》第四十九
    条): the values of its tables and its part 一 as they stood when the superior's office rolled
    them up, and the checks they passed then. The superior's own registers are a part too
    (``department`` = the draft's own), so every cell of the sum is traceable to where it came
    from."""

    class Source(models.TextChoices):
        OWN = "own", _("own registers")
        FINAL = "final", _("final report")
        PUBLISHED = "published", _("published report")
        DRAFT = "draft", _("report still in draft")

    draft = models.ForeignKey(ReportDraft, on_delete=models.CASCADE, related_name="rollup_parts")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # {"<table>": {"<row>|<column>": "<value>"}}, values as strings (exact decimals); a cell
    # left out is 0 (the own registers' part keeps every cell its generation computed).
    values = models.JSONField(default=dict)
    overview = models.TextField(_("part 一"), blank=True)
    checks = models.JSONField(default=list, blank=True)  # Finding.as_dict() of those it failed
    taken_at = models.DateTimeField(_("rolled up"), auto_now=True)

    class Meta:
        verbose_name = _("roll-up part")
        verbose_name_plural = _("roll-up parts")
        ordering = ["draft", "department__name"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "department"], name="rollup_part_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.draft} · {self.department}"


class LateReportReminder(models.Model):
    """A superior's reminder to a department whose report of the year is late: one a day per
    department and year whoever presses, so pressing twice sends once (the row is the "sent")."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    date = models.DateField(_("date"))
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state of the report"), max_length=10)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("late report reminder")
        verbose_name_plural = _("late report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "date"], name="late_report_reminder_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.department} {self.year}"
