"""The report's prose parts (一, 五, 六), assembled from aggregates. Pure: no ORM.

The text is the report's own language (the official Chinese of the format), whatever the
interface language: it is what the department publishes. It is a draft for the office to
rewrite, so it states facts from the data and leaves judgement to people. It is written the way
published reports are: 一 tells each official sub-topic in one paragraph 「一是…；二是…。」, and
五 names the year's problems found in the data with a measure for each.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal

from .aggregates import Fees, HeadingWork, KeyFigure, PlanYear, RegisterProblems, Summary
from .checks import REPEAT_RATIO, similarity
from .models import HeadingTopic
from .report import TableValues

Topic = HeadingTopic.Topic
NUMERALS = "一二三四五六七八九十"
# Summaries quoted per sub-topic in 一 (the format wants about 1,000 characters in all); the
# office adds what matters more by editing.
MAX_ITEMS = 6

# A heading's sub-topic proposed from the words of its title, first match wins; the office
# changes it once on the draft page (HeadingTopic).
KEYWORDS = (
    (Topic.ON_REQUEST, ("依申请",)),
    (Topic.PLATFORMS, ("平台", "网站", "新媒体", "专栏", "政务公开专区")),
    (
        Topic.OVERSIGHT,
        ("监督", "保障", "考核", "培训", "组织领导", "责任", "评议", "队伍", "工作要求"),
    ),
    (Topic.MANAGEMENT, ("管理", "制度", "规范", "保密审查", "目录", "标准", "档案")),
    (Topic.PROACTIVE, ("主动公开", "公开", "解读", "回应")),
)


def default_topic(title: str) -> str | None:
    for topic, words in KEYWORDS:
        if any(word in title for word in words):
            return topic
    return None


@dataclass
class Tree:
    """The plan's headings: parents, titles, roots in order, and each heading's sub-topic."""

    plan: PlanYear
    parent: dict[int, int | None] = field(init=False)
    title: dict[int, str] = field(init=False)

    def __post_init__(self) -> None:
        self.parent = {h.pk: h.parent_id for h in self.plan.headings}
        self.title = {h.pk: h.title for h in self.plan.headings}

    def chain(self, heading_id: int | None) -> list[int]:
        chain = []
        while heading_id is not None and heading_id in self.parent:
            chain.append(heading_id)
            heading_id = self.parent[heading_id]
        return chain

    def root(self, heading_id: int | None) -> int | None:
        chain = self.chain(heading_id)
        return chain[-1] if chain else None

    def topic(self, heading_id: int | None) -> str:
        """The sub-topic of the heading's top heading, as the draft page shows it: the office's
        choice, else the one its title's words propose, else 主动公开 (also for work filed under
        no heading). A sub-heading's own words do not count: 「（三）加强政策解读」 under
        「二、政务公开平台建设」 is told where the office sees its top heading told."""
        root = self.root(heading_id)
        if root is None:
            return Topic.PROACTIVE
        return self.plan.topics.get(root) or default_topic(self.title[root]) or Topic.PROACTIVE

    def roots(self) -> list[int]:
        return [h.pk for h in self.plan.headings if h.parent_id is None]

    def work_by_root(self) -> dict[int | None, HeadingWork]:
        """Each top heading's counts with its sub-headings' (a loop over headings, not tasks)."""
        return self._work_by(self.root)

    def work_by_topic(self) -> dict[str, HeadingWork]:
        return self._work_by(self.topic)

    def _work_by(self, key) -> dict:
        totals: dict = {}
        for heading_id, work in self.plan.work.items():
            total = totals.setdefault(key(heading_id), HeadingWork())
            for f in fields(HeadingWork):
                setattr(total, f.name, getattr(total, f.name) + getattr(work, f.name))
        return totals


def preamble(year: int, notice: str) -> str:
    """The unnumbered lead before 一 that real reports carry (spec §2.6)."""
    return (
        f"本报告根据《中华人民共和国政府信息公开条例》和{notice}要求编制。"
        f"本报告所列数据统计期限为{year}年1月1日至12月31日。"
    )


# --- Punctuation ----

_TRAILING = "。．.；;，,、：:！!？? \t"
_ASCII_COMMA = re.compile(r"(?<!\d),|,(?!\d)")  # not a thousands separator (1,200)


def clause(text: str) -> str:
    """A summary as one clause of 「一是…；二是…。」: full-width punctuation, no full stop or
    semicolon inside (they would end the enumeration early), none at the end."""
    text = " ".join(text.split())
    text = _ASCII_COMMA.sub("，", text).replace(";", "；")
    text = text.strip(_TRAILING)
    text = re.sub(r"\s*[。；！？]+\s*", "，", text)
    return re.sub(r"，{2,}", "，", text)


def _sentence(text: str) -> str:
    """A sentence ending in one full stop. One follows a closing quote or bracket too: the
    quote names a thing (开展“政务开放日”活动。), it does not end the sentence."""
    text = text.strip().rstrip("；;，,、 ")
    if text.endswith(("。", "！", "？", "。”", "。」")):
        return re.sub(r"。+$", "。", text)
    return text + "。"


def enumerate_items(items: Sequence[str]) -> str:
    """「一是…；二是…；三是…。」; a single item is a plain sentence (「一是」 alone reads oddly)."""
    if len(items) == 1:
        return _sentence(items[0])
    return "；".join(f"{NUMERALS[i]}是{item}" for i, item in enumerate(items)) + "。"


def _number(value: Decimal) -> str:
    value = value.normalize()
    return format(value, "f")


def _stated(figure: KeyFigure, texts: Sequence[str]) -> bool:
    """The figure's value with its unit is already in a summary (「发布政策解读13条」)."""
    pattern = re.compile(
        rf"(?<![\d.]){re.escape(_number(figure.value))}\s*{re.escape(figure.unit)}"
    )
    return any(pattern.search(text) for text in texts)


