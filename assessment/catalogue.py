"""The fixed catalogue of measurable indicators a scheme is made of (绩效考评).

Each kind either adds points (a share of its maximum, or all or nothing) or deducts points per
item up to a cap. The catalogue is fixed so every score can be traced to records the system
keeps; an office chooses the kinds, their points and their deductions per year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The points of the indicators that add up: a scheme's maximum.
FULL_MARKS = Decimal(100)


class Scope(models.TextChoices):
    """Who a scheme scores: the units of its department, or the departments below it."""

    UNITS = "units", _("units of the department")
    DEPARTMENTS = "departments", _("departments below")


class Kind(models.TextChoices):
    ON_TIME = "on_time", _("on-time completion rate")
    EVIDENCE = "evidence", _("evidence completeness")
    REPORT_FINAL = "report_final", _("annual report final by its deadline")
    RETURNS = "returns", _("work returned")
    OVERDUE_DAYS = "overdue_days", _("overdue working days")
    FINDINGS = "findings", _("report consistency findings")


@dataclass(frozen=True)
class Entry:
    """What the catalogue knows of a kind: whether it deducts, whom it applies to, and the
    default points (and, for a deduction, points per item)."""

    deducts: bool
    scopes: tuple[str, ...]
    points: dict[str, Decimal]  # default points by scope
    per_item: Decimal | None = None


BOTH = (Scope.UNITS, Scope.DEPARTMENTS)
CATALOGUE: dict[str, Entry] = {
    Kind.ON_TIME: Entry(False, BOTH, {Scope.UNITS: Decimal(70), Scope.DEPARTMENTS: Decimal(50)}),
    Kind.EVIDENCE: Entry(False, BOTH, {Scope.UNITS: Decimal(30), Scope.DEPARTMENTS: Decimal(20)}),
    # The annual report: a department's, so it scores departments only
    # (《政府信息公开条例》第四十九条: by 31 January, or 31 March for a government's office
    # compiling its departments' reports; ``reporting.deadlines``).
    Kind.REPORT_FINAL: Entry(False, (Scope.DEPARTMENTS,), {Scope.DEPARTMENTS: Decimal(30)}),
    Kind.RETURNS: Entry(True, BOTH, dict.fromkeys(BOTH, Decimal(10)), Decimal(2)),
    Kind.OVERDUE_DAYS: Entry(True, BOTH, dict.fromkeys(BOTH, Decimal(15)), Decimal("0.5")),
    Kind.FINDINGS: Entry(True, (Scope.DEPARTMENTS,), {Scope.DEPARTMENTS: Decimal(10)}, Decimal(1)),
}


def defaults(scope: str) -> list[tuple[str, Decimal, Decimal | None]]:
    """The default scheme of a scope: (kind, points, per item), in the catalogue's order."""
    return [
        (kind, entry.points[scope], entry.per_item)
        for kind, entry in CATALOGUE.items()
        if scope in entry.scopes
    ]


def rule_text(kind: str, points: Decimal, per_item: Decimal | None) -> str:
    """The rule in words, e.g. "rate × 30" or "−2 per return, at most −10"."""
    p, each = _num(points), _num(per_item or Decimal(0))
    texts = {
        Kind.ON_TIME: _("share completed on time × {points}"),
        Kind.EVIDENCE: _("share of completed work with a file or link × {points}"),
        Kind.REPORT_FINAL: _("{points} if final by its deadline, else 0"),
        Kind.RETURNS: _("−{each} per return, at most −{points}"),
        Kind.OVERDUE_DAYS: _("−{each} per overdue working day, at most −{points}"),
        Kind.FINDINGS: _("−{each} per error or warning of the checks, at most −{points}"),
    }
    return str(texts[Kind(kind)]).format(points=p, each=each)


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


Row = tuple[str, Decimal, "Decimal | None"]  # (kind, points, per item) as the office enters it


def check(scope: str, rows: list[Row]) -> list[str]:
    """What is wrong with a scheme's indicators, in words the office can act on (empty: none).
    The indicators that add points must add up to ``FULL_MARKS``, so every scheme's totals are
    out of 100 and years compare."""
    errors: list[str] = []
    seen: set[str] = set()
    for kind, points, per_item in rows:
        label, entry = Kind(kind).label, CATALOGUE[kind]
        if kind in seen:
            errors.append(gettext("“{kind}” is listed twice.").format(kind=label))
        seen.add(kind)
        if scope not in entry.scopes:
            errors.append(
                gettext("“{kind}” scores departments only, not units.").format(kind=label)
            )
        if points < 0 or (per_item is not None and per_item < 0):
            errors.append(gettext("“{kind}”: points cannot be negative.").format(kind=label))
        if entry.deducts and not per_item:
            errors.append(
                gettext("“{kind}”: say how many points each item deducts.").format(kind=label)
            )
        if not entry.deducts and per_item:
            errors.append(
                gettext("“{kind}” adds points: it takes no deduction per item.").format(kind=label)
            )
    adding = sum((p for k, p, _each in rows if not CATALOGUE[k].deducts), Decimal(0))
    if not any(not CATALOGUE[k].deducts for k, _p, _each in rows):
        errors.append(gettext("A scheme needs at least one indicator that adds points."))
    elif adding != FULL_MARKS:
        message = gettext(
            "The indicators that add points must add up to {full}; they add up to {sum}."
        )
        errors.append(message.format(full=_num(FULL_MARKS), sum=_num(adding)))
    return errors
