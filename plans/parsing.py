"""The plan's vocabulary: normalised lines, numbered headings, deadlines, document facts, and
the parsed plan the importer hands on (its JSON is the importer's contract). No Django here.

Reading a plan out of a document is ``plans.reading``; who is responsible, ``plans.responsibility``;
task tables, ``plans.tables``.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass, field

from .responsibility import find_markers

# --- Normalisation ---------------------------------------------------------------------------

# Full-width ASCII (！ to ～) as plain ASCII, the ideographic space as a space; 【】［］ stay
# brackets the markers know.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " ", 0xA0: " "}
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_SPACE_NEAR_CJK = re.compile(rf"(?<={_CJK})\s+|\s+(?={_CJK})|(?<=\d)\s+(?=[个月日年])")


def normalise(line: str) -> str:
    """Half-width brackets and colons, and no stray spaces around Chinese or in 「1 个工作日」."""
    line = line.translate(_WIDTH).strip()
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


def chinese_numeral(n: int) -> str:
    """一 to 九十九 as headings count them (十一, 二十, 二十一); other numbers in digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (
        (_CN_NUM[tens - 1] if tens > 1 else "")
        + ("十" if tens else "")
        + (_CN_NUM[ones - 1] if ones else "")
    )


def heading_label(rank: int, n: int) -> str:
    """The n-th label of a rank (HEADING_STYLES) as a document prints it: 一、 （一） 1. （1）;
    ranks below the fourth number as the fourth does."""
    style = ["{cn}、", "（{cn}）", "{n}.", "（{n}）"][min(max(rank, 1), 4) - 1]
    return style.format(cn=chinese_numeral(n), n=n)


# --- Deadlines --------------------------------------------------------------------------------

# 「2个工作日内」「3天内」: a rule for how fast to answer, not a due date.
RESPONSE_DAYS = re.compile(r"(?<![月\d])(\d{1,3})\s*个?(?:工作日|天)(?:内|以内)")
_FULL_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")
_MONTH_END = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:底|末|份)")
_TEN_DAYS = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(上旬|中旬|下旬)")
# 「2021年8月前」: before the month begins.
_BEFORE_MONTH = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:前|之前|以前)")
# 「第三季度」 names a period on its own; 「三季度」 needs a cue such as 「前」.
_QUARTER = re.compile(r"(第)?([一二三四1-4])季度(?(1)|(?:末|底)?(?:前|之前|内))")
_PERIODS = [
    (re.compile(r"上半年"), 6, 30, True),
    (re.compile(r"年内"), 12, 31, True),
    (re.compile(r"下半年|年底|年末|年终|全年"), 12, 31, False),
]
_DEADLINE_CUE = re.compile(r"前|之前|以前|底|末|内|完成|截止")
# A date whose 年/月/日 were lost on the way (「2020824」): said, never guessed.
_GARBLED_DATE = re.compile(r"(?<![\d.])20\d{5,6}(?![\d.])")
RECURRENCES = [
    ("monthly", re.compile(r"每月|按月|逐月|月度")),
    ("quarterly", re.compile(r"每季度?|按季度?|季度报送|逐季")),
    ("half-yearly", re.compile(r"每半年|半年度")),
    ("yearly", re.compile(r"每年|按年")),
]
# Work with no end: said so in a deadline cell, or a task that opens with it (「常态化公开…」).
# Inside a long task 「及时」 or 「建立常态化机制」 is a manner, not a deadline; a short one
# that says 「及时更新…」 is standing work.
ONGOING = re.compile(r"长期坚持|长期推进|持续推进|长期执行|持续开展|全年持续|常态化推进")
_ONGOING_START = re.compile(r"^(?:长期|持续|常态化)")
_ONGOING_SHORT = re.compile(r"及时|动态更新|实时|常态化")


