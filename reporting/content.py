"""The year-end report's content as plain data: what every export writes.

The draft computation fills a :class:`ReportContent` from the database; the writers
(``docx_export``, ``html_export``, ``xlsx_export``) read nothing else, so they run and are
tested without the ORM.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .formats import SECTION_TITLES, CellKey, ReportFormat
from .frontmatter import default_title, title_lines

Value = Decimal | int | None


ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_LABELS = {
    ERROR: gettext_lazy("error"),
    WARNING: gettext_lazy("warning"),
    INFO: gettext_lazy("note"),
    "guidance": gettext_lazy("guidance"),
}


@dataclass(frozen=True)
class Finding:
    """A consistency rule's result (spec §5), with the cells it concerns so the page can mark
    them: e.g. Finding("T3-1", "error", False, "…", 3, (("row", "col"), …))."""

    rule: str
    severity: str
    ok: bool
    message: str
    table: int | None = None
    cells: tuple[tuple[str, str], ...] = field(default=())

    @property
    def severity_label(self) -> str:
        return str(SEVERITY_LABELS.get(self.severity, self.severity))

    @property
    def blocks_final(self) -> bool:
        return not self.ok and self.severity == ERROR

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "ok": self.ok,
            "message": self.message,
            "table": self.table,
            "cells": [list(c) for c in self.cells],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Finding":
        cells = tuple(tuple(c) for c in data.get("cells", ()))
        return cls(
            data["rule"], data["severity"], data["ok"], data["message"], data["table"], cells
        )


@dataclass(frozen=True)
class SectionContent:
    number: int  # 1–6
    title: str  # the official heading, e.g. "一、总体情况"
    text: str  # paragraphs separated by newlines


class Given(NamedTuple):
    """What one department gave a cell, and its report's page (empty: none to open)."""

    name: str
    value: Value
    url: str = ""


@dataclass(frozen=True)
class CellSource:
    """Where a cell of a region's report came from (逐级汇总): what each department (and the
    superior's own registers) gave it, e.g. ((「区教育局」, 3, url), (「区卫健局」, 2, url))."""

    table: int
    key: CellKey
    label: str  # the row's and column's labels, e.g. 「一、本年新收政府信息公开申请数量 / 自然人」
    values: tuple[Given, ...]


@dataclass(frozen=True)
class Stale:
    """A department's part of a region's report whose report changed after it was taken
    (``rollup.stale_parts``): the region's tables and part 一 hold it as it was, so they
    disagree with it until the superior rolls up again."""

    department: str
    changed_at: datetime.datetime  # the report's latest change
    reopened: bool = False  # taken final, back in draft now and not final again yet

    @property
    def words(self) -> str:
        """「3月2日有修改，需重新生成」, or 「已退回修改，尚未重新定稿」."""
        if self.reopened:
            return _("reopened for changes, not final again yet")
        day = timezone.localdate(self.changed_at)
        return _("changed on {date}, to be generated again").format(
            date=dateformat.format(day, pgettext("month and day", "F j"))
        )


@dataclass
class ReportContent:
    department: str
    year: int
    format: ReportFormat
    title: str  # without the book-title marks: "<department><year>年政府信息公开工作年度报告"
    sections: list[SectionContent]
    # table number (2, 3, 4) → cell → value; a missing cell or None is printed as 0 (spec §5).
    values: dict[int, dict[CellKey, Value]]
    manual: set[tuple[int, str, str]] = field(default_factory=set)  # (table, row, column)
    checks: list[Finding] = field(default_factory=list)
    # The unnumbered preamble before 一 and the sign-off lines (机关名称, date) after 六, which
    # real reports carry (spec §2.6); empty when the draft has none.
    preamble: str = ""
    sign_off: tuple[str, ...] = ()
    # The title's printed lines when the office broke it itself; else ``printed_title``
    # breaks it at a natural boundary.
    title_lines: tuple[str, ...] = ()
    # A region's report: each non-zero cell's breakdown by department (``rollup.sources``).
    sources: list[CellSource] = field(default_factory=list)
    # Its parts changed since its tables were generated: the breakdown waits for the next.
    sources_pending: bool = False
    # Its departments' parts whose report changed after they were taken.
    stale: list[Stale] = field(default_factory=list)

    @property
    def printed_title(self) -> tuple[str, ...]:
        """The title as printed, line by line (never broken inside a word)."""
        return self.title_lines or title_lines(self.title, self.department)

    @staticmethod
    def title_for(department: str, year: int) -> str:
        return default_title(department, year)

    def section(self, number: int) -> SectionContent:
        """The part numbered ``number``; an empty one under its official heading if missing."""
        for section in self.sections:
            if section.number == number:
                return section
        return SectionContent(number, SECTION_TITLES[number - 1], "")

    def table_values(self, number: int) -> dict[CellKey, Value]:
        return self.values.get(number, {})

    def manual_cells(self, number: int) -> set[CellKey]:
        return {(row, column) for table, row, column in self.manual if table == number}


def paragraphs(text: str) -> list[str]:
    """A part's text as paragraphs: one per non-blank line, surrounding blanks dropped (the
    writers indent paragraphs themselves)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# A paragraph that is only a second-level heading, 「（一）主动公开」: short, no sentence in it.
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）[^。；：:]{1,30}$")


def is_subheading(paragraph: str) -> bool:
    return bool(_SUBHEADING.match(paragraph))
