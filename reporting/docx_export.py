"""The report as a Word document laid out as an official document (党政机关公文格式, GB/T 9704).

A4 with the standard's margins (天头 37 mm, 订口 28 mm), the title in 小标宋 二号, the body in
仿宋 三号 on a fixed 28 pt line, 一、 headings in 黑体, （一） headings in 楷体, and tables 二, 三,
四 as real Word tables whose merged cells are those of the official layout (``grid``).

Chinese fonts are set as East Asian fonts (``w:eastAsia``); without it Word shows CJK text in
the theme's font. The fonts' table names each font's common substitute (方正小标宋简体 → 宋体,
仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体) for machines without the GB2312 fonts.
"""

from collections.abc import Set
from io import BytesIO

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from .content import ReportContent, is_subheading, paragraphs
from .grid import HEADER, LABEL, Grid, report_grids

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TABLE_FONT = "仿宋_GB2312"
SUBSTITUTES = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体"}

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(10.5)  # 五号: table 三's ten columns and 四's fifteen fit the type area
PAGE_NUMBER_FONT = "宋体"
PAGE_NUMBER_SIZE = Pt(14)  # 四号
LINE = Pt(28)  # GB/T 9704: 22 lines a page of 三号 text

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TYPE_WIDTH = PAGE_WIDTH - MARGINS["left"] - MARGINS["right"]  # 156 mm

# Paragraph styles, named so an office can restyle the document in Word.
TITLE_STYLE = "报告标题"
HEADING_STYLE = "报告一级标题"
SUBHEADING_STYLE = "报告二级标题"
BODY_STYLE = "报告正文"
TABLE_STYLE = "报告表格"
SIGN_OFF_STYLE = "报告落款"


def write_docx(content: ReportContent, *, new_page_before: Set[int] = frozenset()) -> bytes:
    """The report as .docx; the tables numbered in ``new_page_before`` start a new page (the PDF
    export asks for it where LibreOffice would split a table badly, see ``pdf_layout``)."""
    document = Document()
    grids = report_grids(content)
    _set_up_page(document)
    _add_styles(document)
    _add_font_substitutes(document)

    _add_title(document, content.printed_title)
    for text in paragraphs(content.preamble):
        document.add_paragraph(text, style=BODY_STYLE)
    for number in range(1, 7):
        section = content.section(number)
        document.add_paragraph(section.title, style=HEADING_STYLE)
        for text in paragraphs(section.text):
            style = SUBHEADING_STYLE if is_subheading(text) else BODY_STYLE
            document.add_paragraph(text, style=style)
        if number in grids:
            _add_table(document, grids[number], new_page=number in new_page_before)
    if content.sign_off:
        # The sign-off's lines stay together, with the blank line above them.
        lines = [document.add_paragraph("", style=BODY_STYLE)]
        lines += [document.add_paragraph(line, style=SIGN_OFF_STYLE) for line in content.sign_off]
        for paragraph in lines[:-1]:
            paragraph.paragraph_format.keep_with_next = True

    core = document.core_properties
    core.title = content.title
    core.author = content.department
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _add_title(document, lines: tuple[str, ...]) -> None:
    """One paragraph, its lines separated by line breaks: a title of two lines is broken where
    ``frontmatter.title_lines`` says (after the 机关名称), never by Word inside a word."""
    title = document.add_paragraph(style=TITLE_STYLE)
    for i, line in enumerate(lines):
        run = title.add_run(line)
        if i < len(lines) - 1:
            run.add_break()


# --- Page and styles -------------------------------------------------------------------------


def _set_up_page(document) -> None:
    page = document.sections[0]
    page.page_width, page.page_height = PAGE_WIDTH, PAGE_HEIGHT
    page.top_margin = MARGINS["top"]
    page.bottom_margin = MARGINS["bottom"]
    page.left_margin = MARGINS["left"]
    page.right_margin = MARGINS["right"]
    _add_page_number(page.footer.paragraphs[0])


def _add_page_number(paragraph) -> None:
    """「— 1 —」 centred at the foot of the page (GB/T 9704: 4号 半角 digits between dashes)."""
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    for text in ("— ", None, " —"):
        if text is None:
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            paragraph._p.append(field)
            run = paragraph.add_run("1")
            field.append(run._r)  # the run shown until the field is updated
        else:
            run = paragraph.add_run(text)
        set_fonts(run.font, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def set_fonts(font, name: str, size: Pt, *, bold: bool = False) -> None:
    """Set a style's or run's font, the East Asian one included."""
    font.name = name  # w:ascii and w:hAnsi
    font.size = size
    font.bold = bold
    rpr = font.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)


def _paragraph_style(document, name: str, font: str, size: Pt, *, bold: bool = False):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    set_fonts(style.font, font, size, bold=bold)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.widow_control = False
    return style


