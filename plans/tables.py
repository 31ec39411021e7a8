"""Task tables (任务分解表, 清单, 台账): columns read by the roles their headers name.

A header row is found by its words, not positions: number (序号), category (重点任务, 一级指标 …,
several columns and levels), the task text (具体要求, 工作措施 …: the most specific text column
before the units), lead, units and support, people (责任领导: a note, not units), deadline, and
remarks or progress (备注, 落实情况: ignored). Rows whose cells are missing (merged cells written
once, a table flattened to one cell a line) are aligned by what their cells hold. No Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .responsibility import Responsibility, is_unit_name, read_clauses, split_units

# Checked in this order: 「责任领导」 is people before 「责任」 makes it units;
# 「牵头责任单位」 leads.
# 「牵头责任单位」 leads.
_ROLE_WORDS = [
    (
        "people",
        ("责任领导", "分管领导", "牵头领导", "责任人", "联系领导", "包保领导", "分管局领导"),
    ),
    (
        "remarks",
        ("备注", "落实情况", "完成情况", "进展情况", "推进情况", "工作成效", "分值", "评分"),
    ),
    ("number", ("序号", "编号", "指标序号")),
    ("lead", ("牵头",)),
    ("support", ("配合", "协办", "协助", "参与单位")),
    (
        "units",
        (
            "责任单位",
            "责任处室",
            "责任科室",
            "责任部门",
            "责任股室",
            "承办",
            "实施主体",
            "责任主体",
            "落实单位",
            "责任分工",
            "责任",
        ),
    ),
    ("deadline", ("时限", "时间节点", "完成时间", "完成期限", "时间要求", "进度安排", "时间安排")),
    (
        "text",
        (
            "具体要求",
            "细化分工",
            "工作措施",
            "具体措施",
            "目标与任务",
            "主要内容",
            "具体内容",
            "工作内容",
            "任务内容",
            "具体任务",
            "工作要求",
            "工作举措",
            "主要工作",
            "考核内容",
            "重点工作",
            "工作任务",
            "主要任务",
            "重点任务",
            "任务",
            "内容",
            "措施",
            "要点",
            "指标",
            "事项",
        ),
    ),
    ("category", ("目标", "类别", "领域", "项目", "方面", "板块")),
]
UNIT_ROLES = ("lead", "units", "support")
_NUMBER = re.compile(r"^(?:\d{1,4}(?:[,、.]\d{1,3})*\.?|[一二三四五六七八九十]{1,3}、?)$")
_SCORE = re.compile(r"(?:\((?:\d+(?:\.\d+)?)\)?|(?<![\d.年月])\d*\.\d+)$")
_SUBTASK = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})[、.]\s*(?!\d)")
_DEADLINE_CELL = re.compile(
    r"^(?:\d{4}年)?(?:\d{1,2}月(?:\d{1,2}日)?|[上下]半年|年底|年内|年末|全年|第?[一二三四1-4]季度|"
    r"长期|持续|常态化|及时|每[月季年周]|按[月季年]|\d+个?工作日|即时|随时|定期|实时)"
)


def column_role(cell: str) -> str | None:
    name = re.sub(r"\s+", "", cell or "")
    if not name or len(name) > 14:
        return None
    for role, words in _ROLE_WORDS:
        if any(word in name for word in words):
            return role
    return None


def header_roles(cells: list[str]) -> list[str | None] | None:
    """Each column's role, or None when the row is not a header."""
    filled = [c for c in cells if c.strip()]
    if len(filled) < 2 or any(len(c.strip()) > 14 for c in filled):
        return None
    roles = [column_role(c) for c in cells]
    named = [r for r in roles if r]
    if len(named) * 3 < len(filled) * 2:
        return None
    if not ({"text", "category"} & set(named)):
        return None
    if not ({*UNIT_ROLES, "deadline", "number", "remarks"} & set(named)):
        return None
    return _settle_text_columns(roles)


