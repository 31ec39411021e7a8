"""The ranking as a workbook: a title row, a note row, then one row a unit or department with
its rank, total and each indicator's points as real numbers (deductions negative)."""

from __future__ import annotations

from io import BytesIO

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from org.spreadsheets import keep_as_text

from .queries import Ranking
from .wording import shortfalls, subject_label, title

TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3
POINTS = "0.00"
_thin = Side(style="thin")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
FONT = Font(name="宋体", size=10.5)
BOLD = Font(name="宋体", size=10.5, bold=True)
TITLE_FONT = Font(name="黑体", size=16, bold=True)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def ranking_workbook(ranking: Ranking) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("Assessment")
    book.properties.title = title(ranking)
    headers = [
        _("rank"),
        subject_label(ranking),
        _("total"),
        *(f"{i.get_kind_display()}\n{i.rule}" for i in ranking.indicators),
        _("Where points were lost"),
    ]
    last = len(headers)
    sheet.cell(TITLE_ROW, 1, title(ranking)).font = TITLE_FONT
    sheet.cell(TITLE_ROW, 1).alignment = CENTRED
    note = _("Records up to {date}; out of 100, deductions negative.").format(
        date=date_format(ranking.period_end, "Y-m-d")
    )
    sheet.cell(NOTE_ROW, 1, note).font = FONT
    for row in (TITLE_ROW, NOTE_ROW):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    for column, text in enumerate(headers, start=1):
        head = sheet.cell(HEADER_ROW, column, text)
        head.font, head.alignment, head.border = BOLD, CENTRED, BORDER
    for row, score in enumerate(ranking.scores, start=HEADER_ROW + 1):
        lost = "；".join(shortfalls(ranking, score))
        values = [score.rank, score.name, score.total, *score.points, lost]
        for column, value in enumerate(values, start=1):
            entry = sheet.cell(row, column, value if value is not None else "—")
            entry.font, entry.border = FONT, BORDER
            if column == 1:
                entry.number_format = "0"
            elif 2 < column < last:
                entry.number_format = POINTS
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 30
    for column in range(3, last):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    sheet.column_dimensions[get_column_letter(last)].width = 60
    sheet.row_dimensions[HEADER_ROW].height = 48
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"  # the rank and the name stay in view
    keep_as_text(sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
