"""The report as JSON: the ``export_report --format json`` file and each version's snapshot."""

import json
from decimal import Decimal

from .content import ReportContent
from .formats import MONEY_CELLS, MONEY_UNITS
from .grid import number_value


def _number(value: Decimal | int | None, *, money: bool) -> int | str:
    """Counts as JSON integers; money (and any fraction) as a string with its exact decimals."""
    number = number_value(value, money=money)
    return number if isinstance(number, int) else format(number, "f")


def _line(line) -> dict:
    return {"key": line.key, "label": line.label, "path": list(line.path)}


def _units(block) -> dict:
    """The units of the block's money cells whose label names none: {"<row>|<column>": "元"}."""
    return {
        f"{row.key}|{column.key}": MONEY_UNITS[(row.key, column.key)]
        for row in block.rows
        for column in block.columns
        if (row.key, column.key) in MONEY_UNITS
    }


def as_json(content: ReportContent) -> dict:
    """The report as one JSON-ready dict: ``title`` (one line) and ``title_lines`` (as
    printed), ``opening`` and ``sign_off`` (机关名称, date), ``format``, ``sections`` (number,
    title, text),
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
                        "units": _units(block),
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
        "title_lines": list(content.printed_title),
        "opening": content.preamble,
        "sign_off": list(content.sign_off),
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