@dataclass
class Deadline:
    date: datetime.date | None = None
    recurrence: str | None = None
    ongoing: bool = False
    found: list[datetime.date] = field(default_factory=list)
    response_days: list[int] = field(default_factory=list)
    garbled: str = ""


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
    for m in _TEN_DAYS.finditer(text):
        y, month = int(m[1] or year or 0), int(m[2])
        if y and 1 <= month <= 12:
            day = {"上旬": 10, "中旬": 20}.get(m[3])
            # Always a date: the 10th or 20th of a month 1-12 of a four-digit year.
            found.append((m.start(), datetime.date(y, month, day) if day else _month_end(y, month)))
    for m in _BEFORE_MONTH.finditer(text):
        y, month = int(m[1] or year or 0), int(m[2])
        if y and 1 <= month <= 12:
            found.append((m.start(), datetime.date(y, month, 1) - datetime.timedelta(days=1)))
    if year:
        for m in _MONTH_DAY.finditer(text):
            d = _safe_date(year, int(m[1]), int(m[2]))
            if d:
                found.append((m.start(), d))
    for m in _MONTH_END.finditer(text):
        y = int(m[1] or year or 0)
        if y and 1 <= int(m[2]) <= 12:
            found.append((m.start(), _month_end(y, int(m[2]))))
    if year:
        for m in _QUARTER.finditer(text):
            quarter = "一二三四".find(m[2]) + 1 or int(m[2])
            found.append((m.start(), _month_end(year, quarter * 3)))
        for pattern, month, day, own_cue in _PERIODS:
            for m in pattern.finditer(text):
                if own_cue or _DEADLINE_CUE.match(text, m.end()):
                    found.append((m.start(), datetime.date(year, month, day)))
    return [d for _, d in sorted(found, key=lambda pair: pair[0])]


def _is_ongoing(text: str, when: str, *, listed: bool) -> bool:
    """``listed``: a row of a task list (清单), where a short 「及时公开…」 is standing work; in
    a plan's prose the year bounds it."""
    if text.startswith("是否"):
        return False  # an assessment indicator asks, it does not last
    if ONGOING.search(text) or _ONGOING_START.match(when) or _ONGOING_START.match(text):
        return True
    return listed and len(text) <= 40 and bool(_ONGOING_SHORT.search(text))


def deadline_of(text: str, year: int | None, when: str = "", *, listed: bool = False) -> Deadline:
    """The task's deadline from its text and ``when``, a deadline written apart (a column)."""
    deadline = Deadline(found=dates_in(f"{text} {when}", year))
    text_and_when = f"{text} {when}"
    deadline.response_days = [int(n) for n in RESPONSE_DAYS.findall(text_and_when)]
    garbled = _GARBLED_DATE.search(text_and_when)
    deadline.garbled = garbled.group(0) if garbled else ""
    for name, pattern in RECURRENCES:
        if pattern.search(text_and_when):
            deadline.recurrence = name
            break
    # A date the text names wins over 「持续推进」: the work goes on, but is due then.
    deadline.ongoing = (
        deadline.recurrence is None
        and not deadline.found
        and _is_ongoing(text, when, listed=listed)
    )
    if deadline.found:
        deadline.date = max(deadline.found)
    return deadline


