"""Older and other word-processor formats (.doc, .wps, .rtf, .odt) made .docx by LibreOffice.

LibreOffice runs headless, one process per file, with a profile of its own in a temporary
directory: two conversions at once would otherwise fight over the shared user profile's lock,
and the second would silently convert nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from plans.parsing import PlanFormatError

TIMEOUT = 60  # seconds; a page of text converts in one or two


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _unlimited_memory() -> None:
    """LibreOffice maps far more address space than it uses: the reader process's soft memory
    limit (``isolated``) is lifted for it, which has its own process and time limit."""
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def to_docx(data: bytes, kind: str) -> bytes:
    if not data.strip():
        raise PlanFormatError("empty")
    program = soffice()
    if program is None:
        raise PlanFormatError("needs_libreoffice", kind=kind)
    with tempfile.TemporaryDirectory(prefix="plan-convert-") as work:
        source = Path(work, f"plan.{kind}")
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={Path(work, 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(Path(work, "out")),
            str(source),
        ]
        # A session of its own, so a timeout ends LibreOffice's helper processes with it.
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "HOME": work},
            preexec_fn=_unlimited_memory,
        )
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise PlanFormatError("corrupt", kind=kind) from error
        # LibreOffice exits 0 when it cannot read the file too: the output says whether it did.
        result = Path(work, "out", "plan.docx")
        if not result.is_file() or not result.stat().st_size:
            raise PlanFormatError("corrupt", kind=kind)
        return result.read_bytes()
