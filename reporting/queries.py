"""Reads of the year-end report draft: its format, its tables (the last generation's values
with the cells entered by hand), its checks as last run, its content as the exports read it, and
what changed under an edited part."""

import datetime
import difflib
from decimal import Decimal

from django.utils import timezone

from . import checks, prose, rollup
from .content import Finding, ReportContent, SectionContent
from .formats import FORMATS, SECTION_TITLES, ReportFormat, cell_of
from .frontmatter import (
    Contact,
    chinese_date,
    default_opening,
    default_title,
    one_line,
    title_lines,
)
from .models import PublishedReport, ReportDraft, ReportSection
from .report import TableValues, stored_tables, typed_cells


def report_format(draft: ReportDraft) -> ReportFormat:
    return FORMATS[draft.format]


def data_changes(section: ReportSection) -> list[str]:
    """What changed in the generated text since the edit was made (a line diff)."""
    if not section.data_changed:
        return []
    diff = difflib.unified_diff(
        section.based_on.splitlines(), section.generated_text.splitlines(), lineterm="", n=0
    )
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def manual_cells(draft: ReportDraft) -> dict[int, dict[tuple[str, str], Decimal]]:
    return typed_cells(draft.manual_cells.values_list("table", "row", "column", "value", "places"))


def notes_of(draft: ReportDraft) -> dict[int, dict[tuple[str, str], str]]:
    """The notes of the cells entered by hand, by table (a note may explain a value)."""
    notes: dict[int, dict[tuple[str, str], str]] = {}
    for table, row, column, note in draft.manual_cells.exclude(note="").values_list(
        "table", "row", "column", "note"
    ):
        notes.setdefault(table, {})[(row, column)] = note
    return notes


def tables_of(draft: ReportDraft) -> dict[int, TableValues]:
    """The draft's tables: the last generation's values with the cells entered by hand."""
    return stored_tables(report_format(draft), draft.computed, manual_cells(draft))


def texts_of(draft: ReportDraft) -> dict[int, str]:
    return {s.number: s.text for s in draft.sections.all()}


def last_years_text(draft: ReportDraft, number: int) -> str | None:
    """The text of a part of last year's report (as edited), if there is one."""
    section = ReportSection.objects.filter(
        draft__department=draft.department_id, draft__year=draft.year - 1, number=number
    ).first()
    return section.text if section else None


def last_year(draft: ReportDraft) -> checks.Report | None:
    """Last year's report to compare with: its final draft, else the report as published
    (entered from its text), else its draft as it stands."""
    last = ReportDraft.objects.filter(department=draft.department_id, year=draft.year - 1).first()
    if last is not None and last.computed and last.status == ReportDraft.Status.FINAL:
        return _draft_report(last)
    published = published_report(draft.department_id, draft.year - 1)
    if published is not None:
        return published
    if last is None or not last.computed:
        return None
    return _draft_report(last)


def _draft_report(draft: ReportDraft) -> checks.Report:
    return checks.Report({n: t.values for n, t in tables_of(draft).items()}, texts_of(draft))


def published_report(department_id: int, year: int) -> checks.Report | None:
    published = PublishedReport.objects.filter(department=department_id, year=year).first()
    if published is None:
        return None
    values: dict[int, checks.Cells] = {
        int(n): {cell_of(k): Decimal(v) for k, v in cells.items()}
        for n, cells in published.values.items()
    }
    return checks.Report(values, {int(n): t for n, t in published.texts.items()})


def findings(draft: ReportDraft) -> list[Finding]:
    return [Finding.from_dict(d) for d in draft.checks]


def default_front_matter(draft: ReportDraft) -> dict:
    """What the front matter reads when the office has not written its own: built from the
    department's settings, signed with its name on the day the draft was marked final (or
    today while it is a draft)."""
    department = draft.department
    contact = Contact(
        department.name,
        department.contact_address,
        department.contact_postcode,
        department.contact_phone,
        department.report_site,
    )
    signed = timezone.localdate(draft.finalised_at) if draft.finalised_at else None
    return {
        "title": default_title(department.name, draft.year),
        "opening": default_opening(prose.preamble(draft.year, report_format(draft).name), contact),
        "sign_off_name": department.name,
        "sign_off_date": signed or timezone.localdate(),
        "no_opening": False,
    }


def front_matter(draft: ReportDraft) -> dict:
    """The front matter as printed: the office's words, else the defaults."""
    defaults = default_front_matter(draft)
    front = {name: getattr(draft, name) or default for name, default in defaults.items()}
    if draft.no_opening:
        front["opening"] = ""
    return front


def content(draft: ReportDraft) -> ReportContent:
    """The report as the exports read it (``reporting.content``)."""
    fmt = report_format(draft)
    texts = texts_of(draft)
    tables = tables_of(draft)
    front = front_matter(draft)
    signed: datetime.date = front["sign_off_date"]
    parts = rollup.parts_of(draft)
    return ReportContent(
        department=draft.department.name,
        year=draft.year,
        format=fmt,
        title=one_line(front["title"]),
        # The office's own break, if it made one (``frontmatter.title_lines`` keeps its lines).
        title_lines=title_lines(front["title"], "") if "\n" in front["title"] else (),
        sections=[SectionContent(n, SECTION_TITLES[n - 1], texts.get(n, "")) for n in range(1, 7)],
        values={n: dict(t.values) for n, t in tables.items()},
        manual={
            (n, row, column)
            for n, t in tables.items()
            for (row, column), source in t.sources.items()
            if source == "manual"
        },
        checks=findings(draft),
        preamble=front["opening"],
        sign_off=(front["sign_off_name"], chinese_date(signed)),
        sources=rollup.sources(draft, parts),
        sources_pending=rollup.sources_pending(draft, parts),
        stale=list(rollup.stale_parts(draft, parts).values()),
    )
