"""The report's prose parts (一, 五, 六), assembled from aggregates. Pure: no ORM.

The text is the report's own language (the official Chinese of the format), whatever the
interface language: it is what the department publishes. It is a draft for the office to
rewrite, so it states facts from the data and leaves judgement to people.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .aggregates import Fees, HeadingWork, KeyFigure, PlanYear, Summary
from .models import HeadingTopic

Topic = HeadingTopic.Topic
NUMERALS = "一二三四五六七八九十"
# Summaries quoted per heading in 一 (the format wants about 1,000 characters in all); the
# office adds what matters more by editing.
MAX_SENTENCES = 6

# A heading's sub-topic proposed from the words of its title, first match wins; the office
# changes it once on the draft page (HeadingTopic).
KEYWORDS = (
    (Topic.ON_REQUEST, ("依申请",)),
    (Topic.PLATFORMS, ("平台", "网站", "新媒体", "专栏", "政务公开专区")),
    (Topic.OVERSIGHT, ("监督", "保障", "考核", "培训", "组织领导", "责任", "评议", "队伍")),
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
        """The office's choice for the heading or its nearest ancestor; else the first title
        (from the heading up) whose words propose one; else 主动公开."""
        chain = self.chain(heading_id)
        for h in chain:
            if h in self.plan.topics:
                return self.plan.topics[h]
        for h in chain:
            proposed = default_topic(self.title[h])
            if proposed:
                return proposed
        return Topic.PROACTIVE

    def roots(self) -> list[int]:
        return [h.pk for h in self.plan.headings if h.parent_id is None]

    def work_by_root(self) -> dict[int | None, HeadingWork]:
        """Each top heading's counts with its sub-headings' (a loop over headings, not tasks)."""
        totals: dict[int | None, HeadingWork] = {}
        for heading_id, work in self.plan.work.items():
            total = totals.setdefault(self.root(heading_id), HeadingWork())
            for name in HeadingWork.__dataclass_fields__:
                setattr(total, name, getattr(total, name) + getattr(work, name))
        return totals


def preamble(year: int, notice: str) -> str:
    """The unnumbered lead before 一 that real reports carry (spec §2.6)."""
    return (
        f"本报告根据《中华人民共和国政府信息公开条例》和{notice}要求编制。"
        f"本报告所列数据统计期限为{year}年1月1日至12月31日。"
    )


def _sentence(text: str) -> str:
    text = text.strip().rstrip("；;，,")
    return text if text.endswith(("。", "！", "？", "”")) else text + "。"


def _number(value: Decimal) -> str:
    value = value.normalize()
    return format(value, "f")


def _figures(figures: Sequence[KeyFigure]) -> str:
    if not figures:
        return ""
    parts = "、".join(f"{f.name}{_number(f.value)}{f.unit}" for f in figures)
    return f"全年{parts}。"


@dataclass(frozen=True)
class Requests:
    """Table 三's totals the overview quotes."""

    new: Decimal
    carried_over: Decimal
    handled: Decimal
    carried_forward: Decimal


def _requests_sentence(year: int, r: Requests) -> str:
    return (
        f"{year}年，本机关新收政府信息公开申请{_number(r.new)}件，"
        f"上年结转{_number(r.carried_over)}件，办结{_number(r.handled)}件，"
        f"结转下年度继续办理{_number(r.carried_forward)}件。"
    )


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
    """一、总体情况: a lead sentence, then each official sub-topic with, per top plan heading
    mapped to it, the completed tasks' summaries and their key figures."""
    paragraphs: dict[tuple[str, int | None], list[str]] = {}
    for s in summaries:
        key = (tree.topic(s.heading_id), tree.root(s.heading_id))
        sentences = paragraphs.setdefault(key, [])
        sentence = _sentence(s.text)
        if sentence not in sentences and len(sentences) < MAX_SENTENCES:
            sentences.append(sentence)
    by_key: dict[tuple[str, int | None], list[KeyFigure]] = {}
    for f in figures:
        by_key.setdefault((tree.topic(f.heading_id), tree.root(f.heading_id)), []).append(f)
    work = tree.work_by_root()
    total = sum(w.total for w in work.values())
    done = sum(w.completed for w in work.values())
    lines = [
        f"{year}年，{department}认真贯彻落实《中华人民共和国政府信息公开条例》，"
        f"按照年度政务公开工作实施方案推进各项工作，全年{total}项任务已完成{done}项。"
    ]
    order = [None, *tree.roots()]
    for topic, title in topics:
        lines.append(title)
        body = []
        for root in order:
            key = (topic, root)
            text = "".join(paragraphs.get(key, [])) + _figures(by_key.get(key, []))
            if text:
                body.append(f"{tree.title[root]}：{text}" if root is not None else text)
        if topic == Topic.ON_REQUEST:
            body.insert(0, _requests_sentence(year, requests))
        lines.extend(body or ["（待补充）"])
    return "\n".join(lines)


def problems(*, year: int, tree: Tree, self_name: str = "我局") -> str:
    """五、存在的主要问题及改进情况: drafted from what was late, returned or unfinished, for the
    office to rewrite (the format forbids the same text year after year)."""
    work = tree.work_by_root()

    def named(attribute: str) -> str:
        names = [
            f"“{tree.title[root]}”"
            for root in tree.roots()
            if root in work and getattr(work[root], attribute)
        ]
        return "、".join(names[:3])

    late = sum(w.late for w in work.values())
    returned = sum(w.returned for w in work.values())
    unfinished = sum(w.unfinished for w in work.values())
    issues, remedies = [], []
    if late or unfinished:
        where = named("unfinished") or named("late")
        issues.append(
            f"部分工作推进不够及时，全年{late}项任务逾期完成，{unfinished}项任务尚未完成"
            + (f"，主要集中在{where}等方面。" if where else "。")
        )
        remedies.append(
            f"加强任务跟踪督办，对临近期限的工作提前提醒，将未完成事项纳入{year + 1}年度"
            "工作计划，明确责任单位和完成时限。"
        )
    if returned:
        where = named("returned")
        issues.append(
            f"报送材料质量有待提高，{returned}项任务的报送材料经退回修改后才通过审核"
            + (f"，涉及{where}等方面。" if where else "。")
        )
        remedies.append("加强报送材料审核把关，开展政务公开业务培训，提高信息报送质量。")
    if not issues:
        issues.append("全年工作任务均按期完成，但政务公开工作的深度和广度仍有提升空间。")
        remedies.append("进一步拓展公开内容，提升政策解读和回应关切的针对性和实效性。")
    lines = [f"{NUMERALS[i]}是{text}" for i, text in enumerate(issues)]
    lines.append(f"{year + 1}年，{self_name}将：" + "".join(remedies))
    return "\n".join(lines)


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
