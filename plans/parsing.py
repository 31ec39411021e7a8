"""Read an issued work plan: text in, a plain data structure out. No Django here.

The plan's body is a tree of numbered headings (一、 / (一) / 1. / (1)). Inside an item,
every responsibility marker such as 「(责任科室:办公室、社管办)」 closes one task: the
sentences before it, back to the previous marker or heading, are that task's text. A dated
sentence outside any task that binds every unit (「各股室…于11月11日前…报送局办公室」)
becomes a milestone.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import asdict, dataclass, field

# --- Normalisation ---------------------------------------------------------------------------

_WIDTH = str.maketrans(
    {"（": "(", "）": ")", "：": ":", "；": ";", "，": ",", "．": ".", "\u3000": " "}
)
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_SPACE_NEAR_CJK = re.compile(rf"(?<={_CJK})\s+|\s+(?={_CJK})|(?<=\d)\s+(?=[个月日年])")


def normalise(line: str) -> str:
    """Half-width brackets and colons, and no stray spaces around Chinese or in 「1 个工作日」."""
    line = line.translate(_WIDTH).replace("\xa0", " ").strip()
    return _SPACE_NEAR_CJK.sub("", line).strip()


# --- Headings ---------------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十"
HEADING_STYLES = [  # (rank, pattern): 一、 > (一) > 1. > (1)
    (1, re.compile(rf"^([{_CN_NUM}]+、)")),
    (2, re.compile(rf"^(\([{_CN_NUM}]+\))")),
    (3, re.compile(r"^(\d{1,2}(?:\.(?!\d)|、))")),
    (4, re.compile(r"^(\(\d{1,2}\))")),
]


def heading_of(line: str) -> tuple[int, str, str] | None:
    """(rank, label, rest of the line) when the line starts a numbered heading."""
    for rank, pattern in HEADING_STYLES:
        match = pattern.match(line)
        if match:
            return rank, match.group(1), line[match.end() :].strip()
    return None


# --- Responsibility markers and units --------------------------------------------------------

_BODIES = ("单位", "科室", "部门", "股室", "处室")  # a province writes 处室, a district 股室
_LEAD_WORDS = (*(f"牵头{b}" for b in _BODIES), "主办单位", "主责单位")
_SUPPORT_WORDS = (*(f"配合{b}" for b in _BODIES), "协办单位", "参与单位")
_ANY_WORDS = (*(f"责任{b}" for b in _BODIES), "责任主体", "承办单位")
_MARKER_WORD = "|".join(_LEAD_WORDS + _SUPPORT_WORDS + _ANY_WORDS)
_MARKER_START = re.compile(rf"\(\s*(?:{_MARKER_WORD})\s*:")
# 「(办公室牵头,各股室配合)」: a bracket that names its lead without a marker word.
_LED_BY_START = re.compile(r"\((?=[^()]{1,60}?牵头(?:[,;、][^()]*)?\))")
# 「完成时限:6月底前」 written inside a marker is the task's deadline, not a unit.
_TIME_WORDS = ("完成时限", "完成时间", "时间节点", "时限要求", "完成期限", "时间要求", "时限")
_TIME_PART = re.compile(rf"(?:{'|'.join(_TIME_WORDS)})\s*:((?:(?!{_MARKER_WORD})[^;])*)")
# Unbracketed 「牵头单位:… 配合单位:…」 running to the end of the sentence.
_BARE_MARKER = re.compile(rf"(?:{_MARKER_WORD})\s*:[^。]*")
# 「各承办科室」: the sections that handle the item, to be chosen by the office.
TO_BE_CHOSEN = re.compile(r"^各(?:承办|相关|有关)")
_UNIT_SPLIT = re.compile(r"[、,;/\s]+|(?<!以)及|和")
_PART_SPLIT = re.compile(rf"({_MARKER_WORD})\s*:")


@dataclass
class Marker:
    start: int
    end: int
    units: list[str]
    lead: str | None
    when: str = ""  # a deadline written inside the marker


def _bracket_end(text: str, start: int) -> int:
    """Index after the bracket closing the one at ``start`` (nested brackets allowed)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def split_units(names: str) -> list[str]:
    """「办公室、社管办,人事股和计财股」 → names as written, in order, without duplicates."""
    out: list[str] = []
    for raw in _UNIT_SPLIT.split(names):
        name = raw.strip(" .。:")
        if name and name not in out:
            out.append(name)
    return out


