"""The report as a standalone HTML page for the government portal's 政府信息公开 column.

One document with its own minimal style (no external files: the portal's editors paste or
upload it as is); tables are semantic <table>s whose merged cells come from ``grid``, the same
as the .docx. Text is escaped by the template engine.
"""

from django.template.loader import render_to_string

from .content import ReportContent, is_subheading, paragraphs
from .grid import report_grids


def write_html(content: ReportContent) -> bytes:
    grids = report_grids(content)
    parts = []
    for number in range(1, 7):
        section = content.section(number)
        parts.append(
            {
                "number": number,
                "anchor": f"part-{number}",
                "title": section.title,
                "paragraphs": [
                    {"text": text, "heading": is_subheading(text)}
                    for text in paragraphs(section.text)
                ],
                "grid": grids.get(number),
            }
        )
    html = render_to_string(
        "reporting/report_portal.html",
        {"content": content, "preamble": paragraphs(content.preamble), "parts": parts},
    )
    return html.encode("utf-8")
