"""The report's consistency rules (勾稽关系), spec §5, as pure functions over table values.

Each returns one :class:`Finding` per rule: ``ok`` or not, with the cells it concerns so the
draft page can show a failure next to them. Errors block "mark as final"; nothing is ever
corrected here.
"""

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from registers.models import ReviewCase

from .content import ERROR, INFO, WARNING, Finding
from .formats import (
    FORMAT_2019,
    FORMAT_2021,
    MONEY_CELLS,
    REVIEW_RESULTS,
    SECTION_TITLES,
    CellKey,
    ReportFormat,
)
from .report import applicant_columns, outcome_rows

Cells = dict[CellKey, Decimal | None]  # a table's values, None where none was entered


# 一、总体情况: "篇幅原则上不超过一千字" (2021 format); warn only well beyond it.
OVERVIEW_LIMIT = 1000
OVERVIEW_WARN_AT = 1200
# 五: "不得出现……年年雷同": warn at this similarity to last year's text.
REPEAT_RATIO = 0.9
# 其他处理 "should be small" (2019 notice): flag above this share of the year's replies.
OTHER_HANDLING_SHARE = Decimal("0.1")
MAX_DETAILS = 5  # failures named in a message; every failing cell is still marked


def _n(values: Cells, cell: tuple[str, str]) -> Decimal:
    return values.get(cell) or Decimal(0)


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def _result(rule, severity, table, failures, ok_message, fail_message) -> Finding:
    """One finding for a rule checked cell by cell: ``failures`` is [(cell, detail)]."""
    if not failures:
        return Finding(rule, severity, True, ok_message, table)
    details = "；".join(detail for _cell, detail in failures[:MAX_DETAILS])
    if len(failures) > MAX_DETAILS:
        details += "；…"
    return Finding(
        rule,
        severity,
        False,
        fail_message.format(details=details),
        table,
        tuple(cell for cell, _detail in failures),
    )


# --- Cell values (any table) ----

# 2019's 本年增/减 (第二十条第（五）（六）（八）项) is a change: it may be negative.
SIGNED_COLUMNS = {FORMAT_2019: {"change"}, FORMAT_2021: set()}


def cell_value_error(format_code: str, cell: CellKey, value: Decimal) -> str | None:
    """Why a value cannot stand in a cell, or None: counts are whole and not negative (but for
    2019's 本年增/减), money (formats.MONEY_CELLS) is not negative. One rule for the checks,
    hand entry and pasted tables."""
    value = Decimal(value)
    if cell in MONEY_CELLS:
        return _("an amount of money cannot be negative") if value < 0 else None
    if value != value.to_integral_value():
        return _("a count is a whole number")
    if value < 0 and cell[1] not in SIGNED_COLUMNS.get(format_code, set()):
        return _("a count cannot be negative")
    return None


def cell_values(rule: str, format_code: str, table: int, values: Cells) -> Finding:
    """T2-3, T3-4, T4-3: every cell holds what it may (:func:`cell_value_error`)."""
    failures = []
    for cell, value in sorted(values.items()):
        if value is None:
            continue
        if error := cell_value_error(format_code, cell, value):
            failures.append((cell, f"{'/'.join(cell)}={_num(value)}：{error}"))
    return _result(
        rule,
        ERROR,
        table,
        failures,
        _("Table {table}: every cell is a whole number, not negative (money not negative).").format(
            table=SECTION_TITLES[table - 1][:1]
        ),
        _("Table {table}: cells must be whole numbers, not negative ({details}).").replace(
            "{table}", SECTION_TITLES[table - 1][:1]
        ),
    )


def in_force_after_issuing(values: Cells, notes: dict[CellKey, str], rows: Sequence[str]):
    """T2-4: documents issued this year but none in force is a slip (in force left blank),
    unless every one was repealed again: then a note on the 现行有效 cell says so."""
    failures = [
        ((row, "in_force"), row)
        for row in rows
        if _n(values, (row, "issued")) > 0
        and _n(values, (row, "in_force")) == 0
        and not notes.get((row, "in_force"), "").strip()
    ]
    return _result(
        "T2-4",
        ERROR,
        2,
        failures,
        _("Table 2: documents issued this year are counted in force."),
        _(
            "Table 2: documents were issued this year but none is in force ({details}): enter "
            "the number in force, or a note on that cell saying why it is 0."
        ),
    )