def _figures_sentence(figures: Sequence[KeyFigure], texts: Sequence[str]) -> str:
    """The sub-topic's figures not already stated by a summary, each once (summed over the
    headings they were reported under), as the lead sentence real reports open a topic with."""
    totals: dict[tuple[str, str], Decimal] = {}
    for f in figures:
        totals[(f.name, f.unit)] = totals.get((f.name, f.unit), Decimal(0)) + f.value
    quoted = [
        f"{name}{_number(value)}{unit}"
        for (name, unit), value in totals.items()
        if not _stated(KeyFigure(None, name, unit, value), texts)
    ]
    return "全年" + "，".join(quoted) + "。" if quoted else ""


@dataclass(frozen=True)
class Requests:
    """Table 三's totals the overview quotes."""

    new: Decimal
    carried_over: Decimal
    handled: Decimal
    carried_forward: Decimal


def requests_of(three: TableValues) -> Requests:
    """The totals of table 三 as printed (hand-entered cells over computed ones)."""
    return Requests(
        three.number("new", "total"),
        three.number("carried_over", "total"),
        three.number("total", "total"),
        three.number("carry_forward", "total"),
    )


def requests_sentence(r: Requests) -> str:
    if not (r.new or r.carried_over or r.handled or r.carried_forward):
        return "全年未收到政府信息公开申请。"
    parts = [f"全年新收政府信息公开申请{_number(r.new)}件"]
    if r.carried_over:
        parts.append(f"上年结转{_number(r.carried_over)}件")
    parts.append(f"办结{_number(r.handled)}件")
    if r.carried_forward:
        parts.append(f"结转下年度继续办理{_number(r.carried_forward)}件")
    return "，".join(parts) + "。"


# The opening ``requests_sentence`` of a 依申请公开 paragraph, whatever its figures.
_REQUESTS_SENTENCE = re.compile(r"全年(?:未收到政府信息公开申请|新收政府信息公开申请[^。]*)。")


