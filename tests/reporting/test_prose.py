"""The report's prose as a published report reads: part 一 by the official sub-topics of the
top plan headings, 「一是…；二是…。」, each figure once, Chinese punctuation; part 五 from the
year's problems (late replies, cases corrected, tasks handed in late), unlike last year's."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from plans.models import Heading
from reporting import prose, services
from reporting.aggregates import HeadingWork, KeyFigure, PlanYear, RegisterProblems, Summary
from reporting.checks import REPEAT_RATIO, similarity
from reporting.formats import TOPICS
from reporting.models import HeadingTopic
from tasks.services import Report, record_progress, review_assignment
from tests.factories import PlanFactory, make_request, make_review_case, make_task

Topic = HeadingTopic.Topic
YEAR = 2025
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NO_REQUESTS = prose.Requests(Decimal(0), Decimal(0), Decimal(0), Decimal(0))

PROACTIVE, PLATFORMS = 1, 2  # top headings
INTERPRETATION = 11  # 「（一）加强政务新媒体平台解读」 under 加强主动公开: a platform word


def _plan(topics=None, work=None) -> PlanYear:
    headings = [
        Heading(pk=PROACTIVE, parent_id=None, title="加强主动公开"),
        Heading(pk=PLATFORMS, parent_id=None, title="加强政务公开平台建设"),
        Heading(pk=INTERPRETATION, parent_id=PROACTIVE, title="用好政务新媒体平台做好解读"),
    ]
    return PlanYear(headings, topics or {}, work or {})


def _overview(plan: PlanYear, summaries=(), figures=(), requests=NO_REQUESTS) -> str:
    return prose.overview(
        year=YEAR,
        department="某区教育局",
        topics=TOPICS["2021"],
        tree=prose.Tree(plan),
        summaries=list(summaries),
        figures=list(figures),
        requests=requests,
    )


def _under(text: str, title: str) -> str:
    """The paragraph under a sub-topic's title."""
    lines = text.split("\n")
    return lines[lines.index(title) + 1]


# --- 一 ----


def test_work_is_told_under_its_top_headings_sub_topic_not_its_own_headings_words():
    text = _overview(_plan(), [Summary(INTERPRETATION, "开通解读专栏")])
    assert "开通解读专栏" in _under(text, "（一）主动公开")
    assert "开通解读专栏" not in _under(text, "（四）政府信息公开平台建设")


def test_the_offices_mapping_of_the_top_heading_wins():
    plan = _plan(topics={PROACTIVE: Topic.OVERSIGHT})
    text = _overview(plan, [Summary(INTERPRETATION, "开通解读专栏")])
    assert "开通解读专栏" in _under(text, "（五）监督保障")
    assert "开通解读专栏" not in _under(text, "（一）主动公开")


def test_a_sub_topics_summaries_read_as_one_paragraph_of_yishi_ershi_without_heading_names():
    summaries = [
        Summary(PROACTIVE, "印发年度政务公开工作要点。"),
        Summary(INTERPRETATION, "发布图解12期；开展在线访谈"),
        Summary(PROACTIVE, "更新公开指南"),
    ]
    paragraph = _under(_overview(_plan(), summaries), "（一）主动公开")
    assert paragraph == (
        "一是印发年度政务公开工作要点；二是发布图解12期，开展在线访谈；三是更新公开指南。"
    )
    assert "加强主动公开" not in paragraph


def test_a_figure_a_summary_states_is_not_quoted_again_and_figures_are_summed_once():
    summaries = [Summary(PROACTIVE, "全年发布政策解读13条，做到应解读尽解读")]
    figures = [
        KeyFigure(PROACTIVE, "发布政策解读", "条", Decimal(13)),
        KeyFigure(PROACTIVE, "开展在线访谈", "次", Decimal(2)),
        KeyFigure(INTERPRETATION, "开展在线访谈", "次", Decimal(1)),
    ]
    paragraph = _under(_overview(_plan(), summaries, figures), "（一）主动公开")
    assert paragraph.count("13条") == 1
    assert paragraph == "全年开展在线访谈3次。全年发布政策解读13条，做到应解读尽解读。"