def parse_marker_body(body: str) -> tuple[list[str], str | None]:
    """Units and lead of a marker's content, e.g. 「牵头单位:办公室;配合单位:人事股」."""
    parts = _PART_SPLIT.split(body)
    lead_units: list[str] = []
    other_units: list[str] = []
    explicit_lead = False
    other_units += split_units(parts[0])  # names before any marker word: 「人事股牵头,…」
    for word, names in zip(parts[1::2], parts[2::2], strict=True):
        units = split_units(names)
        if word in _LEAD_WORDS:
            lead_units += units
            explicit_lead = True
        else:
            other_units += units
    # 「人事股牵头,办公室配合」 inside a plain marker
    for i, unit in enumerate(other_units):
        if unit.endswith("牵头") and len(unit) > 2:
            other_units[i] = unit[:-2]
            lead_units.append(other_units.pop(i))
            explicit_lead = True
            break
    other_units = [u[:-2] if u.endswith("配合") and len(u) > 2 else u for u in other_units]
    units = [*lead_units, *(u for u in other_units if u not in lead_units)]
    lead = lead_units[0] if explicit_lead and lead_units else (units[0] if units else None)
    return units, lead


def find_markers(text: str) -> list[Marker]:
    markers: list[Marker] = []
    pos = 0
    while True:
        bracketed = min(
            (m for m in (_MARKER_START.search(text, pos), _LED_BY_START.search(text, pos)) if m),
            key=lambda m: m.start(),
            default=None,
        )
        bare = _BARE_MARKER.search(text, pos)
        if bracketed and (not bare or bracketed.start() <= bare.start()):
            end = _bracket_end(text, bracketed.start())
            body = text[bracketed.start() + 1 : end - 1]
            start = bracketed.start()
        elif bare:
            start, end, body = bare.start(), bare.end(), bare.group(0)
        else:
            return markers
        when = " ".join(m.group(1).strip() for m in _TIME_PART.finditer(body))
        units, lead = parse_marker_body(_TIME_PART.sub("", body))
        markers.append(Marker(start, end, units, lead, when))
        pos = end


# --- Deadlines --------------------------------------------------------------------------------

RESPONSE_DAYS = re.compile(r"(\d+)个工作日(?:内|以内)")
_FULL_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")
_MONTH_END = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:底|末|份)")
# 「第三季度」 names a period on its own; 「三季度」 needs a cue such as 「前」.
_QUARTER = re.compile(r"(第)?([一二三四1-4])季度(?(1)|(?:末|底)?(?:前|之前|内))")
_PERIODS = [
    (re.compile(r"上半年"), 6, 30),
    (re.compile(r"下半年|年底|年末|年内|年终|全年"), 12, 31),
]
_DEADLINE_CUE = re.compile(r"前|之前|以前|底|末|内|完成|截止")
RECURRENCES = [
    ("monthly", re.compile(r"每月|按月|逐月|月度")),
    ("quarterly", re.compile(r"每季度?|按季度?|季度报送|逐季")),
    ("half-yearly", re.compile(r"每半年|半年度")),
    ("yearly", re.compile(r"每年|按年")),
]
ONGOING = re.compile(r"长期坚持|持续推进|长期|持续开展|持续做好|全年持续")


