"""A made-up yearly disclosure work plan in the form bureaus issue (and ``plans.parsing`` reads):
a cover notice, the plan's title, top headings 「一、…」 and numbered items, each closed by
「(责任科室:X、Y)」. Deterministic for a seed; the sentences are assembled from the word lists
below, not taken from any real plan.

    text = plan_text(["办公室", "人事股", "计财股"], items=300, year=2026)
"""

from __future__ import annotations

import random
from collections.abc import Sequence

NUMERALS = "一二三四五六七八九十"
HEADINGS = [
    "健全政策文件发布与解读机制",
    "深化重点领域信息主动公开",
    "提升教育政务服务透明度",
    "及时回应群众关切",
    "加强公开平台和载体建设",
    "强化工作保障与监督考核",
    "规范依申请公开办理",
    "推进基层政务公开标准化",
]
ACTIONS = ["梳理", "更新", "发布", "公示", "汇总", "编制", "核对", "规范"]
SUBJECTS = [
    "年度部门预算和决算说明",
    "学校收费项目及收费标准",
    "教师公开招聘岗位与结果",
    "校外培训机构白名单",
    "义务教育招生入学细则",
    "学生资助资金发放情况",
    "校舍维修改造项目进展",
    "教育督导评估结论",
    "政府采购意向和合同",
    "校园食品安全检查结果",
    "民办学校年检情况",
    "教育行政权责事项清单",
    "教师职称评审推荐名单",
    "课后服务收费和开展情况",
    "重大行政决策事项目录",
    "政务服务事项办事指南",
]
CHANNELS = ["在局门户网站专栏", "通过政务新媒体账号", "在政务服务大厅公示栏", "在各校家校平台"]
PURPOSES = [
    "便于家长和学生查询",
    "主动接受社会各界监督",
    "确保信息准确完整",
    "做到应公开尽公开",
    "同步做好政策解释工作",
    "及时更正过时内容",
]
TOPICS = ["做好{s}公开", "加强{s}信息发布", "规范{s}公示", "完善{s}公开制度", "抓好{s}解读"]


def _deadline(rng: random.Random) -> str:
    """A phrase the parser reads as a date, a period, a recurrence or ongoing work."""
    kind = rng.random()
    if kind < 0.55:
        month = rng.randrange(1, 13)
        return f"{month}月{rng.randrange(1, 29)}日前完成"
    if kind < 0.65:
        return f"{rng.randrange(2, 13)}月底前完成"
    if kind < 0.72:
        return rng.choice(["上半年完成", "年底前完成", f"第{rng.choice(NUMERALS[:4])}季度完成"])
    if kind < 0.85:
        return rng.choice(["每季度更新一次", "每月更新一次", "每半年通报一次"])
    return rng.choice(["长期坚持", "持续推进"])


def _item(n: int, rng: random.Random, units: Sequence[str]) -> str:
    subject = rng.choice(SUBJECTS)
    topic = rng.choice(TOPICS).format(s=subject)
    body = f"{rng.choice(CHANNELS)}{rng.choice(ACTIONS)}{subject},{rng.choice(PURPOSES)}"
    if rng.random() < 0.05:  # a response time, which the importer keeps apart from the deadline
        body += f",收到意见后{rng.choice((5, 10, 15))}个工作日内答复"
    named = "、".join(rng.sample(list(units), rng.choice((1, 1, 2, 3))))
    return f"{n}.{topic}。{body},{_deadline(rng)}。(责任科室:{named})"


def plan_text(
    units: Sequence[str],
    *,
    items: int = 300,
    headings: int = 6,
    year: int = 2026,
    issuer: str = "基准导入区教育局",
    seed: int = 2026,
) -> str:
    """The plan's text: ``items`` items spread over ``headings`` top headings, numbered afresh
    under each (as bureaus do; the parser reads 「N.」 with one or two digits as a heading),
    each naming one to three of ``units``."""
    if not 1 <= headings <= len(HEADINGS):
        raise ValueError(f"headings must be 1–{len(HEADINGS)}")
    rng = random.Random(seed)
    title = f"{issuer}{year}年政务公开工作实施方案"
    lines = [
        f"基导教〔{year}〕{rng.randrange(1, 99)}号",
        f"关于印发《{title}》的通知",
        "局机关各股室,各直属学校:",
        f"现将《{title}》印发给你们,请认真组织实施。",
        f"{issuer}办公室",
        f"{year}年2月{rng.randrange(1, 29)}日",
        title,
        "为做好本年度政务公开工作,结合本局实际,制定本方案。",
    ]
    per_heading, extra = divmod(items, headings)
    for h in range(headings):
        lines.append(f"{NUMERALS[h]}、{HEADINGS[h]}")
        for n in range(1, per_heading + (h < extra) + 1):
            lines.append(_item(n, rng, units))
    return "\n".join(lines) + "\n"
