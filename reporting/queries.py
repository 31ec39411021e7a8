"""Reads of the year-end report draft: its format, its tables (the last generation's values
with the cells entered by hand), its checks as last run, its content as the exports read it, and
what changed under an edited part."""

import difflib
from decimal import Decimal

from . import checks, prose
from .content import Finding, ReportContent, SectionContent
from .formats import FORMATS, SECTION_TITLES, ReportFormat, cell_of
from .models import PublishedReport, ReportDraft, ReportSection
from .report import TableValues, build_table


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
    manual: dict[int, dict[tuple[str, str], Decimal]] = {}
    cells = draft.manual_cells.values_list("table", "row", "column", "value")
    for table, row, column, value in cells:
        manual.setdefault(table, {})[(row, column)] = value.normalize()
    return manual


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
    fmt = report_format(draft)
    manual = manual_cells(draft)
    tables = {}
    for table in fmt.tables:
        stored = (draft.computed or {}).get(str(table.number), {})
        computed = {cell_of(k): Decimal(v) for k, v in stored.items()}
        # Tables 三 and 四 come wholly from the registers; table 二 where a metric feeds a cell.
        sourced = set(computed) if table.number == 2 else set(table.cells())
        tables[table.number] = build_table(table, computed, sourced, manual.get(table.number, {}))
    return tables


def texts_of(draft: ReportDraft) -> dict[int, str]:
    return {s.number: s.text for s in draft.sections.all()}


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


def content(draft: ReportDraft) -> ReportContent:
    """The report as the exports read it (``reporting.content``)."""
    fmt = report_format(draft)
    texts = texts_of(draft)
    tables = tables_of(draft)
    return ReportContent(
        department=draft.department.name,
        year=draft.year,
        format=fmt,
        title=ReportContent.title_for(draft.department.name, draft.year),
        sections=[SectionContent(n, SECTION_TITLES[n - 1], texts.get(n, "")) for n in range(1, 7)],
        values={n: dict(t.values) for n, t in tables.items()},
        manual={
            (n, row, column)
            for n, t in tables.items()
            for (row, column), source in t.sources.items()
            if source == "manual"
        },
        checks=findings(draft),
        preamble=prose.preamble(draft.year, fmt.name),
    )
