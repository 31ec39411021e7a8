"""Read a plan from a ``Document``: facts once, then the body's headings, tasks and tables.

Prose: the body is a tree of numbered headings (一、 / (一) / 1. / (1)). A responsibility marker
(``plans.responsibility``) closes a task: the text before it, back to the previous marker or
heading, is the task; a marker on a line of its own after several sub-items without one covers
each of them; a second marker line right after a task adds to it (「牵头单位:…」, then
「责任单位:…」).
A dated sentence outside any task that binds every unit becomes a milestone. A plan that names no
unit anywhere gives its leaf paragraphs as tasks for the office to assign.

Tables (``plans.tables``) continue the same heading tree, their category columns below it. A run
of short paragraphs that is a table's header (a table flattened to one cell a line) is read as
that table. No Django here.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from . import tables
from .document import Document, Paragraph, Table
from .parsing import (
    BOILERPLATE,
    Heading,
    ParsedPlan,
    ParsedTask,
    ParseWarning,
    PlanFormatError,
    TableReading,
    dates_in,
    deadline_of,
    heading_of,
    normalise,
    read_facts,
    sentences,
    split_heading,
)
from .responsibility import TO_BE_CHOSEN, Responsibility, find_markers

# 「各单位」「各直属单位」「各中小学校」「各县(市、区)教育局」…: every unit of a kind.
_COLLECTIVE = re.compile(
    r"各(?:股\(室\)|(?:[\u4e00-\u9fff]|\([^()]{1,6}\)){0,6}?"
    r"(?:单位|股室|科室|处室|学校|部门|教育局))(?:\(学校\))?"
)
_SUBMIT = re.compile(r"报送|上报|报局|提交|报至|报给")
# A web page's own footer once the body has begun: nothing from there on is the plan.
_SITE_FOOTER = re.compile(
    r"^(?:【(?:打印|关闭)|打印本页|关闭窗口|版权所有|网站标识码|扫一扫|抄送|抄报|附件下载)|ICP备"
)
_PAGE_NUMBER = re.compile(r"^(?:[—\-–\s]+\d{1,3}[—\-–\s]+|第\s*\d{1,3}\s*页(?:共\d+页)?|\d+/\d+)$")
_LINE_MARKER = re.compile(r"^(?:牵头|责任|配合|协办)(?:单位|科室|部门|处室)?:")
# Sections of a plan that say why and how, not what to do: no tasks in a plan without units.
_PREAMBLE_SECTION = re.compile(
    r"^(?:指导思想|总体要求|工作目标|主要目标|基本原则|工作原则|保障措施|组织保障|组织领导|工作要求|"
    r"有关要求|相关要求|其他事项|工作安排)"
)


@dataclass
class Line:
    no: int
    text: str


@dataclass
class Item:
    """A heading's own text, waiting for the marker that makes it a task."""

    headings: list[Heading]
    parts: list[Line] = field(default_factory=list)
    own: bool = False  # opened by its heading, whose title is its text until it has its own
    inline: bool = False  # the heading line goes on into text: its title begins the task
    theme: bool = False  # the heading line holds several tasks: its title names their theme
    consumed: bool = False

    @property
    def text(self) -> str:
        body = "".join(p.text for p in self.parts)
        if not self.own or self.theme or not self.headings or (body and not self.inline):
            return body
        title = self.headings[-1].title.rstrip("。;")
        return f"{title}。{body}" if body else title


def _cells(table: Table) -> list[list[str]]:
    return [
        ["\n".join(normalise(x) for x in c.text.split("\n")) for c in row] for row in table.rows
    ]


@dataclass
class Placed:
    """A table of the document, its first row numbered as lines are (for messages), ``index``
    its place among the document's tables (how the office names it to set its roles)."""

    table: Table
    line: int
    index: int = 0


# The roles the office may give a column when the header's words did not say (the preview).
ROLES = ("number", "category", "text", "lead", "units", "support", "people", "deadline", "remarks")
Roles = dict[int, tuple[int, list[str | None]]]  # table index -> (header rows, column roles)


@dataclass
class TaskTable:
    """Rows below a table's header, or (``flat``) a stream of cells whose rows are to be found."""

    cells: list
    roles: list[str | None]
    line: int
    flat: bool = False


@dataclass
class Metadata:
    """Rows of a table that holds no tasks (a portal's header fields, a title merged across)."""

    lines: list[str]


