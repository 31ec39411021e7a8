"""The report as PDF: the .docx converted by LibreOffice (``soffice --headless``), so the PDF
is laid out exactly as the Word document offices print.

LibreOffice is a system program, not a Python package: where it is not installed the draft
page says so instead of offering the download (README, "PDF export").
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from .content import ReportContent
from .docx_export import write_docx
from .grid import report_grids
from .pdf_layout import badly_split

TIMEOUT = 120  # seconds: a cold LibreOffice start takes a few; a report converts in one or two


class PdfUnavailable(Exception):
    """LibreOffice is missing, or it failed to convert the document."""


def soffice() -> str | None:
    """The LibreOffice program's path, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def write_pdf(content: ReportContent) -> bytes:
    """The report converted by LibreOffice; where it split a table badly (``pdf_layout``), that
    table starts a new page and the document is converted again, a table at a time."""
    grids = list(report_grids(content).values())
    new_page: set[int] = set()
    pdf = _convert(write_docx(content))
    for _ in grids:
        bad = [number for number in badly_split(grids, pdf) or () if number not in new_page]
        if not bad:
            break
        new_page.add(bad[0])
        pdf = _convert(write_docx(content, new_page_before=new_page))
    return pdf


def _convert(docx: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise PdfUnavailable("LibreOffice (soffice) is not installed on the server.")
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as folder:
        work = Path(folder)
        source = work / "report.docx"
        source.write_bytes(docx)
        # A profile of its own: LibreOffice refuses to start while another instance (a person's
        # desktop, a parallel conversion) holds the default profile's lock.
        profile = (work / "profile").as_uri()
        command = [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=True)
        except (subprocess.SubprocessError, OSError) as error:
            raise PdfUnavailable(f"LibreOffice could not convert the report: {error}") from error
        target = work / "report.pdf"
        if not target.exists():
            raise PdfUnavailable("LibreOffice wrote no PDF.")
        return target.read_bytes()
