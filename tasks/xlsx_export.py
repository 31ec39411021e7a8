"""The 任务分解表 as an office prints and files it: a title, the plan's headings as rows of their
own with the tasks numbered under them, lead and co-operating units apart, deadlines as dates,
and an A4 landscape page setup.

Reads only what ``queries.breakdown`` loaded; writes text people typed as text (never a formula).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from org.spreadsheets import keep_as_text
from plans.parsing import heading_label, heading_of, normalise

from .models import Assignment, Task
from .queries import PlanTree, TreeNode

TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3
# Characters wide; the task's text takes what A4 landscape leaves.
WIDTHS = (7, 58, 16, 22, 15, 12, 18)
DATE_COLUMN = 5

_thin = Side(style="thin")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
FONT = Font(name="宋体", size=10.5)
BOLD = Font(name="宋体", size=10.5, bold=True)
TITLE_FONT = Font(name="黑体", size=16, bold=True)
NOTE_FONT = Font(name="宋体", size=9)
TEXT = Alignment(horizontal="left", vertical="center", wrap_text=True)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
# Shades of a plan's row and of its headings by depth: the deeper, the lighter.
SHADES = [PatternFill("solid", fgColor=c) for c in ("BFBFBF", "D9D9D9", "EDEDED", "F7F7F7")]


def breakdown_workbook(
    plans: Sequence[PlanTree],
    *,
    exported_at: datetime.datetime,
    filters: Sequence[tuple[str, str]] = (),
) -> bytes:
    """The workbook of the given plans' tasks; ``filters`` as (label, value), in words."""
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook's one sheet
    sheet.title = _("Task breakdown")[:31]
    title = _title(plans)
    book.properties.title = title
    _heading_rows(sheet, title, _note(plans, exported_at, filters))
    row = HEADER_ROW + 1
    for part in plans:
        if len(plans) > 1:
            text = f"《{part.plan.title}》" + (
                f"（{part.plan.number}）" if part.plan.number else ""
            )
            row = _band(sheet, row, "", text, SHADES[0])
        row = _nodes(sheet, row, part.nodes, depth=1)
    if row == HEADER_ROW + 1:
        row = _band(sheet, row, "", _("No tasks match."), None)
    keep_as_text(sheet)
    _page_setup(sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _title(plans: Sequence[PlanTree]) -> str:
    """One plan's title, or the years (and the department) of several plans."""
    if len(plans) == 1:
        return _("{plan}: task breakdown").format(plan=plans[0].plan.title)
    if not plans:
        return _("Government transparency work: task breakdown")
    years = sorted({p.plan.year for p in plans})
    span = str(years[0]) if len(years) == 1 else f"{years[0]}—{years[-1]}"
    departments = {p.plan.department.name for p in plans}
    return _("{department}{years} government transparency work: task breakdown").format(
        department=departments.pop() if len(departments) == 1 else "", years=span
    )


def _note(
    plans: Sequence[PlanTree], exported_at: datetime.datetime, filters: Sequence[tuple[str, str]]
) -> str:
    separator = pgettext("between the parts of a list", "; ")
    parts = []
    if len(plans) == 1 and plans[0].plan.number:
        parts.append(plans[0].plan.number)
    parts.append(_("Exported {time}").format(time=exported_at.strftime("%Y-%m-%d %H:%M")))
    if filters:
        applied = separator.join(
            _("{label}: {value}").format(label=label, value=value) for label, value in filters
        )
        parts.append(_("filtered by {filters}").format(filters=applied))
    return separator.join(parts)


def _heading_rows(sheet: Worksheet, title: str, note: str) -> None:
    last = len(WIDTHS)
    sheet.cell(TITLE_ROW, 1, title).font = TITLE_FONT
    sheet.cell(TITLE_ROW, 1).alignment = CENTRED
    sheet.row_dimensions[TITLE_ROW].height = 36
    sheet.cell(NOTE_ROW, 1, note).font = NOTE_FONT
    sheet.cell(NOTE_ROW, 1).alignment = Alignment(horizontal="right", vertical="center")
    for row in (TITLE_ROW, NOTE_ROW):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    headers = [
        _("No."),
        _("task"),
        _("lead units"),
        _("co-operating units"),
        _("deadline"),
        _("progress"),
        _("remarks"),
    ]
    for column, (header, width) in enumerate(zip(headers, WIDTHS, strict=True), start=1):
        cell = sheet.cell(HEADER_ROW, column, str(header))
        cell.font, cell.alignment, cell.border, cell.fill = BOLD, CENTRED, BORDER, SHADES[1]
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"


def _nodes(sheet: Worksheet, row: int, nodes: list[TreeNode], *, depth: int) -> int:
    """Writes the headings and tasks of ``nodes`` from ``row`` on; returns the next free row."""
    number = 0  # of the headings: the node of tasks with no heading takes none
    for node in nodes:
        # The heading's rank, as its label says, or its depth; its tasks number a rank lower,
        # 1. 2. at the highest (tasks with no heading too).
        rank = 2
        if node.heading is not None:
            number += 1
            own = heading_of(normalise(node.heading.label))
            rank = own[0] if own else depth
            label = _printed(node.heading.label) or heading_label(depth, number)
            row = _band(sheet, row, label, node.heading.title, SHADES[min(depth, 3)])
        for index, task in enumerate(node.tasks, start=1):
            _task_row(sheet, row, heading_label(max(rank + 1, 3), index), task)
            row += 1
        row = _nodes(sheet, row, node.children, depth=depth + 1)
    return row


def _printed(label: str) -> str:
    # Stored as the parser normalised it, 「(一)」; printed with the document's brackets.
    return label.replace("(", "（").replace(")", "）")


def _band(sheet: Worksheet, row: int, label: str, text: str, fill: PatternFill | None) -> int:
    """A row of its own (a plan, a heading): its number, then its text across the row."""
    sheet.cell(row, 1, label)
    sheet.cell(row, 2, text)
    for column in range(1, len(WIDTHS) + 1):
        cell = sheet.cell(row, column)
        cell.font, cell.border = BOLD, BORDER
        cell.alignment = CENTRED if column == 1 else TEXT
        if fill is not None:
            cell.fill = fill
    sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(WIDTHS))
    return row + 1


