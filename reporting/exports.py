"""The report's export formats: format name → writer, content type and file extension.

Used by the ``export_report`` command and the draft's download view; every writer takes a
``content.ReportContent`` and returns the file's bytes (JSON: the document of ``json_export``).
"""

from collections.abc import Callable
from typing import NamedTuple

from .content import ReportContent
from .docx_export import write_docx
from .html_export import write_html
from .json_export import write_json
from .pdf_export import write_pdf
from .xlsx_export import write_xlsx


class Writer(NamedTuple):
    write: Callable[[ReportContent], bytes]
    content_type: str
    extension: str


WRITERS: dict[str, Writer] = {
    "docx": Writer(
        write_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    # Needs LibreOffice on the server (pdf_export.available()); the page says when it is not.
    "pdf": Writer(write_pdf, "application/pdf", "pdf"),
    "html": Writer(write_html, "text/html; charset=utf-8", "html"),
    "json": Writer(write_json, "application/json", "json"),
    "xlsx": Writer(
        write_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}


def filename(content: ReportContent, export_format: str) -> str:
    """「<department><year>年政府信息公开工作年度报告.docx」: the title (as the office wrote it, on
    one line), as the report is known."""
    return f"{content.title}.{WRITERS[export_format].extension}"
