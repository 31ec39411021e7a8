"""The official layouts of 《政府信息公开工作年度报告》, as data.

Source: shared/spec/annual-report-format.md.

Two formats: 国办公开办函〔2019〕60号 for report years 2019–2020 and 国办公开办函〔2021〕30号 from
2021 on. Every label is the official wording, character for character, full-width punctuation
included; exports and the draft page build their merged header cells from the label paths.

A table is a list of blocks (table 二 has one per article item, 三 and 四 one each); a block has
columns and rows, each with a key and a *path* of labels from the outermost header to the cell's
own label. Consecutive equal path prefixes are one merged cell; a path shorter than the deepest
one stretches across the remaining levels. A value cell is addressed by ``(row.key, column.key)``,
unique within its table. Table 二's keys are those of the metric catalogue's report cells
(``t2.<row>.<column>``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from registers.models import DisclosureRequest, ReviewCase

TABLE_PARTS = (2, 3, 4)  # the report's parts that are tables (二, 三, 四); their text stays empty
CellKey = tuple[str, str]  # (row.key, column.key), unique within a table
Cells = dict[CellKey, Decimal]  # a table's values by cell


def cell_code(key: CellKey) -> str:
    """A cell as forms, the page and stored JSON name it: ``row|column``."""
    return f"{key[0]}|{key[1]}"


def cell_of(code: str) -> CellKey:
    row, column = code.split("|", 1)
    return row, column


FORMAT_2019 = "2019"
FORMAT_2021 = "2021"

SECTION_TITLES = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

# 一、总体情况's sub-topics, as real reports number them (spec §2.1, §3).
TOPICS = {
    FORMAT_2019: (
        ("proactive", "（一）主动公开"),
        ("on_request", "（二）依申请公开"),
        ("management", "（三）政府信息管理"),
        ("platforms", "（四）平台建设"),
        ("oversight", "（五）监督保障"),
    ),
    FORMAT_2021: (
        ("proactive", "（一）主动公开"),
        ("on_request", "（二）依申请公开"),
        ("management", "（三）政府信息管理"),
        ("platforms", "（四）政府信息公开平台建设"),
        ("oversight", "（五）监督保障"),
    ),
}


@dataclass(frozen=True)
class Line:
    """A column or a row: its key and its label path (outermost first)."""

    key: str
    path: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass(frozen=True)
class Block:
    title: str  # a full-width row above the block (table 二), or ""
    corner: str  # the label over the row labels
    columns: tuple[Line, ...]
    rows: tuple[Line, ...]


@dataclass(frozen=True)
class TableFormat:
    number: int  # 2, 3 or 4: the section it belongs to
    blocks: tuple[Block, ...]

    @property
    def title(self) -> str:
        return SECTION_TITLES[self.number - 1]

    def cells(self) -> list[tuple[str, str]]:
        return [(r.key, c.key) for b in self.blocks for r in b.rows for c in b.columns]

    def row(self, key: str) -> Line:
        return next(r for b in self.blocks for r in b.rows if r.key == key)

    def column(self, key: str) -> Line:
        return next(c for b in self.blocks for c in b.columns if c.key == key)


@dataclass(frozen=True)
class ReportFormat:
    code: str
    name: str  # the notice that set it
    topics: tuple[tuple[str, str], ...]
    tables: tuple[TableFormat, ...]

    def table(self, number: int) -> TableFormat:
        return next(t for t in self.tables if t.number == number)


def format_for(year: int) -> "ReportFormat":
    """The format of a report year: 2019's trial format for 2019–2020, the 2021 one after."""
    return FORMATS[FORMAT_2019 if year < 2021 else FORMAT_2021]