@dataclass
class Deadline:
    date: datetime.date | None = None
    recurrence: str | None = None
    ongoing: bool = False
    found: list[datetime.date] = field(default_factory=list)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def dates_in(text: str, year: int | None) -> list[datetime.date]:
    """Due dates a sentence names, in order. 「N个工作日内」 is a response time, not a date."""
    text = RESPONSE_DAYS.sub("", text)
    found: list[tuple[int, datetime.date]] = []
    for m in _FULL_DATE.finditer(text):
        d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        if d:
            found.append((m.start(), d))
    if year:
        for m in _MONTH_DAY.finditer(text):
            d = _safe_date(year, int(m[1]), int(m[2]))
            if d:
                found.append((m.start(), d))
        for m in _MONTH_END.finditer(text):
            if 1 <= int(m[2]) <= 12:
                found.append((m.start(), _month_end(int(m[1] or year), int(m[2]))))
        for m in _QUARTER.finditer(text):
            quarter = "一二三四".find(m[2]) + 1 or int(m[2])
            found.append((m.start(), _month_end(year, quarter * 3)))
        for pattern, month, day in _PERIODS:
            for m in pattern.finditer(text):
                if _DEADLINE_CUE.match(text, m.end()) or pattern.pattern == "上半年":
                    found.append((m.start(), datetime.date(year, month, day)))
    return [d for _, d in sorted(found, key=lambda pair: pair[0])]


def deadline_of(text: str, year: int | None) -> Deadline:
    deadline = Deadline(found=dates_in(text, year))
    for name, pattern in RECURRENCES:
        if pattern.search(text):
            deadline.recurrence = name
            break
    # A date the text names wins over 「持续推进」: the work goes on, but is due then.
    deadline.ongoing = (
        deadline.recurrence is None and not deadline.found and bool(ONGOING.search(text))
    )
    if deadline.found:
        deadline.date = max(deadline.found)
    return deadline


# --- Document facts ---------------------------------------------------------------------------

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[【(]\s*(\d{4})\s*[〕\]】)]\s*第?\d+\s*号")
_NOTICE_TITLE = re.compile(r"关于印发《(.+?)》的通知")
_PLAN_TITLE = re.compile(
    r"^[^,。:;!?()]{4,60}(?:实施方案|工作方案|工作要点|工作计划|任务分解表|工作安排)$"
)
_DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ISSUER_FIELD = re.compile(r"(?:发布机构|发文机关|发文单位|成文单位)\s*:\s*(\S+)")
_YEAR = re.compile(r"(20\d{2})年")
BOILERPLATE = re.compile(
    r"^(?:抄送|抄报|扫一扫|附件下载|相关解读|文字解读|图片解读|视频解读|访谈解读|媒体报道|打印本页|关闭窗口"
    r"|索\s*引\s*号|主题分类|公文生成日期|时间:|来源:|【|•|\(此件|此件)"
    r"|印发$|^\S+\s*\d{4}年\d{1,2}月\d{1,2}日印发$"
)


@dataclass
class Facts:
    title: str = ""
    number: str = ""
    issuer: str = ""
    issued_on: datetime.date | None = None
    year: int | None = None
    upstream: list[str] = field(default_factory=list)


def _in_brackets(text: str, start: int) -> bool:
    before = text[:start]
    return before.rfind("(") > before.rfind(")")


def read_facts(lines: list[str]) -> Facts:
    facts = Facts()
    notice = _NOTICE_TITLE.search("".join(lines))  # the title may be broken over lines
    if notice:
        facts.title = notice.group(1)
    else:
        facts.title = next((ln for ln in lines if _PLAN_TITLE.match(ln)), "")
    joined = "\n".join(lines)
    for m in _DOC_NUMBER.finditer(joined):
        number = re.sub(r"\s+", "", m.group(0))
        cited = _in_brackets(joined, m.start()) or joined[max(0, m.start() - 1)] == "》"
        if cited:
            if number not in facts.upstream:
                facts.upstream.append(number)
        elif not facts.number:
            facts.number = number
    facts.upstream = [n for n in facts.upstream if n != facts.number]
    for i, line in enumerate(lines):
        m = _DATE_LINE.match(line)
        if m and i > 0 and len(lines[i - 1]) <= 30 and not heading_of(lines[i - 1]):
            facts.issuer = lines[i - 1]
            facts.issued_on = _safe_date(int(m[1]), int(m[2]), int(m[3]))
            break
    if not facts.issuer:
        field_match = _ISSUER_FIELD.search("\n".join(lines))
        facts.issuer = field_match.group(1) if field_match else ""
    year = _YEAR.search(facts.title)
    if year:
        facts.year = int(year.group(1))
    elif facts.issued_on:
        facts.year = facts.issued_on.year
    return facts


# --- The plan ---------------------------------------------------------------------------------


