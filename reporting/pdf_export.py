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

TIMEOUT = 120  # seconds: a cold LibreOffice start takes a few; a report converts in one or two


class PdfUnavailable(Exception):
    """LibreOffice is missing, or it failed to convert the document."""


def soffice() -> str | None:
    """The LibreOffice program's path, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def write_pdf(content: ReportContent) -> bytes:
    program = soffice()
    if program is None:
        raise PdfUnavailable("LibreOffice (soffice) is not installed on the server.")
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as folder:
        work = Path(folder)
        source = work / "report.docx"
        source.write_bytes(write_docx(content))
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