def _add_styles(document) -> None:
    normal = document.styles["Normal"]
    set_fonts(normal.font, BODY_FONT, BODY_SIZE)

    title = _paragraph_style(document, TITLE_STYLE, TITLE_FONT, TITLE_SIZE)
    title.paragraph_format.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = LINE  # a blank line between title and body

    for name, font in ((HEADING_STYLE, HEADING_FONT), (SUBHEADING_STYLE, SUBHEADING_FONT)):
        style = _paragraph_style(document, name, font, BODY_SIZE)
        style.paragraph_format.first_line_indent = BODY_SIZE * 2
        style.paragraph_format.keep_with_next = True

    body = _paragraph_style(document, BODY_STYLE, BODY_FONT, BODY_SIZE)
    body.paragraph_format.alignment = WD_PARAGRAPH_ALIGNMENT.JUSTIFY
    body.paragraph_format.first_line_indent = BODY_SIZE * 2  # 首行缩进两字
    _indent_in_characters(body, 200)

    sign_off = _paragraph_style(document, SIGN_OFF_STYLE, BODY_FONT, BODY_SIZE)
    sign_off.paragraph_format.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
    sign_off.paragraph_format.right_indent = BODY_SIZE * 4  # 右空四字

    table = _paragraph_style(document, TABLE_STYLE, TABLE_FONT, TABLE_SIZE)
    table.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    table.paragraph_format.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER


def _indent_in_characters(style, hundredths: int) -> None:
    """First-line indent in characters (w:firstLineChars), which Word prefers to the length:
    two characters whatever the font size."""
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(hundredths))


def _add_font_substitutes(document) -> None:
    parts = document.part.package.iter_parts()
    part = next(p for p in parts if p.partname == "/word/fontTable.xml")
    fonts = etree.fromstring(part.blob)
    for name, substitute in SUBSTITUTES.items():
        font = etree.SubElement(fonts, qn("w:font"), {qn("w:name"): name})
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): substitute})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
        etree.SubElement(font, qn("w:family"), {qn("w:val"): "auto"})
    # python-docx keeps parts it does not model as bytes, without a setter.
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- Tables ----------------------------------------------------------------------------------


def column_widths(grid: Grid) -> list[int]:
    """Widths (EMU) of the grid's columns across the type area: row labels take a third of it
    (half for table 三's three label columns, the outer ones narrow), values share the rest."""
    labels = grid.label_columns
    values = grid.width - labels
    label_share = {0: 0.0, 1: 1 / 3}.get(labels, 0.5)
    weights = [2**level for level in range(labels)]
    label_widths = [TYPE_WIDTH * label_share * w / sum(weights) for w in weights]
    value_width = TYPE_WIDTH * (1 - label_share) / values
    return [int(w) for w in [*label_widths, *[value_width] * values]]


def _add_table(document, grid: Grid, *, new_page: bool = False) -> None:
    table = document.add_table(rows=grid.height, cols=grid.width)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _narrow_cell_margins(table)
    widths = column_widths(grid)
    # The cells once, before merging: python-docx's table.cell() walks the whole table.
    cells = table._cells
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # w:gridCol, which LibreOffice reads
    for i, cell in enumerate(cells):
        cell.width = widths[i % grid.width]  # w:tcW, which Word reads
    header_rows = _header_rows(grid)
    # Table 三 is the one that can run over a page: its header is repeated there. Table 二's
    # blocks have headers of their own, and 四 is one line of figures.
    # cantSplit before tblHeader: the order Word itself writes trPr in.
    for row in table.rows:
        _cant_split(row)
    if grid.cells[0].colspan < grid.width and grid.height - header_rows > 1:
        for row in table.rows[:header_rows]:
            _repeat_as_header(row)
    style = document.styles[TABLE_STYLE]

    for spec in grid.cells:
        cell = cells[spec.row * grid.width + spec.col]
        if spec.rowspan > 1 or spec.colspan > 1:
            last = cells[(spec.row + spec.rowspan - 1) * grid.width + spec.col + spec.colspan - 1]
            cell = cell.merge(last)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.style = style
        if spec.kind == LABEL and spec.rowspan == 1:
            paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.LEFT
        paragraph.add_run(spec.text)
    _keep_together(table, grid)
    if new_page:
        # Page break before on the first row's paragraphs: Word and LibreOffice both move the
        # whole table to the next page (LibreOffice reads it as the table's own break).
        for cell in table.rows[0].cells:
            cell.paragraphs[0].paragraph_format.page_break_before = True
    # A table directly followed by the next heading: keep a line between them.
    document.add_paragraph("", style=TABLE_STYLE)


def _narrow_cell_margins(table) -> None:
    """Cell margins of 1 mm left and right (Word's default is 1.9 mm): table 三's value columns
    are 11 mm wide and 四's 10 mm, so every millimetre of text counts."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(int(Mm(1).twips)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.find(qn("w:tblLook")).addprevious(margins)  # the schema's order


def _header_rows(grid: Grid) -> int:
    """The number of rows above the first row label or value: the column headers."""
    return next((c.row for c in grid.cells if c.kind != HEADER), grid.height)


def _cant_split(row) -> None:
    """A row is never split across pages (w:cantSplit): a label is not cut in two."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _keep_together(table, grid: Grid) -> None:
    """Keep-with-next on every row but the table's last (Word's way of keeping a table on one
    page when it fits): a table, and each of table 二's blocks with its header rows, starts on
    the page where it ends, so no header stands alone at a page's foot and none is repeated
    over just the table's last lines. LibreOffice ignores keep-with-next inside tables: the PDF
    export checks its pages and starts such a table on a new page instead (``pdf_layout``)."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _repeat_as_header(row) -> None:
    """Repeat the row at the top of each page the table runs onto (w:tblHeader)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
