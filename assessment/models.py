"""A department's assessment scheme (考评方案) for a year: the indicators it scores with.

Scores are not stored: they are computed from the year's assignments and reports when read
(``queries``), so they always agree with the records they are traced to.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from org.models import Department

from .catalogue import CATALOGUE, Kind, Scope, rule_text


class Scheme(models.Model):
    """The indicators a department scores its units, or the departments below it, with."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="schemes", verbose_name=_("department")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("scores"), max_length=12, choices=Scope.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "department", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "scope"], name="scheme_once_per_year_and_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.year} · {self.get_scope_display()}"

    def get_absolute_url(self) -> str:
        name = "unit_scheme" if self.scope == Scope.UNITS else "department_scheme"
        return reverse(f"assessment:{name}") + f"?year={self.year}"


class Indicator(models.Model):
    """One line of a scheme: a kind from the catalogue with its points. For a kind that adds,
    ``points`` is its maximum; for one that deducts, ``per_item`` is taken per item and
    ``points`` is the most it takes."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("indicator"), max_length=20, choices=Kind.choices)
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal(0))]
    )
    per_item = models.DecimalField(
        _("deduction per item"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["scheme", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kind"], name="indicator_once_per_scheme"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.rule}"

    @property
    def deducts(self) -> bool:
        return CATALOGUE[self.kind].deducts

    @property
    def rule(self) -> str:
        return rule_text(self.kind, self.points, self.per_item)