def _settle_text_columns(roles: list[str | None]) -> list[str | None]:
    """The task text is the last text column before the units (the most specific); text columns
    before it are categories, those after the units requirements (added to the text)."""
    roles = list(roles)
    first_unit = next((i for i, r in enumerate(roles) if r in UNIT_ROLES), len(roles))
    before = [i for i, r in enumerate(roles[:first_unit]) if r in ("text", "category")]
    if before:
        for i in before:
            roles[i] = "category"
        text_at = max((i for i in before if roles[i]), default=before[-1])
        roles[text_at] = "text"
    for i in range(first_unit, len(roles)):
        if roles[i] in ("text", "category"):
            roles[i] = "requirement" if before else "text"
    return roles


def merge_headers(first: list[str | None], second: list[str | None]) -> list[str | None]:
    """A two-row header (「责任单位」 over 「牵头单位 | 配合单位」): the lower row says more."""
    width = max(len(first), len(second))
    first = first + [None] * (width - len(first))
    second = second + [None] * (width - len(second))
    return _settle_text_columns([b or a for a, b in zip(first, second, strict=True)])


@dataclass
class Row:
    """One row of a task table, its cells placed by role."""

    line: int
    number: str = ""
    categories: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # several when a cell numbers sub-tasks
    requirement: str = ""
    responsibility: Responsibility = field(default_factory=Responsibility)
    unit_cells: int = 0
    deadline: str = ""
    people: list[str] = field(default_factory=list)


def classify(cell: str, roles: list[str | None]) -> str:
    """What a cell holds, when its position cannot say."""
    if _NUMBER.match(cell) and ("number" in roles or re.fullmatch(r"[\d.]+", cell)):
        return "number"
    if {*UNIT_ROLES} & set(roles) and is_units_cell(cell):
        return "units"
    if "deadline" in roles and len(cell) <= 24 and _DEADLINE_CELL.match(cell):
        return "deadline"
    return "text"


def is_units_cell(cell: str) -> bool:
    if len(cell) > 160:
        return False
    if read_clauses(cell, lenient=True):
        return True
    names = split_units(cell)
    return bool(names) and all(map(is_unit_name, names))


def read_units(cell: str, role: str) -> Responsibility:
    read = read_clauses(cell, lenient=True) or Responsibility(units=split_units(cell))
    if role == "lead":
        read.leads = list(read.units)
    elif role == "support":
        read.leads = []
    return read


def place_positional(cells: list[str], roles: list[str | None], line: int) -> Row:
    row = Row(line)
    for cell, role in zip(cells, roles, strict=False):
        _put(row, role, cell)
    return row


def place_by_content(cells: list[str], roles: list[str | None], line: int) -> Row:
    """Ragged cells: numbers, units and deadlines are told by what they hold; the text cells
    before the units fill the category and text columns from the right (the leading, merged
    category cells are the ones missing), those after the units are requirements."""
    row = Row(line)
    kinds = [classify(c, roles) for c in cells]
    unit_roles = [r for r in roles if r in UNIT_ROLES]
    first_unit = next((i for i, k in enumerate(kinds) if k in ("units", "deadline")), len(cells))
    before = [c for c, k in zip(cells[:first_unit], kinds[:first_unit], strict=True) if k == "text"]
    numbered = 0
    while numbered < len(before) and _SUBTASK.match(before[-1 - numbered]):
        numbered += 1
    if numbered >= 2:  # 「1、…」「2、…」 in cells of their own: one task each
        row.text = [_SUBTASK.sub("", c, count=1) for c in before[-numbered:]]
        row.categories = before[:-numbered]
    elif before:
        row.text = [before[-1]]
        row.categories = before[:-1]
    units_seen = 0
    for cell, kind in zip(cells[first_unit:], kinds[first_unit:], strict=True):
        if kind == "units":
            role = unit_roles[min(units_seen, len(unit_roles) - 1)] if unit_roles else "units"
            _put(row, role, cell)
            units_seen += 1
        elif kind == "text":
            row.requirement = "。".join(filter(None, (row.requirement, cell)))
    for cell, kind in zip(cells, kinds, strict=True):
        if kind == "number" or (kind == "deadline" and not row.deadline):
            _put(row, kind, cell)  # a second date-like cell is progress: 「5月份推送2篇」
    if "remarks" in roles and row.requirement and "requirement" not in roles:
        row.requirement = ""  # progress written after the deadline is not the task
    return row