@dataclass
class Heading:
    rank: int
    label: str
    title: str
    line: int

    @property
    def text(self) -> str:
        return f"{self.label}{self.title}"


@dataclass
class ParsedTask:
    path: list[str]
    text: str
    units: list[str]
    lead: str | None
    deadline: datetime.date | None
    recurrence: str | None
    ongoing: bool
    milestone: bool
    response_days: list[int]
    line: int
    headings: list[Heading] = field(default_factory=list, repr=False)


@dataclass
class ParseWarning:
    task: int | None
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class ParsedPlan:
    facts: Facts
    tasks: list[ParsedTask]
    warnings: list[ParseWarning]

    def as_json(self, messages: dict[str, str] | None = None) -> dict:
        """The importer's contract (README, “Plan importer”)."""
        messages = messages or {}

        def message(w: ParseWarning) -> str:
            return messages.get(w.code, w.code).format(**w.params)

        return {
            "plan": {
                "title": self.facts.title,
                "number": self.facts.number,
                "issuer": self.facts.issuer,
                "issued_on": _iso(self.facts.issued_on),
                "year": self.facts.year,
                "upstream": self.facts.upstream,
            },
            "tasks": [
                {
                    **{k: v for k, v in asdict(t).items() if k not in ("line", "headings")},
                    "deadline": _iso(t.deadline),
                }
                for t in self.tasks
            ],
            "warnings": [{"task": w.task, "message": message(w)} for w in self.warnings],
        }


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


class PlanFormatError(ValueError):
    """The input cannot be read as a plan; ``line`` says where, when known."""

    def __init__(self, code: str, line: int | None = None, **params):
        super().__init__(code)
        self.code, self.line, self.params = code, line, params


_SENTENCE_END = re.compile(r"(?<=[。!?;])")
# 「各单位」「各直属单位」「各中小学校」「各县(市、区)教育局」…: every unit of a kind.
_COLLECTIVE = re.compile(
    r"各(?:股\(室\)|(?:[\u4e00-\u9fff]|\([^()]{1,6}\)){0,6}?"
    r"(?:单位|股室|科室|处室|学校|部门|教育局))(?:\(学校\))?"
)
# A web page's own footer once the body has begun (「【打印本页】【关闭窗口】」, 「主办单位:…」
# after it): nothing from there on is the plan.
_SITE_FOOTER = re.compile(r"^(?:【(?:打印|关闭)|打印本页|关闭窗口|版权所有|网站标识码)|ICP备")
_SUBMIT = re.compile(r"报送|上报|报局|提交|报至|报给")


def _body_start(lines: list[str], title: str) -> int:
    """Skip the cover letter: the body starts at the last standalone title line before the
    first top-level heading, or at that heading."""
    first = next((i for i, ln in enumerate(lines) if (h := heading_of(ln)) and h[0] == 1), None)
    if first is None:
        first = next((i for i, ln in enumerate(lines) if heading_of(ln)), 0)
    titled = [i for i, ln in enumerate(lines[:first]) if title and ln == title]
    return titled[-1] + 1 if titled else first


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def parse_lines(raw_lines: list[str]) -> ParsedPlan:
    lines = [normalise(ln) for ln in raw_lines]
    numbered = [(i + 1, ln) for i, ln in enumerate(lines) if ln]
    if not numbered:
        raise PlanFormatError("empty")
    facts = read_facts([ln for _, ln in numbered])
    start = _body_start([ln for _, ln in numbered], facts.title)
    body = numbered[start:]
    plan = ParsedPlan(facts, [], [])
    stack: list[Heading] = []
    pending: list[tuple[int, str]] = []  # body text since the last marker or heading

    def flush() -> None:
        """Text left without a marker: not a task, unless it is a milestone for every unit."""
        for line_no, sentence in ((n, s) for n, text in pending for s in _sentences(text)):
            dates = dates_in(sentence, facts.year)
            if dates and (_COLLECTIVE.search(sentence) or _SUBMIT.search(sentence)):
                units = list(dict.fromkeys(_COLLECTIVE.findall(sentence))) or ["各单位"]
                _add_task(plan, stack, sentence, units, None, line_no, milestone=True)
        pending.clear()

    for line_no, line in body:
        if stack and _SITE_FOOTER.search(line):
            break
        if BOILERPLATE.search(line):
            if line.startswith(("抄送", "抄报", "扫一扫", "附件下载")):
                break  # the document's footer: nothing after it is the plan
            continue
        heading = heading_of(line)
        if heading:
            flush()
            rank, label, rest = heading
            title, text = _split_heading(rest)
            while stack and stack[-1].rank >= rank:
                stack.pop()
            stack.append(Heading(rank, label, title, line_no))
            line = text
            if not line:
                continue
        _take_tasks(plan, stack, pending, line_no, line)
    flush()
    if not plan.tasks:
        raise PlanFormatError("no_tasks")
    return plan


