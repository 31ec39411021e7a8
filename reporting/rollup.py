"""Reads of the region's report (逐级汇总): where each subordinate department's report of a
year stands against its deadline, what each gives the superior's report, and the sum.

Set-based: the standings of every overseen department and the contributions of the chosen ones
are a handful of queries whatever their number (a city over 600 departments); the sums, the
breakdown per cell and part 一 are computed in Python from those rows. The writes (rolling up,
reminding the late ones) are in ``services``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from org.levels import below
from org.models import Department

from . import checks, prose
from .content import CellSource, Finding, Given, Stale, is_subheading, paragraphs
from .deadlines import report_deadlines
from .formats import FORMATS, ReportFormat, cell_code, cell_of, format_for
from .models import (
    LateReportReminder,
    ManualCell,
    PublishedReport,
    ReportDraft,
    ReportSection,
    RollupPart,
)
from .report import stored_tables, typed_cells

NONE, DRAFT, FINAL, PUBLISHED = "none", "draft", "final", "published"
STATE_LABELS = {
    NONE: gettext_lazy("no report"),
    DRAFT: gettext_lazy("draft"),
    FINAL: gettext_lazy("final"),
    PUBLISHED: gettext_lazy("published"),
}
DONE = (FINAL, PUBLISHED)


def default_year(today: datetime.date) -> int:
    """The year whose reports are rolled up: the one that ended last (a year's reports can only
    be summed once it is over, and are compiled from January to March)."""
    return today.year - 1


# --- Standings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Where a department's report of the year stands on ``as_of``."""

    department: Department
    direct: bool  # directly below the superior (its report rolls up into the superior's)
    state: str
    deadline: datetime.date
    as_of: datetime.date
    draft_id: int | None = None
    started: datetime.date | None = None
    finalised: datetime.date | None = None
    published: datetime.date | None = None  # when the published report was entered
    reminded: LateReportReminder | None = None  # the last reminder of the late report

    @property
    def reminded_today(self) -> bool:
        """Reminded on ``as_of`` already: a reminder goes once a day (``remind_late_reports``)."""
        return self.reminded is not None and self.reminded.date == self.as_of

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def days_late(self) -> int:
        """Calendar days past the deadline: until final, or, final, when it was marked so."""
        if self.finalised is not None:
            return max(0, (self.finalised - self.deadline).days)
        if self.state == PUBLISHED:
            return 0  # published before the system kept it: its date is not known
        return max(0, (self.as_of - self.deadline).days)

    @property
    def is_late(self) -> bool:
        """Not final and past its deadline: the ones to remind."""
        return self.state not in DONE and self.as_of > self.deadline

    @property
    def words(self) -> str:
        """The standing in words: 「逾期3天，尚未定稿」, 「逾期2天定稿」, 「按时定稿」 …"""
        days = self.days_late
        if self.state in DONE:
            if self.finalised is None:
                return _("published")
            if days:
                return _("final {days} days late").format(days=days)
            return _("final on time")
        if days:
            return _("{days} days late, not final yet").format(days=days)
        left = (self.deadline - self.as_of).days
        if not left:
            return _("not final yet, due today")
        return _("not final yet, {days} days to the deadline").format(days=left)


def standings(superior: Department, year: int, as_of: datetime.date) -> list[Standing]:
    """Every department below the superior (at any depth, ``org.levels.below``), direct ones
    first, by name, each with its last reminder. Five queries besides ``below``'s one per
    level."""
    ids = below(superior.pk)
    if not ids:
        return []
    departments = list(Department.objects.filter(pk__in=ids).order_by("name"))
    deadlines = report_deadlines(ids, year)
    drafts = {
        d.department_id: d
        for d in ReportDraft.objects.filter(department__in=ids, year=year).only(
            "pk", "department_id", "status", "created_at", "finalised_at"
        )
    }
    published = dict(
        PublishedReport.objects.filter(department__in=ids, year=year).values_list(
            "department", "entered_at"
        )
    )
    # The last one wins: a department is reminded at most once a day (SQLite has no DISTINCT ON).
    reminded = {
        r.department_id: r
        for r in LateReportReminder.objects.filter(department__in=ids, year=year)
        .select_related("sent_by")
        .order_by("date")
    }
    result = []
    for department in departments:
        draft = drafts.get(department.pk)
        entered = published.get(department.pk)
        final = draft is not None and draft.status == ReportDraft.Status.FINAL
        state = PUBLISHED if entered else FINAL if final else DRAFT if draft else NONE
        result.append(
            Standing(
                department=department,
                direct=department.parent_id == superior.pk,
                state=state,
                deadline=deadlines[department.pk],
                as_of=as_of,
                draft_id=draft.pk if draft else None,
                started=_day(draft.created_at) if draft else None,
                finalised=_day(draft.finalised_at) if final and draft else None,
                published=_day(entered),
                reminded=reminded.get(department.pk),
            )
        )
    result.sort(key=lambda s: not s.direct)  # stable: by name within each group
    return result


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