def without_requests_sentence(paragraph: str) -> str:
    """The paragraph without its opening ``requests_sentence``: a region's report states the
    summed table 三's instead of the superior's own register's."""
    match = _REQUESTS_SENTENCE.match(paragraph)
    return paragraph[match.end() :] if match else paragraph


# --- 一、总体情况 ----

PLACEHOLDER = "（待补充）"  # the whole part is the office's to write (checks G-3 flags it)
NO_WORK = "本年度工作方案未在该方面单列任务。"


def is_placeholder(paragraph: str) -> bool:
    """The paragraph tells no work of the department's own (``overview``'s stand-ins)."""
    return paragraph in (PLACEHOLDER, NO_WORK)


def _nothing_to_tell(work: HeadingWork | None) -> str:
    """An honest sentence for a sub-topic without completed work to quote."""
    if work and work.total:
        return f"本年度该方面安排的{work.total}项工作任务尚在推进，暂无办结成果。"
    return NO_WORK


def overview(
    *,
    year: int,
    department: str,
    topics: Sequence[tuple[str, str]],
    tree: Tree,
    summaries: Sequence[Summary],
    figures: Sequence[KeyFigure],
    requests: Requests,
) -> str:
    """一、总体情况: a lead sentence, then each official sub-topic (``topics``, in the format's
    order) as one paragraph told under the sub-topic of the plan heading the work belongs to:
    the figures first (the register's for 依申请公开), then the completed work's summaries as
    「一是…；二是…。」."""
    texts: dict[str, list[str]] = {}
    for s in summaries:
        items = texts.setdefault(tree.topic(s.heading_id), [])
        item = clause(s.text)
        if item and item not in items and len(items) < MAX_ITEMS:
            items.append(item)
    by_topic: dict[str, list[KeyFigure]] = {}
    for f in figures:
        by_topic.setdefault(tree.topic(f.heading_id), []).append(f)
    work = tree.work_by_topic()
    # Nothing from the plan at all: the office writes the part (the register's sentence stays).
    empty = not texts and not by_topic and not any(w.total for w in work.values())
    lines = [
        f"{year}年，{department}以《中华人民共和国政府信息公开条例》为遵循，对照年度政务公开"
        "工作安排逐项抓好落实，主动公开、依申请公开、政府信息管理、平台建设和监督保障等"
        "各项工作有序推进。"
    ]
    for topic, title in topics:
        items = texts.get(topic, [])
        # The figures lead: kept out of the enumeration, they do not run into a summary's
        # words (T3-6 reads 「申请…办结N件」 within one sentence).
        lead = _figures_sentence(by_topic.get(topic, []), items)
        if topic == Topic.ON_REQUEST:
            lead = requests_sentence(requests) + lead
        lines.append(title)
        if lead or items:
            lines.append(lead + (enumerate_items(items) if items else ""))
        else:
            lines.append(PLACEHOLDER if empty else _nothing_to_tell(work.get(topic)))
    return "\n".join(lines)


# --- 五、存在的主要问题及改进情况 ----