# --- Figures quoted in part 一 ----

_GAP = r"[^。；;，,\d]"  # within one clause: no number, no clause break
_COUNT = r"(\d+)\s*[件个]"


@dataclass(frozen=True)
class Quoted:
    """A figure part 一 quotes, as real reports word it, and the cells it equals (their sum)."""

    name: str
    table: int
    cells: tuple[CellKey, ...]
    pattern: re.Pattern
    # Other sums the same wording stands for in real reports (any one of them agrees).
    alternatives: tuple[tuple[CellKey, ...], ...] = ()

    @property
    def readings(self) -> tuple[tuple[CellKey, ...], ...]:
        return (self.cells, *self.alternatives)


def _quoted(name: str, table: int, cells, pattern: str, alternatives=()) -> Quoted:
    return Quoted(name, table, tuple(cells), re.compile(pattern), tuple(alternatives))


_LITIGATION = [
    ("cases", f"{kind}.total") for kind in ("litigation_direct", "litigation_after_review")
]
QUOTED = (
    # 「制发规范性文件62件」「本年度制发的规范性文件共88件」「制定印发行政规范性文件11件」
    # (2019: 新制作)
    _quoted(
        "制发",
        2,
        [("normative", "issued")],
        rf"(?:制发|新制作|印发){_GAP}{{0,12}}?规范性文件{_GAP}{{0,6}}?{_COUNT}",
    ),
    _quoted("废止", 2, [("normative", "repealed")], rf"废止{_GAP}{{0,12}}?{_COUNT}"),
    _quoted("现行有效", 2, [("normative", "in_force")], rf"现行有效{_GAP}{{0,12}}?{_COUNT}"),
    # 「新收政府信息公开申请200件」
    _quoted("新收", 3, [("new", "total")], rf"新收[^。；;，,]*?申请{_GAP}*?{_COUNT}"),
    # 「全年共收到…申请75件」: the new requests, or (平潭2022: 新收 74 + 上年结转 1, 「收到…申请
    # 75件，涉及自然人72件」) the year's whole load with last year's carried over.
    _quoted(
        "新收",
        3,
        [("new", "total")],
        rf"收到[^。；;，,]*?申请{_GAP}*?{_COUNT}",
        alternatives=[(("new", "total"), ("carried_over", "total"))],
    ),
    # 「办结…申请198件」「办理政府信息公开申请198件」「申请…，办结198件」 (not 「留言办结45件」)
    _quoted(
        "办结",
        3,
        [("total", "total")],
        rf"(?:(?:办结|办理|答复){_GAP}{{0,20}}?申请{_GAP}{{0,8}}?{_COUNT}|申请[^。]*?办结{_GAP}*?{_COUNT})",
    ),
    _quoted(
        "上年结转",
        3,
        [("carried_over", "total")],
        rf"(?:上年|上一年度?)结转{_GAP}{{0,12}}?{_COUNT}",
    ),
    _quoted(
        "结转下年",
        3,
        [("carry_forward", "total")],
        rf"结转(?:至|到)?(?:下一?年度?|\d{{4}}年){_GAP}{{0,12}}?{_COUNT}",
    ),
    _quoted("行政复议", 4, [("cases", "review.total")], rf"行政复议{_GAP}{{0,8}}?{_COUNT}"),
    _quoted("行政诉讼", 4, _LITIGATION, rf"行政诉讼{_GAP}{{0,8}}?{_COUNT}"),
)


def quoted_figures(text: str, table: int | None = None) -> list[tuple[Quoted, Decimal]]:
    """The figures of :data:`QUOTED` found in ``text`` (of one table, or all), in order."""
    found = []
    for quoted in QUOTED:
        if table is not None and quoted.table != table:
            continue
        for match in quoted.pattern.finditer(text):
            number = next(g for g in match.groups() if g is not None)
            found.append((quoted, Decimal(number)))
    return found