def span(lines: Sequence[Line], index: int, level: int, depth: int) -> tuple[int, int] | None:
    """(rowspan-or-colspan along the list, span across levels) of ``lines[index]``'s label at
    ``level``, or None when an earlier line's cell already covers it."""
    path = lines[index].path
    if level >= len(path):
        return None
    prefix = path[: level + 1]
    if index and lines[index - 1].path[: level + 1] == prefix:
        return None
    along = 1
    while index + along < len(lines) and lines[index + along].path[: level + 1] == prefix:
        along += 1
    across = depth - level if level == len(path) - 1 else 1
    return along, across


def depth(lines: Sequence[Line]) -> int:
    return max((len(line.path) for line in lines), default=0)


def _lines(keys_and_paths: Sequence[tuple[str, tuple[str, ...]]]) -> tuple[Line, ...]:
    return tuple(Line(key, path) for key, path in keys_and_paths)


# --- Table 二 ------------------------------------------------------------------------------------


def _table_two(items: Sequence[tuple[str, Sequence[tuple[str, str]], Sequence[tuple[str, str]]]]):
    return TableFormat(
        2,
        tuple(
            Block(
                title,
                "信息内容",
                _lines([(key, (label,)) for key, label in columns]),
                _lines([(key, (label,)) for key, label in rows]),
            )
            for title, columns, rows in items
        ),
    )


_DECISIONS = [("decisions", "本年处理决定数量")]
# The 2019 template heads 第（五）（六）项's third column 「处理决定数量」, without 「本年」.
_ITEMS_2019 = [("previous_items", "上一年项目数量"), ("change", "本年增/减")]
_DECISIONS_2019 = [("decisions", "处理决定数量")]

TABLE_TWO_2021 = _table_two(
    [
        (
            "第二十条第（一）项",
            [
                ("issued", "本年制发件数"),
                ("repealed", "本年废止件数"),
                ("in_force", "现行有效件数"),
            ],
            [("regulations", "规章"), ("normative", "行政规范性文件")],
        ),
        ("第二十条第（五）项", _DECISIONS, [("licensing", "行政许可")]),
        (
            "第二十条第（六）项",
            _DECISIONS,
            [("punishment", "行政处罚"), ("enforcement", "行政强制")],
        ),
        (
            "第二十条第（八）项",
            [("amount", "本年收费金额（单位：万元）")],
            [("fees", "行政事业性收费")],
        ),
    ]
)