# Each problem in three wordings, with its measure. The year picks the wording, so that a
# fresh year reads differently from the last (“不得出现……年年雷同”, 国办公开办函〔2021〕30号);
# among the wordings the first not too close to last year's text is taken.
VARIANTS = 3
LEADS = (
    "{year}年，{self}政府信息公开工作取得一定成效，但对照《条例》要求仍有差距，主要是：",
    "回顾{year}年工作，{self}政府信息公开工作还存在一些薄弱环节：",
    "{year}年，{self}在政府信息公开工作中发现以下问题：",
)
MEASURES = (
    "{next}年，{self}将针对上述问题逐项整改：",
    "下一步，{self}将在{next}年重点做好以下改进：",
    "针对上述问题，{self}{next}年将采取以下措施：",
)
LATE_REPLIES = (
    (
        "依申请公开答复时效有待提高，全年有{n}件政府信息公开申请超过法定期限答复",
        "严格执行《条例》第三十三条规定的答复期限，对在办申请到期前提醒，"
        "确需延长的依法履行审批手续",
    ),
    (
        "个别申请办理超出法定时限，{n}件政府信息公开申请未能在规定期限内答复",
        "建立依申请公开办理动态跟踪机制，临近答复期限的申请逐件督办，确保按期答复",
    ),
    (
        "依申请公开办理节点把控不够严格，{n}件申请逾期答复",
        "细化受理、办理、审核、答复各环节的时限要求，压实承办责任，杜绝逾期答复",
    ),
)
CORRECTED = (
    (
        "答复的规范性仍需加强，因政府信息公开引起的{cases}结果为纠正",
        "逐案分析被纠错原因，完善答复文书范本，答复前严格进行法律审核",
    ),
    (
        "部分答复的合法性、说理性存在不足，{cases}以纠正结果审结",
        "加强与法制机构的会商，重要申请答复前开展合法性审查，举一反三堵塞漏洞",
    ),
    (
        "答复文书质量有待提升，{cases}被依法纠错",
        "组织承办人员学习复议、诉讼典型案例，规范告知、说理和法律依据引用",
    ),
)
TASKS = (
    (
        "年度重点任务推进不够均衡，{details}",
        "对{themes}方面的任务实行清单化管理，临近时限提前提醒，逾期事项挂账督办",
    ),
    (
        "部分工作任务落实进度滞后，{details}",
        "将{themes}方面的任务落实情况纳入日常督查，按月通报进度，压实承办单位责任",
    ),
    (
        "任务完成的时效性有待加强，{details}",
        "围绕{themes}方面细化任务节点，定期调度推进，确保按期保质完成",
    ),
)
RETURNED = (
    (
        "报送材料质量参差不齐，{n}项任务的材料经退回补充后才通过审核",
        "加强业务培训和报送指导，明确材料要求，提高一次通过率",
    ),
    (
        "个别单位报送材料不够完整规范，{n}项任务被退回修改",
        "制定任务报送材料清单和标准，开展专题业务培训",
    ),
    (
        "任务成果材料把关不严，{n}项任务需退回完善",
        "强化承办单位内部审核，报送前对照要求逐项自查",
    ),
)
NONE_FOUND = (
    (
        "从申请登记和任务台账看，本年度未发现逾期答复、答复被纠错或任务逾期的情况，"
        "但政策解读和回应关切的深度还有提升空间",
        "丰富政策解读形式，围绕群众关切及时发布解读和回应信息",
    ),
    (
        "本年度申请答复和年度任务总体按期完成，但主动公开内容的针对性、实用性还需增强",
        "梳理群众关注度高的公开事项，优化公开内容和呈现方式",
    ),
    (
        "本年度工作总体运行平稳，但政府信息公开的标准化、规范化水平仍需提高",
        "对照公开事项标准目录开展自查，推进公开工作标准化、规范化",
    ),
)


def _theme(topic: str) -> str:
    return str(Topic(topic).label)


def _tasks_details(work: dict[str, HeadingWork], topics: Sequence[str]) -> tuple[str, str]:
    """Late and overdue tasks by sub-topic, 「主动公开方面2项任务晚于规定时限报送、1项任务超过
    时限仍未报送」, and the sub-topics concerned."""
    details, themes = [], []
    for topic in topics:
        w = work.get(topic)
        if not w or not (w.late or w.overdue):
            continue
        parts = []
        if w.late:
            parts.append(f"{w.late}项任务晚于规定时限报送")
        if w.overdue:
            parts.append(f"{w.overdue}项任务超过时限仍未报送")
        details.append(f"{_theme(topic)}方面" + "、".join(parts))
        themes.append(_theme(topic))
    return "，".join(details), "、".join(themes)


def _cases(found: RegisterProblems) -> str:
    parts = []
    if found.corrected_reviews:
        parts.append(f"行政复议{found.corrected_reviews}件")
    if found.corrected_lawsuits:
        parts.append(f"行政诉讼{found.corrected_lawsuits}件")
    return "、".join(parts)


