"""Plans written for the importer's tests, each next to what the importer must read from it.

``NAME.txt`` is a plan as text; ``NAME.docx.json`` and ``NAME.xlsx.json`` describe a Word document
or a spreadsheet that ``write_source`` builds into a directory (no binaries are committed).
``NAME.expected.json`` holds the expected document facts and tasks (the import contract's
fields) and a line saying which layout the plan stands for.

A ``.docx.json`` is ``{"blocks": [...]}``: a string is a paragraph, a list of strings one paragraph
written in several runs, ``{"table": rows, "merge": [[row, col, row, col], ...]}`` a table.
A ``.xlsx.json`` is ``{"sheet": title, "rows": rows, "merge": ["A1:F1", ...]}``; a cell written
``"date:2024-03-31"`` is stored as an Excel date.
"""

import datetime
import io
import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
SOURCE_SUFFIXES = (".txt", ".docx.json", ".xlsx.json")


def plan_names() -> list[str]:
    return sorted(p.name.removesuffix(".expected.json") for p in CORPUS.glob("*.expected.json"))


def expected(name: str) -> dict:
    return json.loads((CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"))


def write_source(name: str, directory: Path) -> Path:
    """The plan as the office would upload it: a .txt as it is, a .docx/.xlsx built."""
    for suffix in SOURCE_SUFFIXES:
        source = CORPUS / f"{name}{suffix}"
        if source.exists():
            break
    else:
        raise FileNotFoundError(f"no source for corpus plan {name}")
    if suffix == ".txt":
        return source
    spec = json.loads(source.read_text(encoding="utf-8"))
    kind = suffix.removesuffix(".json")
    target = directory / f"{name}{kind}"
    target.write_bytes(docx_bytes(spec["blocks"]) if kind == ".docx" else xlsx_bytes(spec))
    return target


def docx_bytes(blocks: list) -> bytes:
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        elif isinstance(block, list):
            paragraph = document.add_paragraph()
            for run in block:
                paragraph.add_run(run)
        else:
            rows = block["table"]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
            for r1, c1, r2, c2 in block.get("merge", []):
                table.cell(r1, c1).merge(table.cell(r2, c2))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(spec: dict) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = spec.get("sheet", "Sheet1")
    for row in spec["rows"]:
        sheet.append([_cell_value(value) for value in row])
    for cells in spec.get("merge", []):
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_value(value):
    if isinstance(value, str) and value.startswith("date:"):
        return datetime.datetime.fromisoformat(value.removeprefix("date:"))
    return value if value != "" else None