def _lines_of(doc: Document) -> list[Line | Placed]:
    """Paragraphs as normalised lines (hard wraps joined, page numbers dropped), tables kept."""
    stream: list[Line | Placed] = []
    no = index = 0
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            for raw in block.text.split("\n"):
                no += 1
                text = normalise(raw)
                if text and not _PAGE_NUMBER.match(text):
                    stream.append(Line(no, text))
        elif _is_layout(block):  # text set in a one-column frame: its lines are prose
            for cell in (next(filter(None, r), "") for r in block.texts()):
                for raw in cell.split("\n"):
                    no += 1
                    if text := normalise(raw):
                        stream.append(Line(no, text))
        else:
            stream.append(Placed(block, no + 1, index))
            no += len(block.rows)
        index += isinstance(block, Table)
    return _join_wraps(stream)


def _is_layout(table: Table) -> bool:
    """Word documents often set the body, or a notice, in a one-column table for its frame; a
    sheet may hold a plan as one column of lines. A flattened text table is one column by make."""
    return not table.flat and all(
        len({c.text for c in r if c.text.strip()}) <= 1 for r in table.rows
    )


def _join_wraps(stream: list[Line | Placed]) -> list[Line | Placed]:
    """Text out of a PDF breaks lines at the page's width, mid-sentence: when most long lines
    share one length, a line of that length without a closing mark goes on in the next one."""
    lengths = Counter(len(x.text) for x in stream if isinstance(x, Line) and len(x.text) >= 15)
    if not lengths:
        return stream
    width, _ = max(
        ((w, sum(lengths[w + d] for d in (-1, 0, 1))) for w in lengths), key=lambda p: p[1]
    )
    near = sum(lengths[w] for w in lengths if abs(w - width) <= 2)
    if width < 20 or near < 8 or near * 2 < sum(lengths.values()):
        return stream
    out: list[Line | Placed] = []
    for item in stream:
        previous = out[-1] if out else None
        if (
            isinstance(item, Line)
            and isinstance(previous, Line)
            and len(previous.text) >= width - 3
            and not re.search(r"[。;:!?”)]$", previous.text)
            and not heading_of(item.text)
            and not _LINE_MARKER.match(item.text)
        ):
            previous.text += item.text
        else:
            out.append(item)
    return out


def _header_run(stream: list[Line | Placed], start: int) -> tuple[list[str | None], int] | None:
    """A table flattened to one cell a line: three or more short lines that are a header."""
    cells: list[str] = []
    i = start
    while i < len(stream):
        entry = stream[i]
        if not (isinstance(entry, Line) and tables.column_role(entry.text)):
            break
        cells.append(entry.text)
        i += 1
    if len(cells) < 3:
        return None
    roles = tables.header_roles(cells)
    return (roles, i) if roles else None


def _task_table(cells: list[list[str]]) -> tuple[int, list[str | None]] | None:
    """Where a table's header row is and its columns' roles (two header rows merged)."""
    for at, row in enumerate(cells[:30]):
        roles = tables.header_roles(row)
        if roles:
            if at + 1 < len(cells):
                below = cells[at + 1]
                lower = [tables.column_role(c) for c in below]
                if sum(map(bool, lower)) >= 2 and all(len(c) <= 14 for c in below):
                    return at + 1, tables.merge_headers(roles, lower)
            return at, roles
    return None


