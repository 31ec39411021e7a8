"""The ranking in words, shared by the page, the .xlsx and the 通报 (.docx)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .catalogue import Scope
from .queries import Ranking
from .scoring import Score, counted


def title(ranking: Ranking) -> str:
    if ranking.scope == Scope.UNITS:
        text = _("{department}: assessment of its units, {year}")
    else:
        text = _("{department}: assessment of the departments below it, {year}")
    return text.format(department=ranking.department.name, year=ranking.year)


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


def shortfalls(ranking: Ranking, score: Score) -> list[str]:
    """Where a row lost points: one phrase per indicator that deducted or fell short."""
    lines = []
    for indicator, points in zip(ranking.indicators, score.points, strict=True):
        items, whole = counted(indicator.kind, score.tally)
        if indicator.deducts and points < 0:
            text = _("{indicator}: {items}, {points}")
        elif not indicator.deducts and points < indicator.points:
            text = _("{indicator}: {items} of {whole}, {points} of {most}")
        else:
            continue
        lines.append(
            text.format(
                indicator=indicator.get_kind_display(),
                items=items,
                whole=whole,
                points=_num(points),
                most=_num(indicator.points),
            )
        )
    return lines


def _num(value: Decimal) -> str:
    return f"{value:.2f}"
