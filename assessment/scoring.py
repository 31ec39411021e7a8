"""Points from tallies: pure arithmetic, no database. ``queries`` counts, this scores."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from .catalogue import CATALOGUE, Kind

CENT = Decimal("0.01")


class Rule(Protocol):
    """An indicator as scoring reads it (a saved or a default ``Indicator``)."""

    kind: str
    points: Decimal
    per_item: Decimal | None


@dataclass
class Tally:
    """What a unit or a department did in the year, as the indicators count it."""

    considered: int = 0  # completed assignments, and open ones past their deadline
    completed: int = 0
    on_time: int = 0
    evidenced: int = 0  # completed with a file or a link
    returns: int = 0
    overdue_days: int = 0
    report_final: bool = False  # departments: the annual report final by its deadline
    report_deadline: datetime.date | None = None  # departments: reporting.deadlines
    report_due: bool = False  # departments: that deadline has passed
    findings: int = 0  # departments: errors and warnings of the report's checks

    def add(self, other: Tally) -> None:
        for name in ("considered", "completed", "on_time", "evidenced", "returns"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.overdue_days += other.overdue_days


@dataclass
class Score:
    """One row of the ranking: a unit or a department, its points per indicator (negative
    for deductions) in the scheme's order, its total and its rank (None: nothing to score)."""

    pk: int
    name: str
    tally: Tally
    points: list[Decimal] = field(default_factory=list)
    total: Decimal = Decimal(0)
    rank: int | None = None


def _share(part: int, whole: int, points: Decimal) -> Decimal:
    return points * part / whole if whole else Decimal(0)


def points(rule: Rule, tally: Tally) -> Decimal:
    """The indicator's points for the tally: a share of its maximum, all or nothing, or a
    deduction per item up to its cap (negative)."""
    if CATALOGUE[rule.kind].deducts:
        items = {
            Kind.RETURNS: tally.returns,
            Kind.OVERDUE_DAYS: tally.overdue_days,
            Kind.FINDINGS: tally.findings,
        }[Kind(rule.kind)]
        taken = min(rule.points, (rule.per_item or Decimal(0)) * items)
        return -taken.quantize(CENT, ROUND_HALF_UP)
    if rule.kind == Kind.ON_TIME:
        gained = _share(tally.on_time, tally.considered, rule.points)
    elif rule.kind == Kind.EVIDENCE:
        gained = _share(tally.evidenced, tally.completed, rule.points)
    elif not tally.report_due:
        # Kind.REPORT_FINAL before its deadline: full points until due, so a total read during
        # the year stays out of 100 like the final one, and nobody is behind on work not yet
        # due. Every department below a superior shares the deadline: no rank changes by it.
        gained = rule.points
    else:  # Kind.REPORT_FINAL
        gained = rule.points if tally.report_final else Decimal(0)
    return gained.quantize(CENT, ROUND_HALF_UP)


def rank(scores: list[Score], rules: Sequence[Rule], *, ranked) -> list[Score]:
    """Score every row and rank those ``ranked`` says have something to score, highest total
    first; equal totals share a rank (1, 2, 2, 4), then alphabetical by name."""
    for score in scores:
        score.points = [points(rule, score.tally) for rule in rules]
        score.total = max(Decimal(0), sum(score.points, Decimal(0)))
    scores.sort(key=lambda s: (not ranked(s), -s.total, s.name))
    previous: Score | None = None
    for position, score in enumerate(scores, start=1):
        if not ranked(score):
            continue
        same = previous is not None and previous.total == score.total
        score.rank = previous.rank if same and previous else position
        previous = score
    return scores


def counted(kind: str, tally: Tally) -> tuple[int, int | None]:
    """What an indicator counted for a row: (items, out of how many; None where not a share),
    e.g. (3, 4) for three of four assignments on time, (2, None) for two returns."""
    return {
        Kind.ON_TIME: (tally.on_time, tally.considered),
        Kind.EVIDENCE: (tally.evidenced, tally.completed),
        Kind.REPORT_FINAL: (int(tally.report_final), 1),
        Kind.RETURNS: (tally.returns, None),
        Kind.OVERDUE_DAYS: (tally.overdue_days, None),
        Kind.FINDINGS: (tally.findings, None),
    }[Kind(kind)]
