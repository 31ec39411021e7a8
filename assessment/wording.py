"""The ranking in words, shared by the page, the .xlsx and the 通报 (.docx)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .catalogue import Kind, Scope
from .models import Indicator
from .queries import Breakdown, Item, Ranking
from .scoring import Score, counted

# U+2060 WORD JOINER: a narrow screen wrapped the page's heading between "2026" and "年度".
WORD_JOINER = "\u2060"


def title(ranking: Ranking, *, joined: bool = False) -> str:
    """The ranking's title; ``joined`` for a page heading, where the year keeps to its word."""
    if ranking.scope == Scope.UNITS:
        text = _("{department}: assessment of its units, {year}")
    else:
        text = _("{department}: assessment of the departments below it, {year}")
    year = f"{ranking.year}{WORD_JOINER}" if joined else ranking.year
    return text.format(department=ranking.department.name, year=year)


def file_name(ranking: Ranking, extension: str) -> str:
    """The title, without the punctuation some file systems refuse."""
    return f"{title(ranking)}.{extension}".replace(":", "").replace("：", "").replace(",", "")


def subject_label(ranking: Ranking) -> str:
    return _("unit") if ranking.scope == Scope.UNITS else _("department")


def opening(ranking: Ranking) -> str:
    """The 通报's first paragraph: what was assessed, by which rules, up to when."""
    rules = "；".join(f"{i.get_kind_display()}（{i.rule}）" for i in ranking.indicators)
    return _(
        "Under the {year} assessment scheme, {department} assessed the government "
        "transparency work of {count} {subjects} from the records kept in this system up to "
        "{date}: {rules}. The results are as follows."
    ).format(
        year=ranking.year,
        department=ranking.department.name,
        count=len(ranking.scores),
        subjects=_("units") if ranking.scope == Scope.UNITS else _("departments"),
        date=date_format(ranking.period_end, "Y-m-d"),
        rules=rules,
    )


def _counts(kind: str, count: int) -> str:
    """A deduction's count with its unit."""
    text = {
        Kind.RETURNS: _("{count} returns"),
        Kind.OVERDUE_DAYS: _("{count} working days"),
        Kind.FINDINGS: _("{count} findings"),
    }[Kind(kind)]
    return text.format(count=count)


def _not_ranked(ranking: Ranking) -> str:
    return _("not ranked: nothing was due by {date}").format(
        date=date_format(ranking.period_end, "Y-m-d")
    )


def verdict(ranking: Ranking, score: Score, indicator: Indicator, points: Decimal) -> str:
    """One indicator's points for a row in words that match them: what was counted and what
    it cost, that nothing was lost, or that the report is not yet due (full points till then)."""
    items, whole = counted(indicator.kind, score.tally)
    deadline = score.tally.report_deadline
    if indicator.kind == Kind.REPORT_FINAL and not score.tally.report_due:
        text = _("Not yet due (deadline {deadline}): full points until then.")
    elif (points == 0) if indicator.deducts else (points >= indicator.points):
        text = _("Nothing lost here.")
    elif indicator.deducts:
        text = _("{indicator}: {items}, {points}")
    elif indicator.kind == Kind.REPORT_FINAL:
        text = _("{indicator}: not final by {deadline}, {points} of {most}")
    elif not whole:  # "0 of 0" read as a count: say there was nothing to count
        text = _("{indicator}: nothing to count yet, {points} of {most}")
    else:
        text = _("{indicator}: {items} of {whole}, {points} of {most}")
    return text.format(
        indicator=indicator.get_kind_display(),
        items=_counts(indicator.kind, items) if indicator.deducts else items,
        whole=whole,
        points=_num(points),
        most=_num(indicator.points),
        deadline=date_format(deadline, "Y-m-d") if deadline else "",
    )


def shortfalls(ranking: Ranking, score: Score) -> list[str]:
    """Where a row lost points: one phrase per indicator that deducted or fell short, or why
    the row is not ranked."""
    if score.rank is None:
        return [_not_ranked(ranking)]
    return [
        verdict(ranking, score, indicator, points)
        for indicator, points in zip(ranking.indicators, score.points, strict=True)
        if (points < 0 if indicator.deducts else points < indicator.points)
    ]


def breakdown_lines(breakdown: Breakdown) -> list[tuple[Indicator, Decimal, str, list[Item]]]:
    """The breakdown's lines for the page: each indicator, its points, their verdict, and the
    items behind what was lost."""
    ranking, score = breakdown.ranking, breakdown.score
    return [
        (indicator, points, verdict(ranking, score, indicator, points), items)
        for indicator, points, items in breakdown.lines
    ]


def not_ranked(breakdown: Breakdown) -> str:
    return _not_ranked(breakdown.ranking) if breakdown.score.rank is None else ""


def _num(value: Decimal) -> str:
    return f"{value:.2f}"
