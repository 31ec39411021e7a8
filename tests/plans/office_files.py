"""Office files made in the tests: saved python-docx/openpyxl objects, and LibreOffice's own
conversions (where it is installed) for the formats no Python library writes."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from plans.readers import convert

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

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


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The zip ``data`` with member ``name`` replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            body = content if info.filename == name else source.read(info)
            target.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def docx_with_body(body_xml: str) -> bytes:
    """A Word document whose body is ``body_xml``, written as Word writes it."""
    import docx

    xml = f'<?xml version="1.0"?><w:document {W_NS}><w:body>{body_xml}</w:body></w:document>'
    return with_member(saved(docx.Document()), "word/document.xml", xml.encode())


def tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def far_cell_xlsx(header: list[str]) -> bytes:
    """A few kilobytes: a header row, and a value in the sheet's last cell, XFD1048576."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(header)
    book.active["XFD1048576"] = "x"
    return saved(book)


def huge_span_docx() -> bytes:
    """Under a kilobyte: one table cell declaring a span of two million columns."""
    span = "<w:gridSpan w:val='2000000'/>"
    return docx_with_body(f"<w:tbl><w:tr>{tc('x', span)}</w:tr></w:tbl>")
