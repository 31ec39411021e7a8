"""Tables entered in bulk, read without the ORM: a table pasted from Excel/WPS or uploaded as
.xlsx in the shape the report prints (tables 二, 三, 四), and last year's published report pasted
as text, its tables read back (the layouts of real reports, spec §2; ``reference/reports``).

Rows are recognised by their label (numbering, spacing, quotes and full/half width aside), so a
table copied whole, headers and merged cells included, reads as it is. A blank value cell is 0,
as the report prints it (spec §5). What cannot be read is said, row by row; nothing is guessed
silently: where a published text runs a row's numbers together (「713000074」), the split that
adds up (总计 = the sum of its parts) and agrees with the figures quoted in part 一 is taken and
the preview says so.
"""

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from registers.requests_io import normalise, strip_numbering

from . import checks
from .formats import (
    SECTION_TITLES,
    Block,
    CellKey,
    Line,
    ReportFormat,
    TableFormat,
    money_unit,
)

Cells = dict[CellKey, Decimal]
MAX_PASTE = 200_000  # characters: a report is some 20,000


@dataclass
class TableRead:
    """What was read: the cells, the problems (nothing may be saved while there are any) and
    notes worth a look (e.g. a split of run-together numbers)."""

    cells: Cells = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- Pasted or uploaded tables ----


def paste_rows(text: str) -> list[list[str]]:
    """Excel and WPS copy a range as lines of tab-separated cells."""
    return [line.split("\t") for line in text.replace("\r\n", "\n").split("\n")]


def rows_as_paste(rows: Iterable[Sequence[Any]]) -> str:
    """An uploaded sheet's rows as the text a paste of it gives (kept in the preview's form)."""
    return "\n".join("\t".join("" if c is None else str(c) for c in row) for row in rows)


_UNITS = re.compile(r"(?:万元|元|件|个|项)$")


def _number(text: str) -> Decimal | None:
    """A value cell's number (「1,234」「4391575元」), None if the text is not one."""
    cleaned = _UNITS.sub("", normalise(text).replace(",", ""))
    if not re.fullmatch(r"[-+]?\d+(?:\.\d+)?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def _key(label: str) -> str:
    # 「（二）部分公开（区分处理的…）」 and 「部分公开」 are one row: a trailing remark is dropped.
    return re.sub(r"\(.*\)$", "", strip_numbering(normalise(label)))


def _rows_by_key(table: TableFormat) -> dict[str, tuple[Block, Line]]:
    return {_key(row.label): (block, row) for block in table.blocks for row in block.rows}


def read_table(table: TableFormat, format_code: str, rows: Sequence[Sequence[Any]]) -> TableRead:
    """A table in the shape the report prints, from a paste or a sheet."""
    read = TableRead()
    by_key = _rows_by_key(table)
    unlabelled = by_key.get("")  # table 四: one line of values under its headers
    for number, raw in enumerate(rows, start=1):
        cells = ["" if c is None else str(c).strip() for c in raw]
        texts = [i for i, c in enumerate(cells) if c and _number(c) is None]
        values = cells[texts[-1] + 1 :] if texts else cells
        if not any(values):
            continue  # a header line, or blank
        if texts:
            label = cells[texts[-1]]
            found = by_key.get(_key(label))
            if found is None:
                read.errors.append(
                    _("Line {line}: “{label}” is not a row of table {table}.").format(
                        line=number, label=label, table=SECTION_TITLES[table.number - 1][:1]
                    )
                )
                continue
        elif unlabelled is not None:
            found, label = unlabelled, ""
        else:
            read.errors.append(_("Line {line}: numbers without a row label.").format(line=number))
            continue
        block, row = found
        # Blanks left of the values are merged label cells; right of them, a stretched column.
        while len(values) > len(block.columns) and not values[0]:
            values.pop(0)
        while len(values) > len(block.columns) and not values[-1]:
            values.pop()
        if len(values) > len(block.columns):
            read.errors.append(
                _("Line {line} ({label}): {count} values for {columns} columns.").format(
                    line=number, label=label, count=len(values), columns=len(block.columns)
                )
            )
            continue
        for i, column in enumerate(block.columns):
            text = values[i] if i < len(values) else ""
            where = f"{label or row.key}/{column.label}"
            _put(
                read,
                format_code,
                (row.key, column.key),
                text,
                where,
                money_unit(table, (row.key, column.key)),
            )
    if not read.cells and not read.errors:
        read.errors.append(_("No row of the table was found: copy the table with its row labels."))
    return read


def _put(
    read: TableRead, format_code: str, cell: CellKey, text: str, where: str, unit: str
) -> None:
    value = _number(text) if text else Decimal(0)  # a blank cell prints as 0
    if value is None:
        read.errors.append(_("{cell}: “{text}” is not a number.").format(cell=where, text=text))
        return
    if unit == "万元" and re.search(r"(?<!万)元$", normalise(text)):
        # 2019's 采购总金额 names no unit and reports wrote 「4391575元」: the cell counts in 万元.
        value = _converted(value, "元", unit, where, text, read.notes)
    problem = checks.cell_value_error(format_code, cell, value)
    if problem:
        read.errors.append(f"{where}：{text}：{problem}")
        return
    read.cells[cell] = value


def _converted(value: Decimal, printed: str, unit: str, where: str, text: str, notes: list[str]):
    """An amount printed in 元 or 万元, in the unit its cell counts in; a note says so."""
    if not unit or printed == unit or printed not in ("元", "万元"):
        return value
    value = value.scaleb(-4 if printed == "元" else 4).normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))  # normalize() writes 100 as 1E+2
    notes.append(
        _("{cell}: {text} entered as {value} {unit}.").format(
            cell=where, text=text, value=format(value, "f"), unit=unit
        )
    )
    return value