def narrative(rule: str, table: int, text: str, values: Cells) -> Finding:
    """T2-5, T3-6, T4-4: every figure part 一 quotes from the table equals its cells."""
    failures = []
    for quoted, number in quoted_figures(text, table):
        if not all(cell in values for cell in quoted.cells):
            continue  # not a cell of this format (2019 has no 废止 column)
        sums = [sum((_n(values, c) for c in cells), Decimal(0)) for cells in quoted.readings]
        expected = sums[0]
        if number not in sums:
            failures.append((quoted.cells[0], f"{quoted.name} {_num(number)} ≠ {_num(expected)}"))
    return _result(
        rule,
        WARNING,
        table,
        failures,
        _("Part 1 quotes table {table}'s numbers as they are.").replace(
            "{table}", SECTION_TITLES[table - 1][:1]
        ),
        _("Part 1's text differs from table {table} ({details}).").replace(
            "{table}", SECTION_TITLES[table - 1][:1]
        ),
    )


# 「（待补充）」「【请填写】」「××」: text a drafter left to fill in.
PLACEHOLDER = re.compile(
    r"[（(【\[]\s*(?:待|请|此处)(?:补充|补写|填写|填报|完善|核实|更新|确认|插入|定)"
    r"[^）)】\]]{0,8}[）)】\]]|[XＸ×]{2,}|…{3,}|_{3,}|＿{2,}"
)


def placeholders(texts: dict[int, str]) -> Finding:
    """G-3: no placeholder is left in any part (it would be published as it is)."""
    found = [
        (number, match.group(0))
        for number, text in sorted(texts.items())
        for match in PLACEHOLDER.finditer(text or "")
    ]
    if not found:
        return Finding("G-3", ERROR, True, _("No part holds a placeholder."))
    details = "；".join(
        _("part {part}: “{text}”").format(part=SECTION_TITLES[n - 1][:1], text=t)
        for n, t in found[:MAX_DETAILS]
    )
    return Finding(
        "G-3",
        ERROR,
        False,
        _(
            "Placeholders are still in the text ({details}): write the real text before "
            "marking the report final."
        ).format(details=details),
    )


# --- Table 三 ----


def t3_balance(values: Cells, columns: Sequence[tuple[str, str]]) -> Finding:
    """T3-1: 一 + 二 = 三（七）总计 + 四, in every column (printed in the template's corner)."""
    failures = []
    for key, label in columns:
        left = _n(values, ("new", key)) + _n(values, ("carried_over", key))
        right = _n(values, ("total", key)) + _n(values, ("carry_forward", key))
        if left != right:
            failures.append(
                (("total", key), f"{label}：{_num(left)} ≠ {_num(right)}"),
            )
    return _result(
        "T3-1",
        ERROR,
        3,
        failures,
        _("Table 3: new plus carried over equals the total handled plus carried forward."),
        _("Table 3: new plus carried over differs from handled plus carried forward ({details})."),
    )


def t3_total_column(values: Cells, rows: Sequence[tuple[str, str]], applicants: Sequence[str]):
    """T3-2: the 总计 column is the sum of the applicant columns, in every row."""
    failures = []
    for key, label in rows:
        parts = sum((_n(values, (key, a)) for a in applicants), Decimal(0))
        if parts != _n(values, (key, "total")):
            failures.append(
                ((key, "total"), f"{label}：{_num(_n(values, (key, 'total')))} ≠ {_num(parts)}")
            )
    return _result(
        "T3-2",
        ERROR,
        3,
        failures,
        _("Table 3: every 总计 is the sum of the applicant columns."),
        _("Table 3: 总计 is not the sum of the applicant columns ({details})."),
    )


def t3_total_row(values: Cells, outcomes: Sequence[str], columns: Sequence[tuple[str, str]]):
    """T3-3: （七）总计 is the sum of the outcome rows, in every column."""
    failures = []
    for key, label in columns:
        parts = sum((_n(values, (o, key)) for o in outcomes), Decimal(0))
        if parts != _n(values, ("total", key)):
            failures.append(
                (("total", key), f"{label}：{_num(_n(values, ('total', key)))} ≠ {_num(parts)}")
            )
    return _result(
        "T3-3",
        ERROR,
        3,
        failures,
        _("Table 3: （七）总计 is the sum of the outcomes."),
        _("Table 3: （七）总计 is not the sum of the outcomes ({details})."),
    )


def t3_whole_numbers(values: Cells) -> Finding:
    """T3-4: every cell is a whole number, not negative."""
    return cell_values("T3-4", FORMAT_2021, 3, values)