def _task_row(sheet: Worksheet, row: int, number: str, task: Task) -> None:
    lead = [str(a.unit) for a in task.assignments.all() if a.role == Assignment.Role.LEAD]
    support = [str(a.unit) for a in task.assignments.all() if a.role == Assignment.Role.SUPPORT]
    progress = _("{done} of {total} units completed").format(
        done=task.n_completed,  # type: ignore[attr-defined]  # task_rows() annotates them
        total=task.n_assignments,  # type: ignore[attr-defined]
    )
    values: list[str | datetime.date] = [
        number,
        task.text,
        "、".join(lead),
        "、".join(support),
        task.due_date,
        progress,
        _remarks(task),
    ]
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row, column, value)
        cell.font, cell.border = FONT, BORDER
        cell.alignment = TEXT if column in (2, 3, 4, 7) else CENTRED
    # Translated: 「2026年6月30日」 in Chinese, ISO elsewhere.
    sheet.cell(row, DATE_COLUMN).number_format = pgettext("Excel date format", "yyyy-mm-dd")


def _remarks(task: Task) -> str:
    """What the date and units alone do not say: recurring or standing work, a milestone, units
    the office has still to choose, a closure."""
    notes = []
    if task.deadline_kind == Task.DeadlineKind.RECURRING and task.recurrence:
        notes.append(task.get_recurrence_display())
    elif task.deadline_kind != Task.DeadlineKind.DATE:
        notes.append(task.get_deadline_kind_display())
    if task.is_milestone:
        notes.append(str(_("milestone")))
    for group in task.groups.all():  # prefetched by queries.breakdown
        if group.needs_choice:
            chosen = _("units to be chosen by the office")
            notes.append(_("{label}: {value}").format(label=group, value=chosen))
    if task.closed_reason:
        notes.append(_("closed: {reason}").format(reason=task.closed_reason))
    return pgettext("between the parts of a list", "; ").join(notes)


def _page_setup(sheet: Worksheet) -> None:
    """A4 landscape, as wide as the page, the column headers on every page, numbered pages."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    footer = sheet.oddFooter
    assert footer is not None  # a new sheet's, empty
    footer.center.text = _("Page &P of &N")
