"""The report's consistency rules (勾稽关系), spec §5, as pure functions over table values.

Each returns one :class:`Finding` per rule: ``ok`` or not, with the cells it concerns so the
draft page can show a failure next to them. Errors block "mark as final"; nothing is ever
corrected here.
"""

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from registers.models import ReviewCase

from .content import ERROR, INFO, WARNING, Finding
from .formats import FORMAT_2021, REVIEW_RESULTS, CellKey, ReportFormat
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
    failures = [
        (cell, "/".join(cell) + f"={_num(v)}")
        for cell, v in sorted(values.items())
        if v is not None and (v < 0 or v != v.to_integral_value())
    ]
    return _result(
        "T3-4",
        ERROR,
        3,
        failures,
        _("Table 3: every cell is a whole number, not negative."),
        _("Table 3: cells must be whole numbers, not negative ({details})."),
    )


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


_RECEIVED = re.compile(r"(?:新收|收到)[^。；，,]*?申请[^。；，,\d]*?(\d+)\s*件")
# “办结M件” counts only in a sentence about the applications (not “留言办结45件”).
_CLOSED = re.compile(r"申请[^。]*?办结[^。；，,\d]*?(\d+)\s*件")


def t3_narrative(text: str, values: Cells) -> Finding:
    """T3-6: numbers in 一's text agree with table 三 (“新收…申请N件” = 一 总计, “办结M件” =
    （七）总计); real reports mix 一 and 一+二, hence only a warning."""
    failures = []
    for pattern, row, label in ((_RECEIVED, "new", "新收"), (_CLOSED, "total", "办结")):
        expected = _n(values, (row, "total"))
        for match in pattern.finditer(text):
            if Decimal(match.group(1)) != expected:
                failures.append(((row, "total"), f"{label} {match.group(1)} ≠ {_num(expected)}"))
    return _result(
        "T3-6",
        WARNING,
        3,
        failures,
        _("Part 1 quotes table 3's numbers as they are."),
        _("Part 1's text differs from table 3 ({details})."),
    )


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
        t3_whole_numbers(t3),
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
    findings.append(overview_length(report.texts.get(1, "")))
    findings.append(
        not_repeated(report.texts.get(5, ""), last_year.texts.get(5) if last_year else None)
    )
    return findings