def t3_carried_over(
    values: Cells, last_year: Cells | None, columns: Sequence[tuple[str, str]]
) -> Finding:
    """T3-5: this year's 上年结转 = last year's 结转下年度继续办理 ."""
    if last_year is None:
        return Finding(
            "T3-5", WARNING, True, _("Table 3: there is no report of last year to compare."), 3
        )
    failures = [
        (
            ("carried_over", key),
            f"{label}：{_num(_n(values, ('carried_over', key)))} ≠ "
            f"{_num(_n(last_year, ('carry_forward', key)))}",
        )
        for key, label in columns
        if _n(values, ("carried_over", key)) != _n(last_year, ("carry_forward", key))
    ]
    return _result(
        "T3-5",
        WARNING,
        3,
        failures,
        _("Table 3: carried over from last year as last year's report carried forward."),
        _("Table 3: carried over differs from last year's report's carried forward ({details})."),
    )


def t3_narrative(text: str, values: Cells) -> Finding:
    """T3-6: numbers in 一's text agree with table 三 (“新收…申请N件” = 一 总计, “办结M件” =
    （七）总计, 结转); real reports mix 一 and 一+二, hence only a warning."""
    return narrative("T3-6", 3, text, values)


def t3_other_handling(values: Cells, other_rows: Sequence[str]) -> Finding:
    """T3-7: （六）其他处理 should be small (2019 notice: offices with many are asked why)."""
    other = sum((_n(values, (r, "total")) for r in other_rows), Decimal(0))
    handled = _n(values, ("total", "total"))
    high = handled > 0 and other > handled * OTHER_HANDLING_SHARE
    cells = tuple((r, "total") for r in other_rows) if high else ()
    message = (
        _("Table 3: {other} of {handled} requests were handled as （六）其他处理.")
        if high
        else _("Table 3: few requests handled as （六）其他处理.")
    )
    return Finding(
        "T3-7", INFO, not high, message.format(other=_num(other), handled=_num(handled)), 3, cells
    )


# --- Table 四 ----


def t4_totals(values: Cells, kinds: Sequence[tuple[str, str]], results: Sequence[str]):
    """T4-1: each block's 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""
    failures = []
    for kind, label in kinds:
        parts = sum((_n(values, ("cases", f"{kind}.{r}")) for r in results), Decimal(0))
        total = _n(values, ("cases", f"{kind}.total"))
        if parts != total:
            failures.append((("cases", f"{kind}.total"), f"{label}：{_num(total)} ≠ {_num(parts)}"))
    return _result(
        "T4-1",
        ERROR,
        4,
        failures,
        _("Table 4: every 总计 is the sum of its results."),
        _("Table 4: 总计 is not the sum of its results ({details})."),
    )


# --- Table 二 (2021 format) ----


def t2_in_force(values: Cells, last_year: Cells | None, rows: Sequence[tuple[str, str]]):
    """T2-1: 现行有效件数 = last year's + 本年制发 − 本年废止; often false after a clean-up
    (清理), hence only a warning."""
    if last_year is None:
        return Finding("T2-1", WARNING, True, _("Table 2: no report of last year to compare."), 2)
    failures = []
    for key, label in rows:
        expected = (
            _n(last_year, (key, "in_force"))
            + _n(values, (key, "issued"))
            - _n(values, (key, "repealed"))
        )
        if expected != _n(values, (key, "in_force")):
            failures.append(
                (
                    (key, "in_force"),
                    f"{label}：{_num(_n(values, (key, 'in_force')))} ≠ {_num(expected)}",
                )
            )
    return _result(
        "T2-1",
        WARNING,
        2,
        failures,
        _("Table 2: documents in force follow from last year's, issued and repealed."),
        _("Table 2: documents in force do not follow from last year's ({details})."),
    )


def t2_no_regulations(values: Cells, columns: Sequence[str]) -> Finding:
    """T2-2: a county-level department makes no 规章 (《立法法》: 设区的市 and above)."""
    cells = tuple(("regulations", c) for c in columns if _n(values, ("regulations", c)))
    return Finding(
        "T2-2",
        WARNING,
        not cells,
        _("Table 2: a district department has no 规章 to report.")
        if cells
        else _("Table 2: no 规章 reported."),
        2,
        cells,
    )


# --- The prose ----


def overview_length(text: str) -> Finding:
    """G-1: 一 “篇幅原则上不超过一千字”."""
    length = len(re.sub(r"\s", "", text))
    ok = length <= OVERVIEW_WARN_AT
    message = _("Part 1 has {length} characters (about {limit} at most).").format(
        length=length, limit=OVERVIEW_LIMIT
    )
    return Finding("G-1", WARNING, ok, message)


def similarity(text: str, other: str) -> float:
    a, b = re.sub(r"\s", "", text), re.sub(r"\s", "", other)
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def not_repeated(text: str, last_year: str | None) -> Finding:
    """G-2: 五 must not repeat last year's (“不得出现……年年雷同”)."""
    ratio = similarity(text, last_year or "")
    if ratio >= REPEAT_RATIO:
        message = _("Part 5 is {percent}% the same as last year's: rewrite it.").format(
            percent=round(ratio * 100)
        )
        return Finding("G-2", WARNING, False, message)
    return Finding("G-2", WARNING, True, _("Part 5 differs from last year's."))