# --- Contributions ----------------------------------------------------------------------------


Values = dict[int, dict[tuple[str, str], Decimal]]  # table → cell → value


@dataclass
class Contribution:
    """What one department gives the region's report."""

    department: Department
    source: str  # RollupPart.Source
    values: Values
    overview: str
    checks: list[Finding] = field(default_factory=list)

    def as_part(self, draft: ReportDraft) -> RollupPart:
        """Its non-zero cells (a zero adds nothing: most of a department's cells) and its failed
        checks: what the sum and the page need, small enough to write 600 at once."""
        return RollupPart(
            draft=draft,
            department=self.department,
            source=self.source,
            values=to_json(
                {n: {c: v for c, v in cells.items() if v} for n, cells in self.values.items()}
            ),
            overview=self.overview,
            checks=[f.as_dict() for f in self.checks if not f.ok],
        )


def to_json(values: Values) -> dict:
    return {
        str(n): {cell_code(c): str(v) for c, v in cells.items() if v is not None}
        for n, cells in values.items()
    }


def from_json(stored: dict) -> Values:
    return {
        int(n): {cell_of(code): Decimal(v) for code, v in cells.items()}
        for n, cells in stored.items()
    }


def contributions(department_ids: Sequence[int], year: int) -> list[Contribution]:
    """Each department's report of the year as the superior takes it: its final draft, else
    its published report, else its draft as it stands; none without any. Five queries.

    A draft's checks are those it ran at its last change (with last year's report, for the
    cross-year rules); a published report's are run here on its values and texts.
    """
    fmt = format_for(year)
    departments = Department.objects.in_bulk(department_ids)
    drafts = {
        d.department_id: d
        for d in ReportDraft.objects.filter(department__in=department_ids, year=year).only(
            "pk", "department_id", "status", "computed", "checks", "format"
        )
    }
    manual_rows: dict[int, list] = {}
    for draft_id, *row in ManualCell.objects.filter(draft__in=drafts.values()).values_list(
        "draft", "table", "row", "column", "value", "places"
    ):
        manual_rows.setdefault(draft_id, []).append(row)
    overviews = {
        s.draft_id: s.text
        for s in ReportSection.objects.filter(draft__in=drafts.values(), number=1).only(
            "draft_id", "generated_text", "edited_text", "is_edited"
        )
    }
    published = {
        p.department_id: p
        for p in PublishedReport.objects.filter(department__in=department_ids, year=year).only(
            "department_id", "values", "texts"
        )
    }
    result = []
    for pk in department_ids:
        draft, report = drafts.get(pk), published.get(pk)
        if draft is not None and (draft.status == ReportDraft.Status.FINAL or report is None):
            tables = stored_tables(fmt, draft.computed, typed_cells(manual_rows.get(draft.pk, ())))
            source = (
                RollupPart.Source.FINAL
                if draft.status == ReportDraft.Status.FINAL
                else RollupPart.Source.DRAFT
            )
            values = {n: _present(t.values) for n, t in tables.items()}
            findings = [Finding.from_dict(d) for d in draft.checks]
            result.append(
                Contribution(departments[pk], source, values, overviews.get(draft.pk, ""), findings)
            )
        elif report is not None:
            values = from_json(report.values)
            texts = {int(n): t for n, t in report.texts.items()}
            table_values: dict[int, checks.Cells] = {n: dict(cells) for n, cells in values.items()}
            findings = checks.run_all(fmt, checks.Report(table_values, texts), None)
            result.append(
                Contribution(
                    departments[pk],
                    RollupPart.Source.PUBLISHED,
                    values,
                    texts.get(1, ""),
                    findings,
                )
            )
    return result


def _present(values: dict) -> dict[tuple[str, str], Decimal]:
    return {cell: value for cell, value in values.items() if value is not None}


def total(parts: Iterable[Values]) -> Values:
    """The cell-by-cell sum. Totals (三's 总计, 四's 总计) add up like any cell: the sum of the
    parts' totals is the total of the summed cells, and where a part's own total does not add
    up, the checks on the sum say so."""
    summed: Values = {}
    for values in parts:
        for number, cells in values.items():
            table = summed.setdefault(number, {})
            for cell, value in cells.items():
                table[cell] = table.get(cell, Decimal(0)) + value
    return summed