def _split_heading(rest: str) -> tuple[str, str]:
    """「围绕重点领域加大公开力度。根据…」 → title, text. A first sentence that already names
    its responsible units is a task, and titles its heading too."""
    sentences = _sentences(rest)
    if not sentences:
        return rest, ""
    first = sentences[0]
    if find_markers(first):
        title = first[: find_markers(first)[0].start]
        return title.rstrip("。;,") or rest[:30], rest
    if len(sentences) == 1 and not first.endswith(("。", ";")):
        return first, ""
    remainder = rest[len(first) :].strip()
    markers = find_markers(remainder)
    if markers and not remainder[: markers[0].start].strip("。;,. "):
        return first.rstrip("。;"), rest  # 「(1)公开预算。(责任单位:计财股)」: one sentence, a task
    return first.rstrip("。;"), remainder


def _take_tasks(plan, stack, pending, line_no: int, line: str) -> None:
    pos = 0
    for marker in find_markers(line):
        text = "".join(t for _, t in pending) + line[pos : marker.start]
        first_line = pending[0][0] if pending else line_no
        pending.clear()
        _add_task(plan, stack, text, marker.units, marker.lead, first_line, when=marker.when)
        pos = marker.end
    rest = line[pos:].lstrip("。;,. ")
    if rest:
        pending.append((line_no, rest))


def _add_task(
    plan, stack, text, units, lead, line_no, *, milestone: bool = False, when: str = ""
) -> None:
    """Append a task; ``when`` is a deadline written apart from the text (a table's column)."""
    text = text.strip().lstrip("。;,. ").rstrip(",;:")
    if not text.endswith("。"):
        text = text.rstrip("。") + "。"
    year = plan.facts.year
    deadline = deadline_of(f"{text} {when}", year)
    index = len(plan.tasks)
    task = ParsedTask(
        path=[h.text for h in stack],
        text=text,
        units=units,
        lead=lead or (units[0] if units else None),
        deadline=deadline.date,
        recurrence=deadline.recurrence,
        ongoing=deadline.ongoing,
        milestone=milestone,
        response_days=[int(n) for n in RESPONSE_DAYS.findall(f"{text} {when}")],
        line=line_no,
        headings=list(stack),
    )
    if len(set(deadline.found)) > 1:
        plan.warnings.append(
            ParseWarning(
                index,
                "ambiguous_deadline",
                {"dates": "、".join(d.isoformat() for d in sorted(set(deadline.found)))},
            )
        )
    if task.deadline is None and year:
        task.deadline = datetime.date(year, 12, 31)
        if not (task.recurrence or task.ongoing):
            plan.warnings.append(ParseWarning(index, "no_deadline", {"date": task.deadline}))
    if not units:
        plan.warnings.append(ParseWarning(index, "no_units"))
    for name in units:
        if TO_BE_CHOSEN.match(name):
            plan.warnings.append(ParseWarning(index, "to_be_chosen", {"name": name}))
    plan.tasks.append(task)


def parse_text(text: str) -> ParsedPlan:
    return parse_lines(text.splitlines())


# --- Task breakdown tables (任务分解表) -------------------------------------------------------

COLUMNS = {  # role -> header words, most specific first; matched inside the header text
    "number": ("序号", "编号"),
    "category": ("重点任务", "任务类别", "工作类别", "重点工作", "类别", "项目"),
    "text": (
        "工作任务",
        "工作内容",
        "任务内容",
        "具体任务",
        "主要任务",
        "具体内容",
        "工作措施",
        "重点任务",
        "任务",
    ),
    "lead": _LEAD_WORDS,  # the words of the markers in running text: 牵头处室 too
    "units": _ANY_WORDS,
    "support": _SUPPORT_WORDS,
    "deadline": ("完成时限", "时间节点", "完成时间", "时限要求", "完成期限", "时限"),
}


