"""The monthly progress brief (通报) as a one-page Word document, from ``dashboard.Brief``.

Laid out like the office's circulars: a centred title, the date line, the summary sentence,
then a table of the units behind schedule with their overdue tasks. Chinese fonts are set as
East Asian fonts (``w:eastAsia``), else Word shows CJK text in the theme's Latin font.
"""

from io import BytesIO

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .dashboard import Brief

TITLE_FONT, BODY_FONT = "黑体", "仿宋"
MARGIN = Mm(25)


def title(brief: Brief) -> str:
    return _("Progress brief: {subject}").format(subject=brief.subject)


def file_name(brief: Brief) -> str:
    return f"{title(brief)} {brief.date:%Y-%m-%d}.docx".replace(":", "").replace("：", "")


def _font(run, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(document, text: str, *, size: float = 12, font: str = BODY_FONT, **kwargs):
    paragraph = document.add_paragraph()
    _font(paragraph.add_run(text), font, size, **kwargs)
    paragraph.paragraph_format.space_after = Pt(4)
    return paragraph


def render(brief: Brief) -> bytes:
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = MARGIN
        section.left_margin = section.right_margin = MARGIN
    heading = _paragraph(document, title(brief), size=18, font=TITLE_FONT, bold=True)
    heading.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    dateline = _paragraph(document, date_format(brief.date, "Y-m-d"), size=12)
    dateline.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    _paragraph(document, brief.summary())
    if not brief.behind:
        _paragraph(document, _("No unit is behind schedule."))
    else:
        _paragraph(document, _("Units behind schedule"), size=14, font=TITLE_FONT)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        header = (_("unit"), _("overdue"), _("overdue tasks (deadline)"))
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            _font(cell.paragraphs[0].add_run(text), TITLE_FONT, 10.5)
        for unit in brief.behind:
            texts = (unit.name, str(unit.row.overdue), unit.tasks_line)
            for cell, text in zip(table.add_row().cells, texts, strict=True):
                _font(cell.paragraphs[0].add_run(text), BODY_FONT, 10.5)
        for row in table.rows:
            row.cells[0].width, row.cells[1].width, row.cells[2].width = Mm(30), Mm(16), Mm(114)
    document.core_properties.title = title(brief)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