# --- A published report's text ----


@dataclass
class PublishedRead:
    values: dict[int, Cells]
    texts: dict[int, str]  # parts 一, 五, 六 as published (last year's 五 for G-2)
    errors: list[str]
    notes: list[str]


def _flexible(label: str) -> str:
    """A regex for a label as it stands in a report's text: any spacing between characters, an
    optional numbering 「2.」 (that very number: 「00000002.其他」 ends a row of zeros), and an
    optional trailing remark in brackets."""
    text = normalise(label)
    prefix = ""
    if numbering := re.match(r"^(\d+)[.、]", text):
        prefix = rf"(?:{numbering.group(1)}\s*[.、]\s*)?"
        text = text[numbering.end() :]
    elif numbering := re.match(r"^(?:\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)", text):
        text = text[numbering.end() :]
    remark = ""
    if match := re.search(r"\(.*\)$", text):
        remark = r"(?:\s*\(.*?\))?"
        text = text[: match.start()]
    return prefix + r"\s*".join(map(re.escape, text)) + remark


def _plain(text: str) -> str:
    """NFKC (full-width brackets and digits as half-width), quotes dropped, spacing kept."""
    return re.sub("[“”\"'‘’「」『』]", "", unicodedata.normalize("NFKC", text))


_NUMBERS = re.compile(r"^(?:\s|\d|[.,+\-]|万元|元)*")


def _numbers_in(text: str) -> list[str]:
    return re.findall(r"-?\d+(?:\.\d+)?", re.sub(r"(?<=\d),(?=\d{3})", "", text))


def _tokens(run: str) -> list[str]:
    """The numbers of a row. Copied from a web page, a table is a cell a line, cells apart by
    an empty line, and a blank cell is a line of spaces (printed 0: seed 000's table 四)."""
    lines = run.split("\n")
    tokens = _numbers_in(lines[0])
    for line in lines[1:]:
        if line and not line.strip():
            tokens.append("0")
        else:
            tokens += _numbers_in(line)
    return tokens