class Reader:
    def __init__(self, facts, known: set[str], has_units: bool, *, grid: bool = True):
        self.grid = grid  # tables hold every cell (Word, Excel), not a text rendering
        self.plan = ParsedPlan(facts, [], [])
        self.known = known
        self.has_units = has_units
        self.stack: list[Heading] = []
        self.items: list[Item] = []
        self.standing: list[str] = []
        self.last_marked: int | None = None  # the task a marker just closed, for a second one

    # --- prose ------------------------------------------------------------------------------

    def heading(self, line: Line, rank: int, label: str, rest: str) -> None:
        title, text = split_heading(rest, self.known)
        while self.stack and self.stack[-1].rank >= rank:
            self.stack.pop()
        self.stack.append(Heading(rank, label, title, line.no))
        theme = len(find_markers(text, self.known)) >= 2 or text == rest
        self.items.append(Item(list(self.stack), own=True, inline=bool(text), theme=theme))
        self.last_marked = None
        if text:
            self.text(Line(line.no, text))

    def current(self) -> Item:
        if not self.items or self.items[-1].consumed:
            self.items.append(Item(list(self.stack)))
        return self.items[-1]

    def text(self, line: Line) -> None:
        pos = 0
        for marker in find_markers(line.text, self.known):
            item = self.current()
            before = line.text[pos : marker.start].strip(" 。;,")
            pos = marker.end
            if marker.units and (before or item.text):
                if before:
                    item.parts.append(Line(line.no, before))
                self.close_items(item, marker.responsibility, alone=not before)
            elif marker.units and self.last_marked is not None:
                self.extend(self.last_marked, marker.responsibility)
            # 「以下工作均需…落实,不再列出」 binds the tasks after this one
            self.standing += marker.responsibility.standing
        rest = line.text[pos:].strip(" 。;,")
        if rest:
            self.current().parts.append(Line(line.no, rest))
            self.last_marked = None

    def close_items(self, item: Item, responsibility: Responsibility, *, alone: bool) -> None:
        """A marker closes the current item; alone on its line after sub-items without their own
        marker (「(1)…(2)…(3)…」 then 「(责任单位:…)」), it closes each of them."""
        covered = [item]
        if alone and item.headings:
            rank = item.headings[-1].rank
            parent = item.headings[:-1]
            for earlier in reversed(self.items[:-1]):
                if earlier.consumed or not earlier.headings:
                    break
                if earlier.headings[-1].rank != rank or earlier.headings[:-1] != parent:
                    break
                if earlier.text:
                    covered.insert(0, earlier)
        for covered_item in covered:
            self.add_task(covered_item.text, responsibility, covered_item)
            covered_item.consumed = True
        self.last_marked = len(self.plan.tasks) - 1
        self.settle_items()

    def settle_items(self) -> None:
        """Items no marker took: milestones, or tasks of a plan that names no units."""
        for at, item in enumerate(self.items):
            if item.consumed or not item.text:
                continue
            item.consumed = True
            if self.has_units:
                self.milestones(item)
                continue
            if not item.headings or _PREAMBLE_SECTION.match(item.headings[0].title):
                continue
            following = self.items[at + 1] if at + 1 < len(self.items) else None
            if not item.parts and following and len(following.headings) > len(item.headings):
                continue  # a heading over others: not a task of its own
            if item.own and item.parts and not item.inline:
                # 「(一)加大政策解读」 over paragraphs: each paragraph is a task
                for part in item.parts:
                    self.add_task(part.text, Responsibility(), item, line=part.no)
            else:
                self.add_task(item.text, Responsibility(), item)
        self.items = []

    def milestones(self, item: Item) -> None:
        year = self.plan.facts.year
        for part in item.parts:
            for sentence in sentences(part.text):
                if dates_in(sentence, year) and (
                    _COLLECTIVE.search(sentence) or _SUBMIT.search(sentence)
                ):
                    units = list(dict.fromkeys(_COLLECTIVE.findall(sentence))) or ["各单位"]
                    self.add_task(
                        sentence, Responsibility(units=units), item, milestone=True, line=part.no
                    )

    def extend(self, index: int, responsibility: Responsibility) -> None:
        task = self.plan.tasks[index]
        merged = Responsibility(units=list(task.units), leads=list(task.leads))
        merged.merge(responsibility)
        task.units, task.leads = merged.units, merged.leads
        task.lead = merged.lead
        self.plan.warnings = [
            w for w in self.plan.warnings if not (w.task == index and w.code == "no_units")
        ]

    # --- tables -----------------------------------------------------------------------------

    def table(self, table: TaskTable) -> None:
        self.settle_items()
        self.last_marked = None
        roles, flat = table.roles, table.flat
        rows = tables.flat_rows(tables.join_wrapped(table.cells), roles) if flat else table.cells
        # an assessment-indicator table (several levels, scores) writes a score after its text
        scored = "remarks" in roles or roles.count("category") >= 2
        has_units = bool(set(tables.UNIT_ROLES) & set(roles))
        previous: Responsibility | None = None
        levels: list[str] = []
        base = list(self.stack)
        for offset, raw in enumerate(rows):
            line = table.line + offset
            raw = list(raw)
            if flat:
                raw = [
                    c for c in raw if not re.fullmatch(r"\d+(?:\.\d+)?", c) or roles[0] == "number"
                ]
                raw = [tables.strip_score(c) if scored else c for c in raw]
            filled = [c for c in raw if c]
            if not filled or tables.header_roles(raw):
                continue
            if len(set(filled)) == 1 and (len(filled) > 1 or heading_of(filled[0])):
                self.section(filled[0], line, base)
                levels = []
                base = list(self.stack)
                continue
            if self.grid and not flat and len(raw) == len(roles):
                row = tables.place_positional(raw, roles, line)
            else:
                row = tables.place_by_content(filled, roles, line)
            if row.number and re.fullmatch(r"[一二三四五六七八九十]+、?", row.number) and row.text:
                self.section(row.number.rstrip("、") + "、" + row.text[0], line, base)
                levels, base = [], list(self.stack)
                continue
            if row.categories:
                if len(row.categories) >= len(levels):
                    levels = row.categories
                else:
                    levels = levels[: len(levels) - len(row.categories)] + row.categories
            if not row.text:
                continue
            responsibility = row.responsibility
            if not responsibility and not row.unit_cells and previous and has_units:
                responsibility = previous  # a merged unit cell, written once
            previous = responsibility
            path = [*base, *(Heading(9, "", c, line) for c in dict.fromkeys(levels))]
            for text in (t for cell in row.text for t in tables.split_subtasks(cell)):
                full = "。".join(filter(None, (text.rstrip("。"), row.requirement)))
                item = Item(path)
                self.add_task(full, responsibility, item, when=row.deadline, line=line, listed=True)
                if row.people:
                    self.plan.tasks[-1].note = "、".join(row.people)

    def section(self, text: str, line: int, base: list[Heading]) -> None:
        rank, label, rest = heading_of(text) or (len(base) + 1, "", text)
        self.stack = list(base)
        while self.stack and self.stack[-1].rank >= rank:
            self.stack.pop()
        self.stack.append(Heading(rank, label, rest, line))

    # --- tasks ------------------------------------------------------------------------------

    def add_task(
        self,
        text: str,
        responsibility: Responsibility,
        item: Item,
        *,
        milestone: bool = False,
        when: str = "",
        line: int | None = None,
        listed: bool = False,
    ) -> None:
        text = text.strip().lstrip("。;,. ").rstrip(",;:")
        if not text:
            return
        if not text.endswith("。"):
            text = text.rstrip("。") + "。"
        when = " ".join(filter(None, (when, responsibility.when)))
        units = list(responsibility.units)
        if units and not milestone:
            units += [u for u in self.standing if u not in units]
        year = self.plan.facts.year
        deadline = deadline_of(text, year, when, listed=listed)
        index = len(self.plan.tasks)
        leads = list(responsibility.leads) or units[:1]
        task = ParsedTask(
            path=[h.text for h in item.headings],
            text=text,
            units=units,
            lead=leads[0] if leads else None,
            leads=leads,
            deadline=deadline.date,
            recurrence=deadline.recurrence,
            ongoing=deadline.ongoing,
            milestone=milestone,
            response_days=deadline.response_days,
            line=line or (item.parts[0].no if item.parts else 0),
            headings=list(item.headings),
            note="、".join(responsibility.people),
        )
        warn = self.plan.warnings.append
        if len(set(deadline.found)) > 1:
            dates = "、".join(d.isoformat() for d in sorted(set(deadline.found)))
            warn(ParseWarning(index, "ambiguous_deadline", {"dates": dates}))
        if deadline.garbled:
            warn(ParseWarning(index, "garbled_date", {"text": deadline.garbled}))
        if task.deadline is None and year:
            task.deadline = datetime.date(year, 12, 31)
            if not (task.recurrence or task.ongoing):
                warn(ParseWarning(index, "no_deadline", {"date": task.deadline}))
        if not units:
            warn(ParseWarning(index, "no_units"))
        for name in units:
            if TO_BE_CHOSEN.match(name):
                warn(ParseWarning(index, "to_be_chosen", {"name": name}))
        self.plan.tasks.append(task)


