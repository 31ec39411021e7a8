"""Tables 二, 三 and 四 of the report as an Excel workbook, one sheet each.

Laid out by ``grid`` like the .docx, the merged header cells included; labels verbatim, values
as numbers (money with the decimals it was given) so the sheet can be checked with formulas.
"""

from decimal import Decimal
from io import BytesIO

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from org.spreadsheets import keep_as_text

from .content import ReportContent
from .formats import SECTION_TITLES
from .grid import LABEL, VALUE, Grid, GridCell, report_grids

FIRST_ROW = 3  # row 1: the report's title and the table's heading; row 2 blank

_thin = Side(style="thin")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
FONT = Font(name="宋体", size=10.5)
TITLE_FONT = Font(name="黑体", size=12)


def write_xlsx(content: ReportContent) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # a new workbook's one sheet
    for grid in report_grids(content).values():
        _write_sheet(workbook, grid, f"{content.title} {grid.title}")
    if content.sources or content.sources_pending or content.stale:
        _write_sources(workbook, content)
    workbook.properties.title = content.title
    workbook.properties.creator = content.department
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


SOURCES_SHEET = "来源"
SOURCES_HEADINGS = ("表", "单元格", "来源", "数值")
# The departments chosen changed since the tables were generated: no breakdown that would not
# add up to them (``rollup.sources_pending``).
SOURCES_PENDING = "来源将在重新生成后更新。"


def _write_sources(workbook: Workbook, content: ReportContent) -> None:
    """A region's report: one line per cell and department that gave it a figure, so each
    figure of the tables is traceable (and the sheet can be pivoted or summed to check),
    after a line per department whose report changed since it was taken."""
    sheet = workbook.create_sheet(SOURCES_SHEET)
    sheet.append(SOURCES_HEADINGS)
    for cell in sheet[1]:
        cell.font = TITLE_FONT
    # In Chinese whoever downloads it, like the sheet's headings: the sheet is the report's.
    with translation.override("zh-hans"):
        for stale in content.stale:
            sheet.append(("", stale.words, stale.department))
    if content.sources_pending:
        sheet.append(("", SOURCES_PENDING))
    for source in content.sources:
        table = SECTION_TITLES[source.table - 1].split("、", 1)[0]
        for given in source.values:
            sheet.append((table, source.label, given.name, given.value))
    keep_as_text(sheet)
    for column, width in zip("ABCD", (6, 60, 36, 14), strict=True):
        sheet.column_dimensions[column].width = width


def sheet_name(grid: Grid) -> str:
    """The section heading, e.g. 「三、收到和处理政府信息公开申请情况」 (Excel's limit: 31)."""
    return grid.title[:31]


def _write_sheet(workbook: Workbook, grid: Grid, heading: str) -> None:
    sheet = workbook.create_sheet(sheet_name(grid))
    sheet.cell(1, 1, heading).font = TITLE_FONT
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.width)

    # Borders on every position, merged ones included: Excel draws a merged cell's border
    # from the cells it covers.
    for row in range(FIRST_ROW, FIRST_ROW + grid.height):
        for col in range(1, grid.width + 1):
            sheet.cell(row, col).border = BORDER
    for spec in grid.cells:
        row, col = FIRST_ROW + spec.row, 1 + spec.col
        cell = sheet.cell(row, col)
        cell.font = FONT
        if spec.kind == VALUE:
            cell.value = spec.value
            cell.alignment = CENTRED
            cell.number_format = number_format(spec)
        else:
            cell.value = spec.text
            cell.alignment = LEFT if spec.kind == LABEL and spec.rowspan == 1 else CENTRED
        if spec.rowspan > 1 or spec.colspan > 1:
            sheet.merge_cells(
                start_row=row,
                start_column=col,
                end_row=row + spec.rowspan - 1,
                end_column=col + spec.colspan - 1,
            )
    keep_as_text(sheet)  # the heading is the department's own words
    for col in range(1, grid.width + 1):
        wide = col == grid.label_columns  # the innermost row labels: the long ones
        sheet.column_dimensions[get_column_letter(col)].width = 36 if wide else 12
    sheet.print_options.horizontalCentered = True
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if grid.width > 10 else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def number_format(cell: GridCell) -> str:
    """A number format showing the value as typed: counts as integers ("0"), money with
    thousands separators and exactly the decimals given (282.1 → "#,##0.0", 18651.06 →
    "#,##0.00"; Excel's "General" would round to its own width), and the unit a label does
    not name (2019's 采购总金额 in 元)."""
    value = cell.value
    places = 0
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)  # a finite number: not "n" (NaN) or "F" (infinity)
        places = max(0, -exponent)
    digits = "0." + "0" * places if places else "0"
    if not cell.money:
        return digits
    unit = f'"{cell.unit}"' if cell.unit else ""
    return f"#,##{digits}{unit}" if places else f"#,##0{unit}"