# --- Part 一 drawn from the departments' texts -----------------------------------------------

_ORDINAL = re.compile(r"^（([一二三四五六七八九十]+)）")
_NUMERALS = "一二三四五六七八九十"


@dataclass
class _Topics:
    """A part 一's paragraphs: those before its first sub-heading, those under each of the
    format's topics by index, and those under any other sub-heading (（六）其他工作, …) by
    the sub-heading as written, in the order met."""

    intro: list[str] = field(default_factory=list)
    known: dict[int, list[str]] = field(default_factory=dict)
    other: dict[str, list[str]] = field(default_factory=dict)


def _by_topic(text: str, count: int) -> _Topics:
    """Every report numbers the format's ``count`` topics the same way (the format's 一 names
    them in this order, spec §2.1), so a sub-heading's ordinal is its topic (（一） → 0). A
    sub-heading past them keeps its own words: no paragraph is dropped."""
    found = _Topics()
    current = found.intro
    for paragraph in paragraphs(text):
        match = _ORDINAL.match(paragraph) if is_subheading(paragraph) else None
        if match is None:
            current.append(paragraph)
        elif len(match.group(1)) == 1 and _NUMERALS.index(match.group(1)) < count:
            current = found.known.setdefault(_NUMERALS.index(match.group(1)), [])
        else:
            current = found.other.setdefault(paragraph, [])
    return found


def overview(
    fmt: ReportFormat,
    own: str,
    parts: Sequence[tuple[str, str]],
    requests: prose.Requests | None = None,
) -> str:
    """The region's part 一: by topic, as the format's 一 is organised (spec §2.1), so the
    region's report reads as one report; under each topic the superior's own paragraphs, then
    one paragraph per department that wrote on the topic, opening with its name, so every
    sentence is traceable to the department that wrote it. ``parts``: (name, text). Text under
    a sub-heading that is none of the format's topics follows them, under that sub-heading as
    written (the same words from several departments gathered under one).

    Where departments wrote on a topic the superior has no work of its own in, the superior's
    stand-in (「（待补充）」, which G-3 would flag) gives way to their text. 依申请公开 opens
    with ``requests``, the summed table 三's figures, in place of the superior's own
    register's: the sentence sits beside the table it must agree with."""
    count = len(fmt.topics)
    mine = _by_topic(own, count)
    theirs = [(name, _by_topic(text, count)) for name, text in parts]
    lines = list(mine.intro)
    lines += [f"{name}：{''.join(t.intro)}" for name, t in theirs if t.intro]
    for index, (key, title) in enumerate(fmt.topics):
        under = list(mine.known.get(index, []))
        given = [f"{name}：{''.join(t.known[index])}" for name, t in theirs if t.known.get(index)]
        if given:
            under = [p for p in under if not prose.is_placeholder(p)]
        if key == prose.Topic.ON_REQUEST and requests is not None:
            rest = [p for p in map(prose.without_requests_sentence, under) if p]
            under = [prose.requests_sentence(requests) + (rest[0] if rest else ""), *rest[1:]]
        if under or given:
            lines += [title, *under, *given]
    headings = dict.fromkeys([*mine.other, *(h for _name, t in theirs for h in t.other)])
    for heading in headings:
        under = mine.other.get(heading, [])
        given = [
            f"{name}：{''.join(t.other[heading])}" for name, t in theirs if t.other.get(heading)
        ]
        if under or given:
            lines += [heading, *under, *given]
    return "\n".join(lines)


# --- What the superior's draft holds ----------------------------------------------------------


def parts_of(draft: ReportDraft) -> list[RollupPart]:
    """The draft's parts, its own registers first, then by department name."""
    parts = list(draft.rollup_parts.select_related("department"))
    parts.sort(key=lambda p: (p.department_id != draft.department_id, p.department.name))
    return parts


def combine(
    draft: ReportDraft, own: dict, own_overview: str, parts: Sequence[RollupPart]
) -> tuple[dict, str]:
    """The superior's generation (its own registers' values, JSON as ``ReportDraft.computed``,
    and its part 一) with the departments' parts added."""
    others = [p for p in parts if p.department_id != draft.department_id]
    summed = to_json(total([from_json(own), *(from_json(p.values) for p in others)]))
    fmt = FORMATS[draft.format]
    # Table 三 as the region's report prints it: the sum, and the cells entered by hand on it.
    manual = ManualCell.objects.filter(draft=draft).values_list(
        "table", "row", "column", "value", "places"
    )
    three = stored_tables(fmt, summed, typed_cells(manual))[3]
    given = [(p.department.name, p.overview) for p in others]
    return summed, overview(fmt, own_overview, given, prose.requests_of(three))