def _splits(token: str, parts: int) -> Iterable[list[str]]:
    """Ways to cut a run of digits into ``parts`` numbers without leading zeros."""
    if parts == 1:
        if token and (token == "0" or not token.startswith("0")):
            yield [token]
        return
    for cut in range(1, len(token) - parts + 2):
        head = token[:cut]
        if head != "0" and head.startswith("0"):
            continue
        for rest in _splits(token[cut:], parts - 1):
            yield [head, *rest]


def _candidates(tokens: list[str], count: int) -> Iterable[list[str]]:
    """Every reading of the tokens as ``count`` numbers (a decimal is never cut)."""
    if len(tokens) >= count:
        yield tokens[:count]
        return
    if not tokens:
        return
    head, rest = tokens[0], tokens[1:]
    most = 1 if "." in head or "-" in head else len(head)
    for parts in range(1, most + 1):
        if parts > count - len(rest):
            break
        for pieces in _splits(head, parts):
            for tail in _candidates(rest, count - parts) if rest else [[]]:
                if len(pieces) + len(tail) == count:
                    yield pieces + tail


def _adds_up(table: int, numbers: list[Decimal]) -> bool:
    """Table 三's rows end with their 总计; table 四's blocks of five with theirs."""
    if table == 3:
        return sum(numbers[:-1], Decimal(0)) == numbers[-1]
    if table == 4:
        blocks = [numbers[i : i + 5] for i in range(0, len(numbers), 5)]
        return all(sum(b[:-1], Decimal(0)) == b[-1] for b in blocks if len(b) == 5)
    return True


def _row_values(
    table: TableFormat, cells: list[CellKey], run: str, quoted: dict[CellKey, Decimal]
) -> tuple[list[Decimal] | None, bool]:
    """The row's numbers and whether another reading was as good (the preview says so)."""
    tokens = _tokens(run)
    if len(tokens) < len(cells) and len(tokens) > 0 and all("." not in t for t in tokens):
        scored = []
        for candidate in itertools.islice(_candidates(tokens, len(cells)), 100_000):
            numbers = [Decimal(n) for n in candidate]
            agrees = sum(quoted.get(c) == n for c, n in zip(cells, numbers, strict=True))
            balance = -sum(len(n) ** 2 for n in candidate)
            scored.append(((_adds_up(table.number, numbers), agrees, balance), numbers))
        if scored:
            scored.sort(key=lambda s: s[0], reverse=True)
            tied = len(scored) > 1 and scored[1][0] == scored[0][0]
            return scored[0][1], tied or not scored[0][0][0]
    numbers = [Decimal(t) for t in tokens[: len(cells)]]
    numbers += [Decimal(0)] * (len(cells) - len(numbers))  # blank cells print as 0
    return numbers, False


# 「（单位：万元）」「单位:元」「金额（元）」 in a header, as NFKC leaves it.
_STATED_UNIT = re.compile(r"单位\s*:?\s*(万元|元)|\(\s*(万元|元)\s*\)")


def _stated_unit(header: str) -> str:
    """The money unit a table's header text states last before a row, "" if none."""
    found = _STATED_UNIT.findall(header)
    return next((u for u in found[-1] if u), "") if found else ""


def _printed_unit(run: str) -> str:
    """The unit printed after a row's figure (「4391575元」), "" if none."""
    match = re.search(r"\d\s*(万元|元)", run)
    return match.group(1) if match else ""


def _section_bounds(text: str) -> dict[int, int]:
    """Where each part's heading stands (numbering kept: 「三、本年度办理结果」 is no part)."""
    starts, at = {}, 0
    for number, title in enumerate(SECTION_TITLES, start=1):
        # 「四、政府信息公开行政法复议」 (平潭2022) and other slips: the title's first words only.
        head = normalise(title if number != 4 else "四、政府信息公开行政")
        match = re.compile(r"\s*".join(map(re.escape, head))).search(text, at)
        if match:
            starts[number], at = match.start(), match.end()
    return starts