def _header_roles(cells: list[str]) -> dict[str, int]:
    """Column index per role, or {} when the row is not a header. Headers, not positions."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = re.sub(r"\s+", "", cell or "")
        if not name or len(name) > 20:
            continue
        for role in ("number", "lead", "support", "units", "deadline", "text", "category"):
            if role not in found and any(word in name for word in COLUMNS[role]):
                found[role] = index
                break
    texts = [
        i
        for i, c in enumerate(cells)
        if any(w in re.sub(r"\s+", "", c or "") for w in COLUMNS["text"])
    ]
    if len(texts) >= 2:  # 「重点任务 | 工作内容」: the first groups, the second is the task
        found["category"], found["text"] = texts[0], texts[-1]
    elif "text" not in found and "category" in found:
        found["text"] = found.pop("category")
    else:
        found.pop("category", None)
    has_units = {"lead", "units", "support"} & found.keys()
    return found if "text" in found and (has_units or "deadline" in found) else {}


def parse_table(
    rows: list[list[str]], *, first_row: int = 1, preamble: list[str] = ()
) -> ParsedPlan:
    """A 任务分解表: one task per row below a header row recognised by its words.

    ``first_row`` is the spreadsheet's number of ``rows[0]``, so messages can point at a row.
    """
    cells = [[normalise(str(c)) if c is not None else "" for c in row] for row in rows]
    header_at = next((i for i, row in enumerate(cells[:30]) if _header_roles(row)), None)
    if header_at is None:
        raise PlanFormatError("no_header", line=first_row)
    roles = _header_roles(cells[header_at])
    above = [normalise(line) for line in preamble]  # a Word document's paragraphs, as written
    facts = read_facts([*filter(None, above), *(c for row in cells[:header_at] for c in row if c)])
    plan = ParsedPlan(facts, [], [])

    def cell(row: list[str], role: str) -> str:
        index = roles.get(role)
        return row[index] if index is not None and index < len(row) else ""

    stack: list[Heading] = []
    category = ""
    for offset, row in enumerate(cells[header_at + 1 :], start=header_at + 1):
        line_no = first_row + offset
        if not any(row):
            continue
        filled = [c for c in row if c]
        if len(set(filled)) == 1 and (len(filled) > 1 or heading_of(filled[0])):
            # 「一、公开解读回应」 merged across the row (its text repeats in every cell): a heading
            rank, label, rest = heading_of(filled[0]) or (1, "", filled[0])
            while stack and stack[-1].rank >= rank:
                stack.pop()
            stack.append(Heading(rank, label, rest, line_no))
            continue
        text, number = cell(row, "text"), cell(row, "number")
        if re.fullmatch(rf"[{_CN_NUM}]+", number):
            number += "、"  # 「一 | 公开平台建设」: a section numbered in its own column
        if cell(row, "category") and cell(row, "category") != category:
            category = cell(row, "category")
            stack = [Heading(1, "", category, line_no)]
        names = " ".join(filter(None, (cell(row, "lead"), cell(row, "units"))))
        support = cell(row, "support")
        if not text:
            continue
        heading = heading_of(number + text) if number and not number.isdigit() else heading_of(text)
        if heading and not (names or support or cell(row, "deadline")):
            rank, label, rest = heading
            while stack and stack[-1].rank >= rank:
                stack.pop()
            stack.append(Heading(rank, label, rest, line_no))
            continue
        units, lead = parse_marker_body(
            (f"牵头单位:{cell(row, 'lead')};" if cell(row, "lead") else "")
            + (f"责任单位:{cell(row, 'units')};" if cell(row, "units") else "")
            + (f"配合单位:{support}" if support else "")
        )
        _add_task(plan, stack, text, units, lead, line_no, when=cell(row, "deadline"))
    if not plan.tasks:
        raise PlanFormatError("no_tasks")
    return plan