@pytest.mark.parametrize(
    ("summary", "sentence"),
    [
        ("开展“政务开放日”", "开展“政务开放日”。"),
        ("编制「公开指南」", "编制「公开指南」。"),
        ("更新公开目录。。", "更新公开目录。"),
        ("更新公开目录；", "更新公开目录。"),
        ("更新公开目录,规范发布流程.", "更新公开目录，规范发布流程。"),
    ],
)
def test_a_summary_ends_in_exactly_one_full_stop_also_after_a_closing_quote(summary, sentence):
    assert _under(_overview(_plan(), [Summary(PROACTIVE, summary)]), "（一）主动公开") == sentence


def test_the_enumeration_never_loses_its_full_stop_after_a_quote():
    summaries = [Summary(PROACTIVE, "印发《实施方案》"), Summary(PROACTIVE, "开展“公开日”")]
    paragraph = _under(_overview(_plan(), summaries), "（一）主动公开")
    assert paragraph == "一是印发《实施方案》；二是开展“公开日”。"


def test_the_lead_is_not_a_tracker_count_and_an_empty_sub_topic_says_so_plainly():
    work = {PLATFORMS: HeadingWork(total=2)}
    text = _overview(_plan(work=work), [Summary(PROACTIVE, "更新公开指南")])
    assert "项任务" not in text.split("\n")[0]
    assert _under(text, "（四）政府信息公开平台建设") == (
        "本年度该方面安排的2项工作任务尚在推进，暂无办结成果。"
    )
    assert _under(text, "（三）政府信息管理") == "本年度工作方案未在该方面单列任务。"
    assert "待补充" not in text


def test_a_part_with_nothing_from_the_plan_is_left_for_the_office_to_write():
    text = _overview(PlanYear())
    assert _under(text, "（一）主动公开") == "（待补充）"
    assert _under(text, "（二）依申请公开") == "全年未收到政府信息公开申请。"


# --- 五 ----


def _problems(year: int, last_year: str | None = None) -> str:
    work = {PLATFORMS: HeadingWork(total=3, late=1, overdue=1, returned=1)}
    return prose.problems(
        year=year,
        tree=prose.Tree(_plan(work=work)),
        found=RegisterProblems(late_replies=2, corrected_reviews=1),
        topics=[t for t, _title in TOPICS["2021"]],
        last_year=last_year,
    )


def test_part_five_names_each_problem_with_a_measure_for_next_year():
    issues, measures = _problems(YEAR).split("\n")
    assert "2件" in issues
    assert "行政复议1件" in issues
    assert "政府信息公开平台建设方面1项任务晚于规定时限报送、1项任务超过时限仍未报送" in issues
    assert "四是" in issues
    assert "四是" in measures
    assert str(YEAR + 1) in measures


def test_part_five_is_worded_differently_from_last_years_even_on_the_same_data():
    last = _problems(YEAR - 1)
    this = _problems(YEAR, last_year=last)
    assert similarity(this, last) < REPEAT_RATIO
    assert _problems(YEAR, last_year=last) == this  # deterministic


# --- Generated from the data ----


def _submit(assignment, by, day, summary=""):
    with time_machine.travel(datetime.datetime(YEAR, 1, day, 9, tzinfo=TZ), tick=False):
        record_progress(assignment, Report(text="已完成", summary=summary), submit=True, by=by)


def _accept(assignment, by, day):
    with time_machine.travel(datetime.datetime(YEAR, 1, day, 9, tzinfo=TZ), tick=False):
        review_assignment(assignment, accept=True, by=by)