# --- Document facts ---------------------------------------------------------------------------

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[【(]\s*(\d{4})\s*[〕\]】)]\s*第?\d+\s*号")
_NOTICE_TITLE = re.compile(r"关于(?:印发|分解|下发)《?([^《》]+?)》?的通知")
_PLAN_KINDS = (
    r"(?:实施方案|工作方案|工作要点|工作计划|任务分解表|分解表|工作安排|任务清单|责任清单|分工方案|"
    r"责任分解|任务分解|任务分工|及分工|完成情况|任务表|台账|工作清单|要点)"
)
_PLAN_TITLE = re.compile(rf"^[^,。:;!?]{{4,60}}{_PLAN_KINDS}$")
_DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ISSUER_FIELD = re.compile(
    r"(?:发布机构|发文机关|发文单位|成文单位)\s*:\s*([^\s|:]+?)(?=\s|\||$|[\u4e00-\u9fff]{2,4}:)"
)
_DATE_FIELD = re.compile(
    r"(?:发文日期|成文日期|印发日期|发布日期|发布时间)\s*:\s*(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})"
)
# A year of the plan: not one end of a range (「2021—2025年」) nor inside a cited title.
_YEAR = re.compile(r"(?<![\d—\-–~至到])(20\d{2})年(?!\s*[—\-–~至到])")
BOILERPLATE = re.compile(
    r"^(?:抄送|抄报|扫一扫|附件下载|相关解读|文字解读|图片解读|视频解读|访谈解读|媒体报道|打印本页|关闭窗口"
    r"|索\s*引\s*号|主题分类|公文生成日期|时间:|来源:|【|•|\(此件|此件|发布时间|发布日期|浏览次数|字号|"
    r"字体|朗读|设为首页|加入收藏|无障碍|长辈版|长者版|您现在所在的位置|当前位置|栏目:|标题:|名\s*称:)"
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


def _title_lines(lines: list[str]):
    """Lines, and a title broken after an open 《 joined with the line after it."""
    for i, line in enumerate(lines):
        if line.count("《") > line.count("》") and i + 1 < len(lines):
            yield line + lines[i + 1]
        yield line


def _in_brackets(text: str, start: int) -> bool:
    before = text[:start]
    return before.rfind("(") > before.rfind(")")


def read_facts(lines: list[str]) -> Facts:
    facts = Facts()
    # The title may be broken over lines; a notice cited in 《》 is another document's.
    joined_flat = re.sub(r"《[^》]*的通知》", "", "".join(lines))
    notice = _NOTICE_TITLE.search(joined_flat)
    standalone = next((ln for ln in _title_lines(lines) if _PLAN_TITLE.match(ln)), "")
    if notice and ("《" in notice.group(0) or not standalone):
        facts.title = notice.group(1)
    else:
        facts.title = standalone
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
        dated_line = _DATE_LINE.match(line)
        if (
            dated_line
            and i > 0
            and len(lines[i - 1]) <= 30
            and not heading_of(lines[i - 1])
            and not lines[i - 1].startswith("附件")
        ):
            facts.issuer = lines[i - 1]
            facts.issued_on = _safe_date(int(dated_line[1]), int(dated_line[2]), int(dated_line[3]))
            break
    if not facts.issuer:
        field_match = _ISSUER_FIELD.search(joined)
        facts.issuer = field_match.group(1) if field_match else ""
    dated = _DATE_FIELD.search(joined)
    if dated and not facts.issued_on:
        facts.issued_on = _safe_date(int(dated[1]), int(dated[2]), int(dated[3]))
    facts.year = _plan_year(facts, joined)
    return facts


def _plan_year(facts: Facts, joined: str) -> int | None:
    """The title's year, else the document number's, the date it was issued, the first year
    the text names."""
    title = re.sub(r"《[^》]*》", "", facts.title)
    year = _YEAR.search(title)
    if year:
        return int(year.group(1))
    number = _DOC_NUMBER.search(facts.number)
    if number:
        return int(number.group(1))
    if facts.issued_on:
        return facts.issued_on.year
    year = _YEAR.search(joined)
    return int(year.group(1)) if year else None


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
    leads: list[str] = field(default_factory=list)  # every unit named as leading
    note: str = ""  # leaders named beside the units: people, not units


@dataclass
class ParseWarning:
    task: int | None
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class TableReading:
    """How one table of the document was read, for the office to check and correct: its first
    rows, how many of them are its header, and each column's role (``None``: not a task table)."""

    index: int
    rows: list[list[str]]
    header: int
    roles: list[str | None] | None
    set_by_office: bool = False

    @property
    def unsure(self) -> bool:
        return not self.roles or "text" not in self.roles


@dataclass
class ParsedPlan:
    facts: Facts
    tasks: list[ParsedTask]
    warnings: list[ParseWarning]
    tables: list[TableReading] = field(default_factory=list)

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

    def __reduce__(self):  # raised in a reader's own process, re-raised in the caller's
        return (_format_error, (self.code, self.line, self.params))


def _format_error(code: str, line: int | None, params: dict) -> PlanFormatError:
    return PlanFormatError(code, line, **params)


_SENTENCE_END = re.compile(r"(?<=[。!?;])")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def split_heading(rest: str, known: AbstractSet[str] = frozenset()) -> tuple[str, str]:
    """「围绕重点领域加大公开力度。根据…」 → title, text. A first sentence that already names
    its responsible units is a task, and titles its heading too."""
    parts = sentences(rest)
    if not parts:
        return rest, ""
    first = parts[0]
    markers = find_markers(first, known)
    if markers:
        return first[: markers[0].start].rstrip("。;,") or rest[:30], rest
    if len(parts) == 1 and not first.endswith(("。", ";")):
        return first, ""
    remainder = rest[len(first) :].strip()
    markers = find_markers(remainder, known)
    if markers and not remainder[: markers[0].start].strip("。;,. "):
        return first.rstrip("。;"), rest  # 「(1)公开预算。(责任单位:计财股)」: one sentence, a task
    return first.rstrip("。;"), remainder
