"""The report's tables as values, from aggregates and cells entered by hand. Pure: no ORM.

A table's values are a dict ``(row key, column key) → Decimal`` in the keys of
``reporting.formats``. Derived cells (table 三's 总计 column and （七）总计 row, table 四's 总计)
are computed from the cells they add up, after hand-entered values are applied, so they follow
an override; a derived cell entered by hand stays as entered and the checks say whether it
adds up (never silently corrected).
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from .formats import Cells, ReportFormat, TableFormat, cell_of, outcome_row

COMPUTED = "computed"  # from the registers and metric figures
MANUAL = "manual"  # entered by hand
MISSING = "missing"  # no data source and not entered yet

T3_FIXED_ROWS = ("new", "carried_over", "total", "carry_forward")
TOTAL = "total"


def outcome_rows(table: TableFormat) -> list[str]:
    """Table 三's outcome leaf rows (rows 3–23 in 2021; 3–20 in 2019)."""
    return [row.key for b in table.blocks for row in b.rows if row.key not in T3_FIXED_ROWS]


def applicant_columns(table: TableFormat) -> list[str]:
    return [c.key for b in table.blocks for c in b.columns if c.key != TOTAL]


def table_three_base(counts: Cells, report_format: str) -> Cells:
    """Request counts by stored outcome → table 三's leaf cells (2019 folds 其他处理)."""
    cells: Cells = {}
    for (row, column), value in counts.items():
        key = (row if row in T3_FIXED_ROWS else outcome_row(row, report_format), column)
        cells[key] = cells.get(key, Decimal(0)) + value
    return cells


def _derive_three(table: TableFormat, values: Cells, manual: Cells) -> None:
    columns = applicant_columns(table)
    rows = [r.key for b in table.blocks for r in b.rows]
    outcomes = outcome_rows(table)
    for column in columns:
        if (TOTAL, column) not in manual:
            values[(TOTAL, column)] = sum((values[(r, column)] for r in outcomes), Decimal(0))
    for row in rows:
        if (row, TOTAL) not in manual:
            values[(row, TOTAL)] = sum((values[(row, c)] for c in columns), Decimal(0))


def _derive_four(table: TableFormat, values: Cells, manual: Cells) -> None:
    for column in table.blocks[0].columns:
        kind, result = column.key.rsplit(".", 1)
        if result == TOTAL and ("cases", column.key) not in manual:
            parts = [c.key for c in table.blocks[0].columns if c.key.startswith(f"{kind}.")]
            values[("cases", column.key)] = sum(
                (values[("cases", p)] for p in parts if p != column.key), Decimal(0)
            )


def _derive(table: TableFormat, values: dict, keep: Cells) -> None:
    """Fill the table's derived cells, except those in ``keep`` (entered by hand)."""
    if table.number == 3:
        _derive_three(table, values, keep)
    elif table.number == 4:
        _derive_four(table, values, keep)


@dataclass
class TableValues:
    """A table's values and where each came from; ``computed`` keeps what the data gave for
    cells overridden by hand."""

    table: TableFormat
    values: dict[tuple[str, str], Decimal | None]
    sources: dict[tuple[str, str], str]
    computed: dict[tuple[str, str], Decimal | None]

    def number(self, row: str, column: str) -> Decimal:
        return self.values.get((row, column)) or Decimal(0)


def build_table(
    table: TableFormat, computed: Cells, sourced: set[tuple[str, str]], manual: Cells
) -> TableValues:
    """Apply hand-entered cells over computed ones, then derive the totals.

    ``sourced``: the cells that have a data source (all of tables 三 and 四; table 二's cells
    fed by a metric). A cell without one and not entered is MISSING (printed blank).
    """
    values: dict[tuple[str, str], Decimal | None] = {}
    sources: dict[tuple[str, str], str] = {}
    cells = table_cells(table)
    for cell in cells:
        if cell in manual:
            values[cell], sources[cell] = manual[cell], MANUAL
        elif cell in sourced:
            values[cell], sources[cell] = computed.get(cell, Decimal(0)), COMPUTED
        else:
            values[cell], sources[cell] = None, MISSING
    _derive(table, values, manual)
    base = {c: computed.get(c, Decimal(0)) if c in sourced else None for c in cells}
    _derive(table, base, {})
    return TableValues(table, values, sources, base)


def all_sourced(table: TableFormat) -> set[tuple[str, str]]:
    return set(table_cells(table))


@cache
def table_cells(table: TableFormat) -> tuple[tuple[str, str], ...]:
    """A table's cells, made once (a roll-up builds the tables of hundreds of reports)."""
    return tuple(table.cells())


def table_two_cells(metric_values: dict[str, Decimal]) -> tuple[Cells, set[tuple[str, str]]]:
    """Metric report cells "t2.<row>.<column>" → table 二's (row, column) keys."""
    cells: Cells = {}
    for name, value in metric_values.items():
        _, row, column = name.split(".", 2)
        cells[(row, column)] = value
    return cells, set(cells)


def tables_for(
    report_format: ReportFormat,
    *,
    metric_values: dict[str, Decimal],
    request_counts: Cells,
    review_counts: Cells,
    manual: dict[int, Cells],
) -> dict[int, TableValues]:
    """The three tables of a report from its aggregates and the cells entered by hand."""
    two, two_sourced = table_two_cells(metric_values)
    three = table_three_base(request_counts, report_format.code)
    sources = {
        2: (two, two_sourced),
        3: (three, all_sourced(report_format.table(3))),
        4: (review_counts, all_sourced(report_format.table(4))),
    }
    return {
        t.number: build_table(t, *sources[t.number], manual.get(t.number, {}))
        for t in report_format.tables
    }


def typed_cells(rows) -> dict[int, dict[tuple[str, str], Decimal]]:
    """(table, row, column, value, places) rows of ManualCell → values by table, as typed."""
    manual: dict[int, dict[tuple[str, str], Decimal]] = {}
    for table, row, column, value, places in rows:
        # The decimals as typed: 18651.06 stays 18651.06 and 12.00 stays 12.00.
        manual.setdefault(table, {})[(row, column)] = value.quantize(Decimal(1).scaleb(-places))
    return manual


def stored_tables(
    fmt: ReportFormat, stored: dict | None, manual: dict[int, dict[tuple[str, str], Decimal]]
) -> dict[int, TableValues]:
    """Tables from a generation's stored values (``ReportDraft.computed``) and hand-entered
    cells: one draft's, or many read at once (``rollup``)."""
    tables = {}
    for table in fmt.tables:
        cells = (stored or {}).get(str(table.number), {})
        computed = {cell_of(k): Decimal(v) for k, v in cells.items()}
        # Tables 三 and 四 come wholly from the registers; table 二 where a metric feeds a cell.
        sourced = set(computed) if table.number == 2 else all_sourced(table)
        tables[table.number] = build_table(table, computed, sourced, manual.get(table.number, {}))
    return tables