@pytest.fixture
def problem_year(world, office_staff):
    """A year with one request answered late, one on time, a review decided 纠正, a task the
    unit handed in on time but the office accepted late, and one the unit handed in late."""
    dept = world.department
    make_request(
        dept,
        received_on=datetime.date(YEAR, 3, 3),
        replied_on=datetime.date(YEAR, 6, 2),
        outcome="disclosed",
    )
    make_request(
        dept,
        received_on=datetime.date(YEAR, 3, 3),
        replied_on=datetime.date(YEAR, 3, 10),
        outcome="disclosed",
    )
    make_review_case(
        dept,
        filed_on=datetime.date(YEAR, 7, 1),
        result="corrected",
        closed_on=datetime.date(YEAR, 9, 1),
    )
    with time_machine.travel(datetime.datetime(YEAR, 1, 2, 9, tzinfo=TZ), tick=False):
        plan = PlanFactory(department=dept, year=YEAR)
        proactive = Heading.objects.create(plan=plan, label="一、", title="加强主动公开")
        platforms = Heading.objects.create(plan=plan, label="二、", title="加强平台建设")
        due = datetime.date(YEAR, 1, 10)
        on_time = make_task(
            plan, heading=proactive, lead=[world.own_unit], due=due, by=office_staff
        )
        late = make_task(plan, heading=platforms, lead=[world.own_unit], due=due, by=office_staff)
    _submit(on_time.assignments.get(), office_staff, 8, "更新公开指南")
    _accept(on_time.assignments.get(), office_staff, 20)  # the office's slow review
    _submit(late.assignments.get(), office_staff, 15, "完成网站改版")
    _accept(late.assignments.get(), office_staff, 16)
    return plan


def _generate(world, office_staff, year=YEAR):
    with time_machine.travel(datetime.datetime(year + 1, 1, 10, 9, tzinfo=TZ), tick=False):
        draft = services.create_draft(world.department, year, by=office_staff)
        return services.generate(draft, by=None)


def test_part_five_is_drawn_from_late_replies_corrections_and_tasks_the_unit_handed_in_late(
    world, office_staff, problem_year
):
    text = _generate(world, office_staff).sections.get(number=5).text
    assert any(issue.format(n=1) in text for issue, _measure in prose.LATE_REPLIES)
    assert "行政复议1件" in text
    assert "政府信息公开平台建设方面1项任务晚于规定时限报送" in text
    assert "主动公开方面" not in text  # handed in on time; the office accepted late


def test_a_fresh_years_part_five_does_not_trip_the_same_as_last_year_check(
    world, office_staff, problem_year
):
    # given: last year's report, generated from its own (empty) year
    _generate(world, office_staff, year=YEAR - 1)
    # when
    draft = _generate(world, office_staff)
    # then
    repeated = next(f for f in draft.checks if f["rule"] == "G-2")
    assert repeated["ok"]


def test_the_text_tells_work_under_the_sub_topic_the_draft_page_shows(
    client, world, office_staff, problem_year
):
    # given: the office maps 加强平台建设 to 政府信息管理 on the page
    heading = Heading.objects.get(plan=problem_year, title="加强平台建设")
    client.force_login(office_staff)
    draft = _generate(world, office_staff)
    client.post(
        reverse("reporting:report_topics", args=[draft.pk]),
        {"heading": heading.pk, "topic": Topic.MANAGEMENT},
    )
    draft = services.generate(draft, by=None)
    # when
    page = client.get(draft.get_absolute_url())
    shown = {i["heading"].pk: i["form"].initial["topic"] for i in page.context["headings"]}
    # then: each top heading's summary is under the sub-topic its form shows
    text = draft.sections.get(number=1).text
    titles = dict(TOPICS["2021"])
    for title, summary in (("加强主动公开", "更新公开指南"), ("加强平台建设", "完成网站改版")):
        pk = Heading.objects.get(plan=problem_year, title=title).pk
        assert summary in _under(text, titles[shown[pk]])
    assert shown[heading.pk] == Topic.MANAGEMENT
