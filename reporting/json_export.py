"""The report as JSON: the ``export_report --format json`` file and each version's snapshot."""

import json
from decimal import Decimal

from .content import ReportContent
from .formats import MONEY_CELLS
from .grid import number_value


def _number(value: Decimal | int | None, *, money: bool) -> int | str:
    """Counts as JSON integers; money (and any fraction) as a string with its exact decimals."""
    number = number_value(value, money=money)
    return number if isinstance(number, int) else format(number, "f")


def _line(line) -> dict:
    return {"key": line.key, "label": line.label, "path": list(line.path)}


def as_json(content: ReportContent) -> dict:
    """The report as one JSON-ready dict: ``format``, ``sections`` (number, title, text),
    ``tables`` (blocks with their column labels and rows of label + values, labels verbatim
    from the format) and ``checks`` (rule, ok, message, severity, table, cells)."""
    tables = []
    for table in content.format.tables:
        values = content.table_values(table.number)
        manual = content.manual_cells(table.number)
        tables.append(
            {
                "number": table.number,
                "title": table.title,
                "blocks": [
                    {
                        "title": block.title,
                        "corner": block.corner,
                        "columns": [_line(c) for c in block.columns],
                        "rows": [
                            {
                                **_line(row),
                                "values": [
                                    _number(
                                        values.get((row.key, c.key)),
                                        money=(row.key, c.key) in MONEY_CELLS,
                                    )
                                    for c in block.columns
                                ],
                            }
                            for row in block.rows
                        ],
                    }
                    for block in table.blocks
                ],
                "manual_cells": sorted([row, column] for row, column in manual),
            }
        )
    return {
        "title": content.title,
        "department": content.department,
        "year": content.year,
        "format": content.format.code,
        "format_name": content.format.name,
        "sections": [
            {"number": s.number, "title": s.title, "text": s.text} for s in content.sections
        ],
        "tables": tables,
        "checks": [f.as_dict() for f in content.checks],
    }


def write_json(content: ReportContent) -> bytes:
    return json.dumps(as_json(content), ensure_ascii=False, indent=2).encode()