def _put(row: Row, role: str | None, cell: str) -> None:
    cell = cell.strip()
    if not cell or role is None:
        return
    if role == "number":
        row.number = row.number or cell
    elif role == "category" and _NUMBER.match(cell):
        row.number = row.number or cell  # a number column under a spanning 工作任务 header
    elif role == "category":
        row.categories.append(cell)
    elif role == "text":
        row.text.append(cell)
    elif role == "requirement":
        row.requirement = "。".join(filter(None, (row.requirement, cell)))
    elif role in UNIT_ROLES:
        row.responsibility.merge(read_units(cell, role))
        row.unit_cells += 1
    elif role == "people":
        row.people += split_units(cell)
    elif role == "deadline":
        row.deadline = " ".join(filter(None, (row.deadline, cell)))


def split_subtasks(text: str) -> list[str]:
    """A cell holding 「1、…」「2、…」 on lines (or paragraphs) of its own holds that many tasks."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    numbered = [i for i, ln in enumerate(lines) if _SUBTASK.match(ln)]
    if len(numbered) < 2 or numbered[0] != 0:
        return [" ".join(lines) if lines else text]
    tasks: list[str] = []
    for ln in lines:
        if _SUBTASK.match(ln):
            tasks.append(_SUBTASK.sub("", ln, count=1))
        else:
            tasks[-1] += ln
    return tasks


def strip_score(cell: str) -> str:
    """An indicator table writes the score after the text: 「…相关政策(0.25」, 「…信息等0.5」."""
    return _SCORE.sub("", cell).strip() or cell


# --- Tables flattened to one cell a line --------------------------------------------------------

ROW_END = None


def flat_rows(cells: list[str | None], roles: list[str | None]) -> list[list[str]]:
    """Row boundaries for a stream of cells: a row ends where the text marked one (``ROW_END``),
    where a number cell opens the next (a 序号 column), or after the unit cells and the columns
    that follow them."""
    unit_at = [i for i, r in enumerate(roles) if r in UNIT_ROLES]
    anchor = unit_at or [i for i, r in enumerate(roles) if r == "deadline"]
    after = len([r for r in roles[anchor[-1] + 1 :] if r not in (None, "remarks")]) if anchor else 0
    numbered = bool(roles) and roles[0] == "number"
    rows: list[list[str]] = []
    row: list[str] = []
    anchored, trailing = False, 0

    def close() -> None:
        nonlocal row, anchored, trailing
        if row:
            rows.append(row)
        row, anchored, trailing = [], False, 0

    for cell in cells:
        if cell is ROW_END:
            close()
            continue
        kind = classify(cell, roles)
        if numbered and kind == "number" and row:
            close()
        is_anchor = bool(anchor) and (kind == "units" if unit_at else kind == "deadline")
        if anchored and not is_anchor:
            if trailing >= after or (numbered and kind == "number"):
                close()
            else:
                trailing += 1
        row.append(cell)
        anchored = anchored or (is_anchor and not numbered)
    close()
    return rows


def join_wrapped(cells: list[str | None]) -> list[str | None]:
    """A long cell cut mid-word (「…检查结」 then 「果及处理信息」) is one cell."""
    out: list[str | None] = []
    for cell in cells:
        previous = out[-1] if out else None
        if (
            cell is not None
            and previous is not None
            and len(previous) >= 40
            and not re.search(r"[。;!?)\]”]$", previous)
            and not is_units_cell(previous)
            and not is_units_cell(cell)
            and not _NUMBER.match(cell)
        ):
            out[-1] = previous + cell
        else:
            out.append(cell)
    return out
