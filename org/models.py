"""Departments (机关), their units (股室 and schools), collective unit groups, and people."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.hosts import is_allowed

# How a body calls itself in its own documents, by the ending of its name (longest first:
# 「管理委员会」 before 「委员会」). A 管委会 and a 委员会 are both 「我委」.
SELF_NAMES = (
    ("管理委员会", "我委"),
    ("管委会", "我委"),
    ("委员会", "我委"),
    ("办公室", "我办"),
    ("局", "我局"),
    ("厅", "我厅"),
    ("委", "我委"),
    ("办", "我办"),
    ("署", "我署"),
    ("院", "我院"),
)
SELF_NAME_FALLBACK = "我单位"


def derived_self_name(name: str) -> str:
    """「我局」 for a …局, 「我厅」 for a …厅, 「我委」 for a …委员会 or 管委会, else 「我单位」."""
    name = name.strip()
    return next((own for end, own in SELF_NAMES if name.endswith(end)), SELF_NAME_FALLBACK)


def superiors(department_id: int) -> list[int]:
    """The chain of superiors of a department, nearest first (org.levels walks down)."""
    chain: list[int] = []
    parent = Department.objects.filter(pk=department_id).values_list("parent", flat=True).first()
    while parent is not None and parent not in chain and parent != department_id:
        chain.append(parent)
        parent = Department.objects.filter(pk=parent).values_list("parent", flat=True).first()
    return chain


class Department(models.Model):
    """A government department that issues plans, e.g. a district education bureau.

    The contact and publication fields feed the year-end report's opening paragraph. They have
    a database default so that rows written by code that predates them (older migrations'
    data steps) still insert.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    # Levels: a district government's office over its departments, a city over its districts.
    # A superior's office sees its subordinates' plans and reports, read-only; nobody sideways.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("superior"),
        help_text=_("The body this department reports to, e.g. the district government's office."),
    )
    self_name = models.CharField(
        _("name for itself"),
        max_length=10,
        blank=True,
        db_default="",
        help_text=_(
            "As the department calls itself in its reports, e.g. 我局, 我厅, 我委. "
            "Empty: read off the end of its name."
        ),
    )
    contact_address = models.CharField(
        _("contact address"), max_length=200, blank=True, db_default=""
    )
    contact_postcode = models.CharField(_("postcode"), max_length=10, blank=True, db_default="")
    contact_phone = models.CharField(
        _("contact telephone"), max_length=50, blank=True, db_default=""
    )
    report_site = models.CharField(
        _("where reports are published"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_("e.g. 区人民政府门户网站“政府信息公开”专栏"),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        parent = self.parent_id
        if self.pk is not None and parent is not None and self.pk in (parent, *superiors(parent)):
            raise ValidationError(
                {"parent": _("A department cannot report to itself or to one below it.")}
            )

    @property
    def own_name(self) -> str:
        """「我局」 or the department's own setting."""
        return self.self_name or derived_self_name(self.name)


class Unit(models.Model):
    """A section (股室/科室) of a department, or an affiliated unit such as a school."""

    class Kind(models.TextChoices):
        SECTION = "section", _("section")
        SCHOOL = "school", _("affiliated school")
        DEPARTMENT = "department", _("subordinate department")

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="units", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SECTION)
    is_office = models.BooleanField(
        _("is the office"), default=False, help_text=_("The office (办公室) runs the plans.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # A superior's plan names its subordinate departments as it names its sections (「区教育局」):
    # such a unit stands for the department, and its tasks cascade to it (tasks.cascade).
    represents = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="representatives",
        verbose_name=_("stands for"),
        help_text=_("A subordinate department this unit stands for in its superior's plans."),
    )

    class Webhook(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk group robot (钉钉)")

    webhook_kind = models.CharField(
        _("group robot"), max_length=10, choices=Webhook.choices, blank=True
    )
    webhook_url = models.URLField(
        _("group robot address"),
        max_length=500,
        blank=True,
        help_text=_("The unit's daily reminders are posted there too."),
    )
    # The people of a unit share one auth group; object permissions are granted to it.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, null=True, editable=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["department", "kind", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="unit_name_unique"),
            models.UniqueConstraint(
                fields=["department", "represents"], name="unit_represents_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        super().clean()
        represented = self.represents_id
        if represented is not None and self.department_id not in superiors(represented):
            raise ValidationError(
                {"represents": _("A unit can stand only for a department below its own.")}
            )
        if not self.webhook_url:
            return
        if not self.webhook_kind:
            raise ValidationError({"webhook_kind": _("Say which kind of group robot this is.")})
        hosts = settings.WEBHOOK_HOSTS[self.webhook_kind]
        if not is_allowed(self.webhook_url, hosts):
            raise ValidationError(
                {
                    "webhook_url": _("A {kind} address starts with https://{host}/.").format(
                        kind=self.get_webhook_kind_display(), host=hosts[0]
                    )
                }
            )


class UnitAlias(models.Model):
    """Another name plans use for a unit (「社管办」: 社会事业管理办公室); added once, reused."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name as written"), max_length=100)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("unit")
    )

    class Meta:
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="unitalias_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.unit}"


class UnitGroup(models.Model):
    """A collective name a plan uses for several units (「各科室」「各区属学校」…).

    Stored as a rule, not a list, so a unit added later belongs to it too. 「各承办科室」 names
    no fixed set: the office chooses the units for each task.
    """

    class Rule(models.TextChoices):
        SECTIONS = "sections", _("all sections")
        SCHOOLS = "schools", _("all affiliated schools")
        ALL = "all", _("all units")
        CHOSEN = "chosen", _("chosen by the office for each task")

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="unit_groups")
    name = models.CharField(_("name"), max_length=30)
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices)

    class Meta:
        verbose_name = _("unit group")
        verbose_name_plural = _("unit groups")
        ordering = ["department", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="unitgroup_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def members(self) -> models.QuerySet[Unit]:
        units = Unit.objects.filter(department=self.department_id)
        if self.rule == self.Rule.SECTIONS:
            return units.filter(kind=Unit.Kind.SECTION)
        if self.rule == self.Rule.SCHOOLS:
            return units.filter(kind=Unit.Kind.SCHOOL)
        if self.rule == self.Rule.ALL:
            return units
        return units.none()

    @property
    def needs_choice(self) -> bool:
        return self.rule == self.Rule.CHOSEN


class User(AbstractUser):
    """A person: belongs to a department, and to a unit unless a leader or administrator."""

    class Role(models.TextChoices):
        OFFICE = "office", _("office staff")
        UNIT_HEAD = "unit_head", _("unit head")
        UNIT_STAFF = "unit_staff", _("unit staff")
        LEADER = "leader", _("leader")
        ADMIN = "admin", _("system administrator")

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("department"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("unit"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.UNIT_STAFF)
    email_reminders = models.BooleanField(_("daily reminder e-mail"), default=True)
    # The language of the person's e-mail; empty: the site's.
    language = models.CharField(
        _("language of e-mails"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        db_default="",  # rows written by code that predates the column still insert
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        unit_roles = (self.Role.UNIT_HEAD, self.Role.UNIT_STAFF, self.Role.OFFICE)
        if self.role in unit_roles and self.unit_id is None:
            raise ValidationError({"unit": _("This role needs a unit.")})
        if self.unit is not None and self.unit.department_id != self.department_id:
            raise ValidationError({"unit": _("The unit belongs to another department.")})
        if self.role != self.Role.ADMIN and self.department_id is None:
            raise ValidationError({"department": _("This role needs a department.")})


class ExternalIdentity(models.Model):
    """A person as a single sign-on source knows them (an OIDC provider's subject, an LDAP login),
    and the placement that source last gave them.

    The placement is kept so that a later login can tell the directory's placement from the
    office's: while the person's department, unit and role are still exactly what the directory
    last set, the directory may move them; once the office has changed any of the three (the
    admin, the organisation import), the directory no longer touches them.
    """

    class Source(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        LDAP = "ldap", _("LDAP directory")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="external_identities", verbose_name=_("person")
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    subject = models.CharField(_("identifier at the source"), max_length=255)
    assigned_department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_role = models.CharField(max_length=12, blank=True)
    last_login = models.DateTimeField(_("last login"), auto_now=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["source", "subject"], name="identity_subject_unique"),
            models.UniqueConstraint(fields=["user", "source"], name="identity_user_source_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.subject}"