def missing_cells(cells: Sequence[tuple[int, tuple[str, str]]]) -> Finding:
    """Cells without a data source (e.g. 2019's 上一年项目数量) not entered yet: printed 0."""
    if not cells:
        return Finding("G-0", INFO, True, _("Every cell has a value."))
    tables = sorted({table for table, _cell in cells})
    message = _("{count} cells have no data source and print as 0: enter them by hand.")
    return Finding(
        "G-0",
        INFO,
        False,
        message.format(count=len(cells)),
        tables[0] if len(tables) == 1 else None,
        tuple(cell for _table, cell in cells) if len(tables) == 1 else (),
    )


REVIEW_KINDS = [(kind.value, kind.label) for kind in ReviewCase.Kind]


# --- All of them ----


@dataclass(frozen=True)
class Report:
    """What the rules read: table values by table number and the parts' texts by number."""

    values: dict[int, Cells]
    texts: dict[int, str]
    # Notes on cells entered by hand, by table: a note may explain an unusual value (T2-4).
    notes: dict[int, dict[CellKey, str]] = field(default_factory=dict)


def _labelled(lines) -> list[tuple[str, str]]:
    return [(line.key, line.label or line.key) for line in lines]


def run_all(report_format: ReportFormat, report: Report, last_year: Report | None) -> list[Finding]:
    """Every rule of spec §5 that applies to the format, in the order of the spec."""
    three = report_format.table(3)
    block = three.blocks[0]
    columns = _labelled(block.columns)
    outcomes = outcome_rows(three)
    t3, t4 = report.values.get(3, {}), report.values.get(4, {})
    last = last_year.values if last_year else None
    findings = [
        t3_balance(t3, columns),
        t3_total_column(t3, _labelled(block.rows), applicant_columns(three)),
        t3_total_row(t3, outcomes, columns),
        cell_values("T3-4", report_format.code, 3, t3),
        t3_carried_over(t3, last.get(3, {}) if last else None, columns),
        t3_narrative(report.texts.get(1, ""), t3),
        t3_other_handling(t3, [o for o in outcomes if o.startswith("other")]),
        t4_totals(t4, REVIEW_KINDS, [r for r, _label in REVIEW_RESULTS]),
    ]
    two = report.values.get(2, {})
    if report_format.code == FORMAT_2021:
        rows = _labelled(report_format.table(2).blocks[0].rows)
        findings.append(t2_in_force(two, last.get(2, {}) if last else None, rows))
    findings.append(
        t2_no_regulations(two, [c.key for c in report_format.table(2).blocks[0].columns])
    )
    code, overview = report_format.code, report.texts.get(1, "")
    findings += [
        cell_values("T2-3", code, 2, two),
        in_force_after_issuing(
            two, report.notes.get(2, {}), [r.key for r in report_format.table(2).blocks[0].rows]
        ),
        narrative("T2-5", 2, overview, two),
        cell_values("T4-3", code, 4, t4),
        narrative("T4-4", 4, overview, t4),
        placeholders(report.texts),
    ]
    if report_format.code == FORMAT_2021:
        # The length limit came with the 2021 format (国办公开办函〔2021〕30号); a 2019-format
        # report of 5,000 characters (seed 000) broke no rule of its time.
        findings.append(overview_length(report.texts.get(1, "")))
    findings.append(
        not_repeated(report.texts.get(5, ""), last_year.texts.get(5) if last_year else None)
    )
    return findings