TABLE_TWO_2019 = _table_two(
    [
        (
            "第二十条第（一）项",
            [
                ("issued", "本年新制作数量"),
                ("published", "本年新公开数量"),
                ("in_force", "对外公开总数量"),
            ],
            [("regulations", "规章"), ("normative", "规范性文件")],
        ),
        (
            "第二十条第（五）项",
            [*_ITEMS_2019, *_DECISIONS_2019],
            [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")],
        ),
        (
            "第二十条第（六）项",
            [*_ITEMS_2019, *_DECISIONS_2019],
            [("punishment", "行政处罚"), ("enforcement", "行政强制")],
        ),
        ("第二十条第（八）项", _ITEMS_2019, [("fees", "行政事业性收费")]),
        (
            "第二十条第（九）项",
            [("projects", "采购项目数量"), ("amount", "采购总金额")],
            [("procurement", "政府集中采购")],
        ),
    ]
)

# Cells whose values are money, kept with the decimals the office typed (万元 in 2021).
MONEY_CELLS = {("fees", "amount"), ("procurement", "amount")}
# The unit printed after a money value whose label names none. 2021's 收费 column says
# （单位：万元）; 2019's 采购总金额 says nothing (real reports wrote 元 or 万元 by hand), and
# the metric catalogue that feeds it counts in 万元 (tasks migration 0004), as 2021 does.
MONEY_UNITS = {("procurement", "amount"): "万元"}


def money_unit(table: "TableFormat", cell: CellKey) -> str:
    """The unit a money cell counts in: its column's own (「（单位：万元）」), else the one
    printed after it; "" for a count."""
    if cell not in MONEY_CELLS:
        return ""
    return "万元" if "万元" in table.column(cell[1]).label else MONEY_UNITS.get(cell, "")


# --- Table 三 ------------------------------------------------------------------------------------

Outcome = DisclosureRequest.Outcome
ApplicantType = DisclosureRequest.ApplicantType

APPLICANTS = "申请人情况"
ORGANISATIONS = "法人或其他组织"
TABLE_THREE_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
RESULTS = "三、本年度办理结果"

TABLE_THREE_COLUMNS = _lines(
    [
        (ApplicantType.NATURAL_PERSON.value, (APPLICANTS, "自然人")),
        *(
            (kind.value, (APPLICANTS, ORGANISATIONS, kind.label))
            for kind in list(ApplicantType)[1:]
        ),
        ("total", (APPLICANTS, "总计")),
    ]
)

# The outcome's row path: its group label (e.g. （三）不予公开) and its own label, read off the
# choice label "（三）不予公开 1.属于国家秘密"; a group without reasons is one label.
_PARTLY = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"


def _outcome_path(outcome: Outcome) -> tuple[str, ...]:
    if outcome == Outcome.PARTLY_DISCLOSED:
        return (RESULTS, _PARTLY)
    return (RESULTS, *outcome.label.split(" "))


_OTHER_HANDLING = (Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_FEE_UNPAID, Outcome.OTHER)
OTHER_HANDLING_2019 = "other_handling"


def _table_three(outcome_rows: Sequence[tuple[str, tuple[str, ...]]]) -> TableFormat:
    rows = [
        ("new", ("一、本年新收政府信息公开申请数量",)),
        ("carried_over", ("二、上年结转政府信息公开申请数量",)),
        *outcome_rows,
        ("total", (RESULTS, "（七）总计")),
        ("carry_forward", ("四、结转下年度继续办理",)),
    ]
    return TableFormat(3, (Block("", TABLE_THREE_CORNER, TABLE_THREE_COLUMNS, _lines(rows)),))


TABLE_THREE_2021 = _table_three([(o.value, _outcome_path(o)) for o in Outcome])
TABLE_THREE_2019 = _table_three(
    [(o.value, _outcome_path(o)) for o in Outcome if o not in _OTHER_HANDLING]
    + [(OTHER_HANDLING_2019, (RESULTS, "（六）其他处理"))]
)


def outcome_row(outcome: str, report_format: str) -> str:
    """The table 三 row a request's outcome is counted in."""
    if report_format == FORMAT_2019 and outcome in _OTHER_HANDLING:
        return OTHER_HANDLING_2019
    return outcome


# --- Table 四 ------------------------------------------------------------------------------------

REVIEW_RESULTS = (*((r.value, r.label) for r in ReviewCase.Result), ("pending", "尚未审结"))
_KIND_PATHS = {
    ReviewCase.Kind.REVIEW: ("行政复议",),
    ReviewCase.Kind.LITIGATION_DIRECT: ("行政诉讼", "未经复议直接起诉"),
    ReviewCase.Kind.LITIGATION_AFTER_REVIEW: ("行政诉讼", "复议后起诉"),
}
TABLE_FOUR = TableFormat(
    4,
    (
        Block(
            "",
            "",
            _lines(
                [
                    (f"{kind}.{result}", (*path, label))
                    for kind, path in _KIND_PATHS.items()
                    for result, label in (*REVIEW_RESULTS, ("total", "总计"))
                ]
            ),
            (Line("cases", ()),),
        ),
    ),
)


FORMATS = {
    FORMAT_2019: ReportFormat(
        FORMAT_2019,
        "国办公开办函〔2019〕60号",
        TOPICS[FORMAT_2019],
        (TABLE_TWO_2019, TABLE_THREE_2019, TABLE_FOUR),
    ),
    FORMAT_2021: ReportFormat(
        FORMAT_2021,
        "国办公开办函〔2021〕30号",
        TOPICS[FORMAT_2021],
        (TABLE_TWO_2021, TABLE_THREE_2021, TABLE_FOUR),
    ),
}
