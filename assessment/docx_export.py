"""The ranking as a 通报: a centred title, the date, an opening paragraph, the ranking table,
then where each unit or department lost points. Laid out as the monthly brief
(``reporting.brief_docx``), whose font and paragraph helpers it uses."""

from __future__ import annotations

from io import BytesIO

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.shared import Mm

from reporting.brief_docx import BODY_FONT, MARGIN, TITLE_FONT, _font, _paragraph

from .queries import Ranking
from .wording import opening, shortfalls, subject_label, title


def notice_title(ranking: Ranking) -> str:
    return _("Notice of the results: {title}").format(title=title(ranking))


def render(ranking: Ranking) -> bytes:
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = MARGIN
        section.left_margin = section.right_margin = MARGIN
    heading = _paragraph(document, notice_title(ranking), size=18, font=TITLE_FONT, bold=True)
    heading.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    dateline = _paragraph(document, date_format(ranking.period_end, "Y-m-d"))
    dateline.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    _paragraph(document, opening(ranking))
    _paragraph(document, _("Ranking"), size=14, font=TITLE_FONT)
    header = [_("rank"), subject_label(ranking), _("total")]
    header += [i.get_kind_display() for i in ranking.indicators]
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _font(cell.paragraphs[0].add_run(text), TITLE_FONT, 9)
    for score in ranking.scores:
        texts = [str(score.rank or "—"), score.name, f"{score.total:.2f}"]
        texts += [f"{p:.2f}" for p in score.points]
        for cell, text in zip(table.add_row().cells, texts, strict=True):
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 9)
    _paragraph(document, _("Where points were lost"), size=14, font=TITLE_FONT)
    lost = [(s, shortfalls(ranking, s)) for s in ranking.scores]
    for score, lines in lost:
        if lines:
            _paragraph(document, f"{score.name}：" + "；".join(lines) + "。")
    if not any(lines for _score, lines in lost):
        _paragraph(document, _("No points were lost."))
    document.core_properties.title = notice_title(ranking)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
