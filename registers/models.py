"""The registers the year-end report counts, per department: applications for disclosure
(依申请公开) from receipt to reply, with their statutory clocks and reminders, and the 行政复议 and
行政诉讼 brought over disclosure.

Outcome, applicant and review labels are the official wording of the report format
(shared/spec/annual-report-format.md): they are legal terms, shown as printed in every language.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Department


class DisclosureRequest(models.Model):
    """An application for disclosure (依申请公开), from receipt to reply.

    The reply deadline is computed on the working-day calendar (《政府信息公开条例》第三十三条)
    and stored, so reminders and lists can query it.
    """

    class ApplicantType(models.TextChoices):
        # Table 三's applicant columns, in their order.
        NATURAL_PERSON = "natural_person", "自然人"
        BUSINESS = "business", "商业企业"
        RESEARCH = "research", "科研机构"
        PUBLIC_INTEREST = "public_interest", "社会公益组织"
        LEGAL_SERVICES = "legal_services", "法律服务机构"
        OTHER_ORGANISATION = "other_organisation", "其他"

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        LETTER = "letter", _("letter")
        ONLINE = "online", _("online")
        FAX = "fax", _("fax")
        OTHER = "other", _("other")

    class Outcome(models.TextChoices):
        # Table 三's outcome rows (2021 format); the 2019 format sums the three 其他处理 rows.
        DISCLOSED = "disclosed", "（一）予以公开"
        PARTLY_DISCLOSED = "partly_disclosed", "（二）部分公开"
        WITHHELD_STATE_SECRET = "withheld_state_secret", "（三）不予公开 1.属于国家秘密"
        WITHHELD_BY_LAW = "withheld_by_law", "（三）不予公开 2.其他法律行政法规禁止公开"
        WITHHELD_SAFETY = "withheld_safety", "（三）不予公开 3.危及“三安全一稳定”"
        WITHHELD_THIRD_PARTY = "withheld_third_party", "（三）不予公开 4.保护第三方合法权益"
        WITHHELD_INTERNAL = "withheld_internal", "（三）不予公开 5.属于三类内部事务信息"
        WITHHELD_PROCESS = "withheld_process", "（三）不予公开 6.属于四类过程性信息"
        WITHHELD_ENFORCEMENT = "withheld_enforcement", "（三）不予公开 7.属于行政执法案卷"
        WITHHELD_INQUIRY = "withheld_inquiry", "（三）不予公开 8.属于行政查询事项"
        UNAVAILABLE_NOT_HELD = "unavailable_not_held", "（四）无法提供 1.本机关不掌握相关政府信息"
        UNAVAILABLE_TO_CREATE = "unavailable_to_create", "（四）无法提供 2.没有现成信息需要另行制作"
        UNAVAILABLE_UNCLEAR = "unavailable_unclear", "（四）无法提供 3.补正后申请内容仍不明确"
        NOT_HANDLED_PETITION = "not_handled_petition", "（五）不予处理 1.信访举报投诉类申请"
        NOT_HANDLED_REPEATED = "not_handled_repeated", "（五）不予处理 2.重复申请"
        NOT_HANDLED_PUBLICATION = "not_handled_publication", "（五）不予处理 3.要求提供公开出版物"
        NOT_HANDLED_EXCESSIVE = "not_handled_excessive", "（五）不予处理 4.无正当理由大量反复申请"
        NOT_HANDLED_CONFIRMATION = (
            "not_handled_confirmation",
            "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
        )
        OTHER_NO_CORRECTION = (
            "other_no_correction",
            "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        )
        OTHER_FEE_UNPAID = (
            "other_fee_unpaid",
            "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、"
            "行政机关不再处理其政府信息公开申请",
        )
        OTHER = "other", "（六）其他处理 3.其他"

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="disclosure_requests",
        verbose_name=_("department"),
    )
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    # 第三十一条: the day of submission in person; the day signed for or confirmed otherwise.
    received_on = models.DateField(_("received on"))
    applicant_name = models.CharField(_("applicant"), max_length=100, blank=True)
    applicant_type = models.CharField(
        _("applicant type"), max_length=20, choices=ApplicantType.choices
    )
    content = models.TextField(_("content requested"))
    # 第三十条: the reply clock restarts from the day the corrected application is received.
    correction_requested_on = models.DateField(_("correction requested on"), null=True, blank=True)
    corrected_on = models.DateField(_("corrected application received on"), null=True, blank=True)
    # 第三十三条: one extension of at most 20 working days, approved by the office's head.
    extension_days = models.PositiveSmallIntegerField(
        _("extension (working days)"), default=0, validators=[MaxValueValidator(20)]
    )
    extension_approved_by = models.CharField(_("extension approved by"), max_length=50, blank=True)
    # 第三十二条/第三十四条: consulting a third party or another agency is not counted.
    consultation_days = models.PositiveSmallIntegerField(
        _("working days consulting others"), default=0
    )
    reply_due = models.DateField(_("reply due"), editable=False, null=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    fee = models.DecimalField(
        _("information processing fee (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()  # who changed what, as tasks keep it
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("disclosure request")
        verbose_name_plural = _("disclosure requests")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["department", "received_on"]),
            models.Index(fields=["department", "replied_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(replied_on__isnull=True) | ~models.Q(outcome=""),
                name="replied_request_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.applicant_name or self.get_applicant_type_display()}"

    def get_absolute_url(self) -> str:
        return reverse("registers:request_detail", args=[self.pk])


class ReviewCase(models.Model):
    """A 行政复议 or 行政诉讼 brought against the department over disclosure (table 四).

    A case where the review body is co-defendant is recorded by the original body only.
    """

    class Kind(models.TextChoices):
        REVIEW = "review", "行政复议"
        LITIGATION_DIRECT = "litigation_direct", "行政诉讼（未经复议直接起诉）"
        LITIGATION_AFTER_REVIEW = "litigation_after_review", "行政诉讼（复议后起诉）"

    class Result(models.TextChoices):
        UPHELD = "upheld", "结果维持"
        CORRECTED = "corrected", "结果纠正"
        OTHER = "other", "其他结果"

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="review_cases"
    )
    kind = models.CharField(_("kind"), max_length=25, choices=Kind.choices)
    reference = models.CharField(_("case number"), max_length=60, blank=True)
    filed_on = models.DateField(_("filed on"))
    # Empty while the case is pending (尚未审结).
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    closed_on = models.DateField(_("decided on"), null=True, blank=True)
    request = models.ForeignKey(
        DisclosureRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_cases",
        verbose_name=_("disclosure request"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review case")
        verbose_name_plural = _("review cases")
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result="", closed_on__isnull=True)
                | (~models.Q(result="") & models.Q(closed_on__isnull=False)),
                name="review_case_result_with_decision_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference or self.filed_on}"


# --- Statutory deadline reminders ------------------------------------------------------------


class RequestReminder(models.Model):
    """One decision to remind the office of a request's reply deadline: unique per (request,
    rule, date), so a sweep that runs twice decides nothing twice. The rules and the working-day
    windows are the department's reminder policy (core.ReminderPolicy); the office hears of it
    in its daily digest (core.Digest)."""

    class Rule(models.TextChoices):
        BEFORE = "before", _("before the deadline")
        DUE = "due", _("due today")
        OVERDUE = "overdue", _("overdue")
        ESCALATE = "escalate", _("escalated")

    request = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="reminders"
    )
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices)
    date = models.DateField(_("date"))
    days = models.SmallIntegerField(_("working days"), default=0)
    deadline = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("request reminder")
        verbose_name_plural = _("request reminders")
        ordering = ["-date", "deadline"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "rule", "date"], name="request_reminder_once_per_rule_and_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_rule_display()} · {self.request}"