def problems(
    *,
    year: int,
    tree: Tree,
    found: RegisterProblems,
    topics: Sequence[str] = tuple(Topic.values),
    last_year: str | None = None,
    self_name: str = "本机关",
) -> str:
    """五、存在的主要问题及改进情况: the problems the year's data shows (requests answered
    late, cases decided against the department, tasks the units handed in late or not at all,
    by sub-topic; work returned for rework), each with a measure for next year. ``topics``: the
    sub-topics in the format's order; ``last_year``: last year's text of 五, not to repeat."""
    work = tree.work_by_topic()
    details, themes = _tasks_details(work, topics)
    returned = sum(w.returned for w in work.values())

    def draft(variant: int) -> str:
        def pick(options: tuple[tuple[str, str], ...]) -> tuple[str, str]:
            return options[variant % len(options)]

        pairs = []
        if found.late_replies:
            issue, measure = pick(LATE_REPLIES)
            pairs.append((issue.format(n=found.late_replies), measure))
        if cases := _cases(found):
            issue, measure = pick(CORRECTED)
            pairs.append((issue.format(cases=cases), measure))
        if details:
            issue, measure = pick(TASKS)
            pairs.append((issue.format(details=details), measure.format(themes=themes)))
        if returned:
            issue, measure = pick(RETURNED)
            pairs.append((issue.format(n=returned), measure))
        if not pairs:
            pairs.append(pick(NONE_FOUND))
        return "\n".join(
            (
                LEADS[variant].format(year=year, self=self_name)
                + enumerate_items([i for i, _m in pairs]),
                MEASURES[variant].format(next=year + 1, self=self_name)
                + enumerate_items([m for _i, m in pairs]),
            )
        )

    candidates = [draft((year + i) % VARIANTS) for i in range(VARIANTS)]
    if not last_year:
        return candidates[0]
    fresh = [c for c in candidates if similarity(c, last_year) < REPEAT_RATIO]
    return fresh[0] if fresh else min(candidates, key=lambda c: similarity(c, last_year))


@dataclass(frozen=True)
class Options:
    """Section 六's optional items, as the office switched them on."""

    plan_summary: bool = False
    proposals: bool = False
    proposals_text: str = ""
    other_text: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> "Options":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def _fees_text(year: int, fees: Fees) -> str:
    if not fees.charged:
        return f"{year}年，无收取信息处理费情况。"
    count = f"{fees.requests}件，" if fees.requests else ""
    return (
        f"{year}年，本机关依据《政府信息公开信息处理费管理办法》收取信息处理费{count}"
        f"共计{_number(fees.amount)}元。"
    )


def other_matters(
    *, year: int, fees: Fees, options: Options, tree: Tree, proposals: Decimal | None
) -> str:
    """六、其他需要报告的事项: 信息处理费 always (国办公开办函〔2021〕30号), then the items the
    office switched on."""
    items = [("收取信息处理费情况", _fees_text(year, fees))]
    if options.plan_summary:
        work = tree.work_by_root()
        total = sum(w.total for w in work.values())
        done = sum(w.completed for w in work.values())
        parts = "；".join(
            f"{tree.title[root]}完成{work[root].completed}/{work[root].total}项"
            for root in tree.roots()
            if root in work
        )
        text = f"全年共{total}项任务，已完成{done}项" + (f"。其中，{parts}。" if parts else "。")
        items.append(("年度政务公开工作实施方案落实情况", text))
    if options.proposals:
        text = options.proposals_text.strip() or (
            f"全年办理人大代表建议和政协提案{_number(proposals or Decimal(0))}件，"
            "办理结果按规定主动公开。"
        )
        items.append(("人大代表建议和政协提案办理结果公开情况", _sentence(text)))
    if options.other_text.strip():
        items.append(("", options.other_text.strip()))
    return "\n".join(
        f"（{NUMERALS[i]}）{title}。{text}" if title else f"（{NUMERALS[i]}）{text}"
        for i, (title, text) in enumerate(items)
    )
