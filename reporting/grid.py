"""A report table laid out as a grid of positioned cells, with its merged cells.

The one place that turns the official layouts of ``formats`` into rows and columns: the .docx,
HTML and .xlsx exports and the draft page all draw a table from :func:`table_grid` (the exports
a report's three through :func:`report_grids`), so they merge the same cells. Rows and columns
count from 0; a merged cell is one :class:`GridCell` at its top-left position with its
``rowspan``/``colspan``, and the positions it covers hold none.

A block (table 二 has one per article item) is laid out top to bottom: its title across the
whole table, then the column headers (the corner cell over the row labels), then one line per
row: the row labels, then the values. Blocks narrower than the table stretch their last
column, as the official template does (第（五）项's single 本年处理决定数量 spans three).
"""

from collections.abc import Mapping, Set
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

from .content import ReportContent, Value
from .formats import (
    MONEY_CELLS,
    MONEY_UNITS,
    TABLE_PARTS,
    Block,
    CellKey,
    TableFormat,
    cell_code,
    depth,
    span,
)

HEADER = "header"  # a block title, the corner, a column label
LABEL = "label"  # a row label
VALUE = "value"


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    kind: str  # HEADER, LABEL or VALUE
    text: str = ""
    scope: str = ""  # HTML's th scope: col, colgroup, row, rowgroup; "" for the corner
    key: CellKey | None = None  # value cells: (row.key, column.key)
    money: bool = False  # value cells of formats.MONEY_CELLS
    unit: str = ""  # printed after the value (formats.MONEY_UNITS), e.g. 「元」
    value: Decimal | int | None = None  # value cells, once filled: the number printed
    manual: bool = False  # value cells, once filled: entered by hand

    @property
    def code(self) -> str:
        """The value cell's name in the page and its forms."""
        return cell_code(self.key) if self.key else ""

    @property
    def is_header(self) -> bool:
        return self.kind == HEADER


@dataclass(frozen=True)
class Grid:
    number: int  # the table: 2, 3 or 4
    title: str  # its section's heading, e.g. "三、收到和处理政府信息公开申请情况"
    height: int
    width: int
    label_columns: int  # the leftmost columns holding row labels (0 for table 四)
    cells: tuple[GridCell, ...]  # in reading order: by row, then by column

    def rows(self) -> list[list[GridCell]]:
        """The cells grouped by the row they start in (one HTML <tr> each)."""
        rows: list[list[GridCell]] = [[] for _ in range(self.height)]
        for cell in self.cells:
            rows[cell.row].append(cell)
        return rows

    def at(self, row: int, col: int) -> GridCell:
        """The cell covering a position (a merged cell covers several)."""
        for cell in self.cells:
            if (
                cell.row <= row < cell.row + cell.rowspan
                and cell.col <= col < cell.col + cell.colspan
            ):
                return cell
        raise IndexError((row, col))

    def filled(self, values: Mapping[CellKey, Value], manual: Set[CellKey] = frozenset()) -> "Grid":
        """The grid with its value cells' numbers and texts: a missing value is 0."""

        def fill(cell: GridCell) -> GridCell:
            value = values.get(cell.key) if cell.key is not None else None
            return replace(
                cell,
                value=number_value(value, money=cell.money),
                text=value_text(value, money=cell.money) + cell.unit,
                manual=cell.key in manual,
            )

        cells = tuple(fill(cell) if cell.kind == VALUE else cell for cell in self.cells)
        return replace(self, cells=cells)


def number_value(value: Value, *, money: bool = False) -> Decimal | int:
    """The number a cell shows. Blank is 0 (spec §5: the generator prints 0 in every cell);
    counts stored as decimals (cells entered by hand) become integers; money keeps the
    decimals it was given."""
    if value is None:
        return 0
    if isinstance(value, Decimal) and not money and value == value.to_integral_value():
        return int(value)
    return value


def value_text(value: Value, *, money: bool = False) -> str:
    number = number_value(value, money=money)
    # "f": never an exponent (Decimal("1E+2") prints as 100).
    return format(number, "f") if isinstance(number, Decimal) else str(number)


@cache
def table_grid(table: TableFormat) -> Grid:
    """The grid of one of the report's tables (cached: the layouts are constants)."""
    width = max(depth(b.rows) + len(b.columns) for b in table.blocks)
    label_columns = max(depth(b.rows) for b in table.blocks)
    cells: list[GridCell] = []
    top = 0
    for block in table.blocks:
        top = _block_cells(block, top, width, cells)
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(table.number, table.title, top, width, label_columns, tuple(cells))


def _block_cells(block: Block, top: int, width: int, cells: list[GridCell]) -> int:
    """Append ``block``'s cells, laid out from row ``top``; the row after it."""
    labels = depth(block.rows)
    header_rows = depth(block.columns)
    widths = [1] * len(block.columns)
    widths[-1] += width - labels - len(block.columns)
    starts = [labels + sum(widths[:i]) for i in range(len(widths))]

    if block.title:
        cells.append(GridCell(top, 0, 1, width, HEADER, block.title, "colgroup"))
        top += 1
    if labels:
        cells.append(GridCell(top, 0, header_rows, labels, HEADER, block.corner))
    for level in range(header_rows):
        for i, column in enumerate(block.columns):
            spans = span(block.columns, i, level, header_rows)
            if spans:
                along, across = spans
                colspan = sum(widths[i : i + along])
                scope = "colgroup" if along > 1 else "col"
                cells.append(
                    GridCell(
                        top + level, starts[i], across, colspan, HEADER, column.path[level], scope
                    )
                )
    top += header_rows
    for j, row in enumerate(block.rows):
        for level in range(labels):
            spans = span(block.rows, j, level, labels)
            if spans:
                along, across = spans
                scope = "rowgroup" if along > 1 else "row"
                cells.append(GridCell(top + j, level, along, across, LABEL, row.path[level], scope))
        for i, column in enumerate(block.columns):
            key = (row.key, column.key)
            cells.append(
                GridCell(
                    top + j,
                    starts[i],
                    1,
                    widths[i],
                    VALUE,
                    key=key,
                    money=key in MONEY_CELLS,
                    unit=MONEY_UNITS.get(key, ""),
                )
            )
    return top + len(block.rows)


def report_grids(content: ReportContent) -> dict[int, Grid]:
    """Tables 二, 三 and 四 as every export lays them out, filled with the report's figures."""
    return {
        number: table_grid(content.format.table(number)).filled(content.table_values(number))
        for number in TABLE_PARTS
    }