def sources_pending(draft: ReportDraft, parts: Sequence[RollupPart]) -> bool:
    """Departments' parts taken after the draft's last successful generation: its tables still
    hold the sums of the parts before (the job may be running, or have failed), so a breakdown
    by the parts now chosen would not add up to them. The superior's own part is written by
    the generation itself."""
    generated = draft.generated_at
    return any(
        generated is None or p.taken_at > generated
        for p in parts
        if p.department_id != draft.department_id
    )


def sources(draft: ReportDraft, parts: Sequence[RollupPart] | None = None) -> list[CellSource]:
    """Every non-zero cell of a roll-up with what each part gave it (the 来源 breakdown),
    in the tables' order; empty for a draft that rolls nothing up, or whose parts changed
    since its tables were generated (``sources_pending``)."""
    parts = parts_of(draft) if parts is None else parts
    if not any(p.department_id != draft.department_id for p in parts):
        return []
    if sources_pending(draft, parts):
        return []
    fmt = FORMATS[draft.format]
    urls = _report_urls(draft, parts)
    given = [(p.department.name, from_json(p.values), urls.get(p.pk, "")) for p in parts]
    result = []
    for table in fmt.tables:
        for block in table.blocks:
            for row in block.rows:
                for column in block.columns:
                    key = (row.key, column.key)
                    values = tuple(
                        Given(name, values[table.number][key], url)
                        for name, values, url in given
                        if values.get(table.number, {}).get(key)
                    )
                    if values:
                        label = " / ".join(dict.fromkeys((*row.path, *column.path)))
                        result.append(CellSource(table.number, key, label, values))
    return result


def _report_urls(draft: ReportDraft, parts: Sequence[RollupPart]) -> dict[int, str]:
    """Each department's part → the page of the draft it was taken from (a superior reads its
    departments' reports: ``permissions.visible_reports``). None for the superior's own part
    nor for a published report entered without a draft behind it. One query."""
    taken = {
        p.department_id: p.pk
        for p in parts
        if p.source in (RollupPart.Source.FINAL, RollupPart.Source.DRAFT)
    }
    drafts = ReportDraft.objects.filter(department__in=taken, year=draft.year).values_list(
        "department", "pk"
    )
    return {
        taken[department]: reverse("reporting:report_detail", args=[pk])
        for department, pk in drafts
    }


def stale_parts(draft: ReportDraft, parts: Sequence[RollupPart]) -> dict[int, Stale]:
    """The departments' parts (by department) whose report changed after the part was taken.

    A part is taken from the report the department would give now (``contributions``): its
    final draft, else its published report, else its draft. That report's latest change is
    the draft's latest version (every write to a draft, from a cell to marking it final or
    reopening it, keeps one: ``services._refresh``) or the published report's entry; later
    than the part's ``taken_at`` means it changed since. ``taken_at``, not the superior's
    ``generated_at``: a generation sums the parts as taken, so only rolling up again (which
    takes them afresh) brings the region's figures level. A change of source (a draft marked
    final over a published report, a published report entered over a draft) is a change made
    after the part was taken too. Two queries, whatever the number of parts."""
    taken = {p.department_id: p for p in parts if p.department_id != draft.department_id}
    if not taken:
        return {}
    drafts = {
        department: (status, last)
        for department, status, last in ReportDraft.objects.filter(
            department__in=taken, year=draft.year
        )
        .annotate(last=Max("versions__created_at"))
        .values_list("department", "status", "last")
    }
    published = dict(
        PublishedReport.objects.filter(department__in=taken, year=draft.year).values_list(
            "department", "entered_at"
        )
    )
    result = {}
    for department, part in taken.items():
        status, last = drafts.get(department, (None, None))
        if part.source == RollupPart.Source.FINAL and status == ReportDraft.Status.DRAFT:
            result[department] = Stale(part.department.name, last or part.taken_at, reopened=True)
            continue
        # The report it would be taken from now: a final draft wins over a published report.
        changed: datetime.datetime | None = last
        if department in published and status != ReportDraft.Status.FINAL:
            changed = published[department]
        if changed is not None and changed > part.taken_at:
            result[department] = Stale(part.department.name, changed)
    return result


def failed_checks(parts: Sequence[RollupPart]) -> list[tuple[RollupPart, list[Finding]]]:
    """Each part's failed checks (errors and warnings), as they were when it was rolled up."""
    listed = []
    for part in parts:
        findings = [Finding.from_dict(d) for d in part.checks]
        listed.append((part, [f for f in findings if not f.ok and f.severity != "info"]))
    return listed
