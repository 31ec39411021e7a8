"""Readers: a file or pasted text in, one ``Document`` (paragraphs and tables, in order) out.

Every failure is a ``PlanFormatError`` with a code the web layer turns into a clear message.
Nothing here knows what a plan is; ``plans.reading`` reads the plan from the document.
"""

from __future__ import annotations

from pathlib import PurePath

from plans.document import Document
from plans.parsing import PlanFormatError

# What an upload may be, by its name's suffix; the converted kinds need LibreOffice.
NATIVE = ("txt", "docx", "xlsx", "pdf", "html", "htm")
CONVERTED = ("doc", "wps", "rtf", "odt")
KINDS = NATIVE + CONVERTED


def kind_of(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix not in KINDS:
        raise PlanFormatError("unsupported_type", name=filename)
    return suffix


def read_document(filename: str, data: bytes) -> Document:
    from . import convert, html, office, pdf, text

    kind = kind_of(filename)
    if kind in CONVERTED:
        return office.read_docx(convert.to_docx(data, kind))
    reader = {
        "txt": text.read_text_file,
        "docx": office.read_docx,
        "xlsx": office.read_xlsx,
        "pdf": pdf.read_pdf,
        "html": html.read_html,
        "htm": html.read_html,
    }[kind]
    return reader(data)


def read_pasted(content: str) -> Document:
    """Pasted text; HTML pasted from a browser's clipboard is read as HTML."""
    from . import html, text

    if html.looks_like_html(content):
        return html.read_html(content.encode())
    return text.read_text(content)
