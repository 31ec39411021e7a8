"""Office files made in the tests: saved python-docx/openpyxl objects, and LibreOffice's own
conversions (where it is installed) for the formats no Python library writes."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from plans.readers import convert

needs_libreoffice = pytest.mark.skipif(
    convert.soffice() is None, reason="LibreOffice (soffice) is not installed"
)


def has_cjk_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    return bool(subprocess.run(["fc-list", ":lang=zh"], capture_output=True).stdout.strip())


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def converted_by_libreoffice(files: dict[str, bytes], kind: str, directory: Path) -> dict:
    """Each file converted to ``kind`` in one LibreOffice run (its start-up is most of the
    cost); the results by the same names."""
    sources = []
    for name, data in files.items():
        sources.append(directory / name)
        sources[-1].write_bytes(data)
    subprocess.run(
        [convert.soffice(), f"-env:UserInstallation={(directory / 'profile').as_uri()}",
         "--headless", "--convert-to", kind, "--outdir", str(directory / "out"),
         *map(str, sources)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return {
        name: (directory / "out" / Path(name).with_suffix(f".{kind}")).read_bytes()
        for name in files
    }
