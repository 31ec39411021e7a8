"""The one document model every reader produces: an ordered stream of paragraphs and tables.

Readers (``plans.readers``) turn a file or pasted text into a ``Document``; the interpreter
(``plans.reading``) reads the plan from it. Neither side knows the other's format. No Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Cell:
    """One cell of a table's grid. A cell covered by a merged cell (gridSpan, vMerge, an Excel
    merged range) repeats its origin's text and says so with ``merged``."""

    text: str
    merged: bool = False


@dataclass
class Table:
    """Rows of cells, as the source holds them.

    ``flat`` marks a table read back from text that lost its row boundaries (one cell a line):
    each row after the header then holds one cell, and an empty row marks where the text did
    show a row's end. Rows of any table may be ragged (merged cells written only once).
    """

    rows: list[list[Cell]]
    flat: bool = False

    @classmethod
    def of(cls, rows: list[list[str]], *, flat: bool = False) -> Table:
        return cls([[Cell(text) for text in row] for row in rows], flat=flat)

    def texts(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)
    kind: str = "txt"  # what it was read from: txt, docx, xlsx, pdf, html, …

    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def as_json(self) -> dict:
        """The blocks as plain data, kept with an import so that it can be read again (with
        the office's column roles) without the file."""
        return {
            "kind": self.kind,
            "blocks": [
                {"p": b.text}
                if isinstance(b, Paragraph)
                else {"rows": [[[c.text, c.merged] for c in r] for r in b.rows], "flat": b.flat}
                for b in self.blocks
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> Document:
        blocks: list[Block] = [
            Paragraph(b["p"])
            if "p" in b
            else Table([[Cell(t, m) for t, m in r] for r in b["rows"]], flat=b["flat"])
            for b in data["blocks"]
        ]
        return cls(blocks, kind=data["kind"])

    def is_empty(self) -> bool:
        return not any(
            b.text.strip()
            if isinstance(b, Paragraph)
            else any(c.text.strip() for r in b.rows for c in r)
            for b in self.blocks
        )