def _known_names(prose: list[Line]) -> set[str]:
    """Unit names the document writes in clear markers: they help cut a name out of text that
    runs into it (「…等信息审批处牵头」)."""
    known = {u for line in prose for marker in find_markers(line.text) for u in marker.units}
    return {n for n in known if len(n) >= 2}


def _parts(
    stream: list[Line | Placed], roles: Roles, readings: list[TableReading]
) -> list[Line | TaskTable | Metadata]:
    """Lines, task tables and metadata. Tables are found first: one flattened to one cell a
    line is found by its header, and runs to the next table or the site's footer."""
    parts: list[Line | TaskTable | Metadata] = []
    i = 0
    while i < len(stream):
        entry = stream[i]
        i += 1
        if isinstance(entry, Placed):
            parts += _table_parts(entry, roles.get(entry.index), readings)
            continue
        run = _header_run(stream, i - 1)
        if not run:
            parts.append(entry)
            continue
        header_roles, end = run
        stop = next(
            (k for k, x in enumerate(stream[end:], end) if isinstance(x, Placed)
             or _SITE_FOOTER.search(x.text)),
            len(stream),
        )  # fmt: skip
        lines = [x for x in stream[end:stop] if isinstance(x, Line)]  # all of them: no Placed
        cells = [x.text for x in lines]
        parts.append(TaskTable(cells, header_roles, lines[0].no if lines else 0, flat=True))
        i = stop
    return parts