def _part_texts(original: str) -> dict[int, str]:
    texts: dict[int, str] = {}
    bounds: list[tuple[int, int]] = []
    for number in (1, 2, 5, 6):
        at = original.find(SECTION_TITLES[number - 1])
        if at >= 0:
            bounds.append((at, number))
    if not bounds:
        return texts
    bounds.sort()
    for (start, number), (end, _next) in zip(
        bounds, [*bounds[1:], (len(original), 0)], strict=True
    ):
        if number in (1, 5, 6):
            texts[number] = original[start + len(SECTION_TITLES[number - 1]) : end].strip()
    return texts


def read_published(text: str, report_format: ReportFormat) -> PublishedRead:
    """Tables 二, 三, 四 and parts 一, 五, 六 of a published report's text."""
    plain = _plain(text[:MAX_PASTE])
    texts = _part_texts(text[:MAX_PASTE])
    read = PublishedRead({}, texts, [], [])
    bounds = _section_bounds(plain)
    for number in (2, 3, 4):
        if number not in bounds:
            read.errors.append(
                _("The text has no heading “{title}”.").format(title=SECTION_TITLES[number - 1])
            )
    if read.errors:
        return read
    ends = {2: bounds[3], 3: bounds[4], 4: bounds.get(5, len(plain))}
    quoted = {
        quoted.cells[0]: number
        for quoted, number in checks.quoted_figures(texts.get(1, ""))
        if len(quoted.cells) == 1 and not quoted.alternatives  # an unambiguous cell only
    }
    for table in report_format.tables:
        section = plain[bounds[table.number] : ends[table.number]]
        read.values[table.number] = _read_section(table, section, quoted, read)
    return read


def _read_section(
    table: TableFormat, section: str, quoted: dict[CellKey, Decimal], read: PublishedRead
) -> Cells:
    values: Cells = {}
    rows = [(block, row) for block in table.blocks for row in block.rows]
    if table.number == 4:
        last = section.rfind("总计")
        runs = [_NUMBERS.match(section[last + 2 :]).group(0)] if last >= 0 else [""]  # type: ignore[union-attr]
        positions = [(rows[0], runs[0], "")]
    else:
        positions, at = [], 0
        matches = []
        for block, row in rows:
            match = re.compile(_flexible(row.label)).search(section, at)
            if match is None:
                read.errors.append(
                    _("Table {table}: the row “{label}” was not found.").format(
                        table=SECTION_TITLES[table.number - 1][:1], label=row.label
                    )
                )
                continue
            matches.append(((block, row), match))
            at = match.end()
        for i, (line, match) in enumerate(matches):
            end = matches[i + 1][1].start() if i + 1 < len(matches) else len(section)
            run = _NUMBERS.match(section[match.end() : end]).group(0)  # type: ignore[union-attr]
            positions.append((line, run, _stated_unit(section[: match.start()])))
    for (block, row), run, stated in positions:
        cells = [(row.key, c.key) for c in block.columns]
        numbers, doubtful = _row_values(table, cells, run, quoted)
        if numbers is None:
            continue
        for i, cell in enumerate(cells):
            # The unit printed after the figure (「4391575元」), else the one the header states
            # (「本年收费金额（单位：元）」), in the unit the cell counts in.
            printed = _printed_unit(run) or stated
            where = f"{row.label}/{block.columns[i].label}"
            unit = money_unit(table, cell)
            shown = " ".join(run.split())
            numbers[i] = _converted(numbers[i], printed, unit, where, shown, read.notes)
        values.update(zip(cells, numbers, strict=True))
        if doubtful:
            read.notes.append(
                _(
                    "Table {table}, {label}: the numbers run together (“{run}”); read as "
                    "{numbers}: check them."
                ).format(
                    table=SECTION_TITLES[table.number - 1][:1],
                    label=row.label or _("cases"),
                    run=run.strip(),
                    numbers="、".join(format(n, "f") for n in numbers),
                )
            )
    return values