def _table_parts(
    placed: Placed, override: tuple[int, list[str | None]] | None, readings: list[TableReading]
) -> list[TaskTable | Metadata]:
    cells = _cells(placed.table)
    if placed.table.flat:
        header_end = next((k for k, r in enumerate(cells) if not r), len(cells))
        roles = tables.header_roles([r[0] for r in cells[:header_end]])
        if roles:
            stream = [r[0] if r else tables.ROW_END for r in cells[header_end + 1 :]]
            return [TaskTable(stream, roles, placed.line, flat=True)]
    if override:
        header, found = override[0], list(override[1])
    elif at := _task_table(cells):
        header, found = at[0] + 1, at[1]
    else:
        header, found = 0, None
    if len(cells) >= 2 and max(map(len, cells)) >= 2:
        reading = TableReading(placed.index, cells[: header + 4], header, found, bool(override))
        readings.append(reading)
    if not found or not any(found):  # a layout or metadata table: its rows are lines
        return [Metadata([" ".join(filter(None, r)) for r in cells])]
    # rows above the header (a title merged across) are the document's facts
    above = [" ".join(dict.fromkeys(filter(None, r))) for r in cells[: max(header - 1, 0)]]
    return [Metadata(above), TaskTable(cells[header:], found, placed.line + header)]


def parse_document(
    doc: Document, roles: Roles | None = None, *, keep_tables: bool = False
) -> ParsedPlan:
    """The plan the document holds. ``roles`` are the office's corrections of how a table's
    columns were read (the preview): they replace what its header's words said. With
    ``keep_tables``, a document whose tables gave no task is still returned, task-less, with
    the tables as read, so that the office can set their roles."""
    if doc.is_empty():
        raise PlanFormatError("empty")
    readings: list[TableReading] = []
    parts = _parts(_lines_of(doc), roles or {}, readings)
    prose = [p for p in parts if isinstance(p, Line)]
    task_tables = [p for p in parts if isinstance(p, TaskTable)]
    meta = [ln for p in parts if isinstance(p, Metadata) for ln in p.lines]
    facts = read_facts(meta + [ln.text for ln in prose])
    known = _known_names(prose)
    has_units = bool(known) or any(set(tables.UNIT_ROLES) & set(t.roles) for t in task_tables)
    reader = Reader(facts, known, has_units, grid=doc.kind != "txt")
    for part in parts[_body_start(parts, facts.title) :]:
        if isinstance(part, TaskTable):
            reader.table(part)
        elif isinstance(part, Line):
            if reader.stack and _SITE_FOOTER.search(part.text):
                break
            if BOILERPLATE.search(part.text):
                continue
            heading = heading_of(part.text)
            if heading:
                reader.heading(part, *heading)
            else:
                reader.text(part)
    reader.settle_items()
    reader.plan.tables = readings
    if not reader.plan.tasks and keep_tables and readings:
        reader.plan.warnings.append(ParseWarning(None, "tables_unread", {"tables": len(readings)}))
        return reader.plan
    if not reader.plan.tasks and doc.kind == "xlsx" and not task_tables:
        raise PlanFormatError("no_header", line=1)
    if not reader.plan.tasks:
        raise PlanFormatError(
            "no_tasks",
            lines=len(prose),
            headings=sum(1 for ln in prose if heading_of(ln.text)),
            tables=len(doc.tables()),
        )
    return reader.plan


def _body_start(parts: list, title: str) -> int:
    """Skip the cover letter: the body starts at its first task table or top-level heading, or
    just after the last standalone title line before it."""

    def first(test) -> int | None:
        return next((k for k, part in enumerate(parts) if test(part)), None)

    def heading(part) -> tuple | None:
        return heading_of(part.text) if isinstance(part, Line) else None

    table = first(lambda p: isinstance(p, TaskTable))
    top = first(lambda p: (h := heading(p)) and h[0] == 1)
    if top is None:
        top = first(heading)
    begin = min((k for k in (table, top) if k is not None), default=0)
    titled = [
        k for k, p in enumerate(parts[:begin]) if isinstance(p, Line) and title and p.text == title
    ]
    return titled[-1] + 1 if titled else begin


def parse_text(text: str) -> ParsedPlan:
    from .readers.text import read_text

    return parse_document(read_text(text))
