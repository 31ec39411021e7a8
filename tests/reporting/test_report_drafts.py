"""The report draft's services: generation of the six parts, edits kept across regeneration,
cells entered by hand, versions, "mark as final", the deadline task and the generation job."""

import datetime
import time
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Heading
from reporting import queries, services
from reporting.jobs import file_report_deadline_tasks, generate_report_draft
from reporting.models import HeadingTopic, ReportDraft
from tasks.models import Metric, Task
from tasks.services import Report, record_progress, review_assignment
from tests.factories import PlanFactory, make_request, make_task

YEAR = 2025  # the world's plan is of 2026: this year's plan is the fixture's alone
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def plan_year(world, office_staff):
    """The year's plan: one heading 主动公开 with a task done on time, one 平台 heading with a task
    returned once and then accepted late, and one task still open. The work is reported
    on 1 June."""
    with time_machine.travel(datetime.datetime(YEAR, 6, 1, 9, tzinfo=TZ), tick=False):
        return _plan_year(world, office_staff)


def _plan_year(world, office_staff):
    plan = PlanFactory(department=world.department, year=YEAR)
    proactive = Heading.objects.create(plan=plan, label="一、", title="加强主动公开", position=1)
    platform = Heading.objects.create(
        plan=plan, label="二、", title="加强政务公开平台建设", position=2
    )
    done = make_task(plan, heading=proactive, lead=[world.own_unit], by=office_staff)
    late = make_task(
        plan,
        heading=platform,
        lead=[world.other_unit],
        due=datetime.date(YEAR, 1, 5),
        by=office_staff,
    )
    make_task(plan, heading=platform, lead=[world.other_unit], by=office_staff, text="开通专栏")
    interpretations = Metric.objects.get(code="policy_interpretations")
    _complete(
        done.assignments.get(),
        office_staff,
        Report(
            text="已完成",
            summary="全年发布政策解读材料，做到应解读尽解读",
            figures=[(interpretations, Decimal(13))],
        ),
    )
    late_assignment = late.assignments.get()
    record_progress(late_assignment, Report(text="初稿"), submit=True, by=office_staff)
    review_assignment(late_assignment, accept=False, comment="补充材料", by=office_staff)
    _complete(
        late_assignment, office_staff, Report(text="改好", summary="完成门户网站集约化改版。")
    )
    return plan


def _complete(assignment, by, report):
    record_progress(assignment, report, submit=True, by=by)
    review_assignment(assignment, accept=True, by=by)


def _draft(world, office_staff, year=YEAR) -> ReportDraft:
    return services.generate(
        services.create_draft(world.department, year, by=office_staff), by=None
    )


def _part(draft, number):
    return draft.sections.get(number=number)


def test_the_overview_is_assembled_from_the_plan_in_the_official_sub_topics(
    world, office_staff, plan_year
):
    # when
    draft = _draft(world, office_staff)
    text = _part(draft, 1).text
    # then: the 2021 sub-topics in order, each heading's summaries and figures under its topic
    topics = [
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）政府信息公开平台建设",
    ]
    positions = [text.index(t) for t in topics]
    assert positions == sorted(positions)
    proactive = text[positions[0] : positions[1]]
    assert "全年发布政策解读13条。全年发布政策解读材料，做到应解读尽解读。" in proactive
    platforms = text[positions[3] :]
    assert "完成门户网站集约化改版。" in platforms
    assert "全年未收到政府信息公开申请。" in text[positions[1] : positions[2]]
    assert "加强主动公开" not in text  # no plan-heading prefixes
    assert "项任务已完成" not in text  # no tracker-style count


def test_the_office_maps_a_heading_to_another_sub_topic_once(world, office_staff, plan_year):
    # given
    heading = Heading.objects.get(title="加强政务公开平台建设", position=2)
    services.map_heading(heading, HeadingTopic.Topic.MANAGEMENT)
    # when
    text = _part(_draft(world, office_staff), 1).text
    # then
    management = text[text.index("（三）政府信息管理") : text.index("（四）政府信息公开平台建设")]
    assert "完成门户网站集约化改版。" in management


def test_problems_are_drafted_from_what_was_late_returned_or_unfinished(
    world, office_staff, plan_year
):
    # given: the year is over (the open task's deadline has passed)
    with time_machine.travel(datetime.datetime(YEAR + 1, 1, 10, 9, tzinfo=TZ), tick=False):
        text = _part(_draft(world, office_staff), 5).text
    # then: the late task was first submitted on 1 June, after its deadline of 5 January
    assert "政府信息公开平台建设方面1项任务晚于规定时限报送、1项任务超过时限仍未报送" in text
    assert "1项任务的材料经退回补充后才通过审核" in text
    assert "2026年" in text.split("\n")[1]


def test_part_six_always_reports_the_processing_fees(world, office_staff):
    draft = _draft(world, office_staff)
    assert "2025年，无收取信息处理费情况。" in _part(draft, 6).text
    # given a fee charged on a request replied to in the year
    make_request(
        world.department,
        received_on=datetime.date(YEAR, 3, 2),
        replied_on=datetime.date(YEAR, 3, 10),
        outcome="disclosed",
        fee=Decimal("300.00"),
    )
    draft = services.generate(draft, by=None)
    assert "收取信息处理费1件，共计300元。" in _part(draft, 6).text


def test_part_six_adds_the_optional_items_the_office_switches_on(world, office_staff, plan_year):
    # given
    draft = services.create_draft(world.department, YEAR, by=office_staff)
    services.set_options(
        draft,
        {"plan_summary": True, "proposals": True, "other_text": "按省通知要求报告创新做法。"},
    )
    # when
    text = _part(services.generate(draft, by=None), 6).text
    # then
    assert "（二）年度政务公开工作实施方案落实情况。全年共3项任务，已完成2项" in text
    assert "加强主动公开完成1/1项；加强政务公开平台建设完成1/2项" in text
    assert "（三）人大代表建议和政协提案办理结果公开情况。全年办理人大代表建议和政协提案0件" in text
    assert "（四）按省通知要求报告创新做法。" in text


def test_regenerating_keeps_an_edit_and_shows_what_changed_in_the_data_since(
    world, office_staff, plan_year
):
    # given: the office rewrote part 一; part 五 is untouched
    draft = _draft(world, office_staff)
    overview = _part(draft, 1)
    services.edit_section(overview, text="我局的总体情况（改写）。", by=office_staff)
    five_before = _part(draft, 5).text
    # when: a request arrives and the draft is generated again
    make_request(world.department, received_on=datetime.date(YEAR, 11, 2))
    draft = services.generate(draft, by=None)
    # then: the edit stands, the change in the data is shown beside it
    overview = _part(draft, 1)
    assert overview.text == "我局的总体情况（改写）。"
    assert overview.data_changed
    changes = queries.data_changes(overview)
    assert any(line.startswith("-") and "未收到政府信息公开申请" in line for line in changes)
    assert any(line.startswith("+") and "申请1件" in line for line in changes)
    assert _part(draft, 5).text == five_before  # not edited: refreshed (same data, same text)
    assert "3:new|natural_person" in draft.changed_cells
    # when the office keeps its text after reading the change
    services.keep_edit(overview, by=office_staff)
    assert not _part(draft, 1).data_changed
    # and when it goes back to the generated text
    services.discard_edit(_part(draft, 1), by=office_staff)
    assert "申请1件" in _part(draft, 1).text


def test_every_generation_and_edit_keeps_a_version_of_the_whole_report(world, office_staff):
    draft = _draft(world, office_staff)
    services.edit_section(_part(draft, 5), text="一是……", by=office_staff)
    services.set_cell(
        draft, table=3, row="new", column="business", value=Decimal(1), by=office_staff
    )
    versions = list(draft.versions.all())
    assert [v.number for v in versions] == [3, 2, 1]
    assert versions[1].document["sections"][4]["text"] == "一是……"
    assert versions[0].document["tables"][1]["manual_cells"] == [["new", "business"]]
    assert versions[2].document["format"] == "2021"


def test_a_failed_error_check_blocks_mark_as_final_until_fixed(world, office_staff):
    # given: a cell entered by hand breaks 一 + 二 = 三（七）总计 + 四
    draft = _draft(world, office_staff)
    services.set_cell(
        draft, table=3, row="new", column="business", value=Decimal(2), by=office_staff
    )
    draft.refresh_from_db()
    failing = {f.rule for f in queries.findings(draft) if not f.ok}
    assert "T3-1" in failing
    # when / then: refused, nothing corrected
    with pytest.raises(ValidationError, match="T3-1"):
        services.mark_final(draft, by=office_staff)
    assert queries.tables_of(draft)[3].values[("new", "business")] == 2
    # when the carried-forward cell is entered too, it balances and can be final
    services.set_cell(
        draft, table=3, row="carry_forward", column="business", value=Decimal(2), by=office_staff
    )
    # and part 一's sub-topics without work get their text in place of （待补充） (G-3)
    services.edit_section(_part(draft, 1), text="2025年，本机关做好政务公开工作。", by=office_staff)
    draft = services.mark_final(draft, by=office_staff)
    assert draft.status == ReportDraft.Status.FINAL
    # a final report is not changed until reopened
    with pytest.raises(ValidationError):
        services.edit_section(_part(draft, 1), text="改", by=office_staff)
    services.reopen(draft, by=office_staff)
    services.edit_section(_part(draft, 1), text="改", by=office_staff)


def test_a_cell_entered_by_hand_is_marked_and_can_be_cleared(world, office_staff):
    draft = _draft(world, office_staff)
    services.set_cell(
        draft, table=4, row="cases", column="review.upheld", value=Decimal(1), by=office_staff
    )
    four = queries.tables_of(draft)[4]
    assert four.sources[("cases", "review.upheld")] == "manual"
    assert four.values[("cases", "review.total")] == 1  # totals follow the cells they add up
    services.set_cell(
        draft, table=4, row="cases", column="review.upheld", value=None, by=office_staff
    )
    assert queries.tables_of(draft)[4].values[("cases", "review.upheld")] == 0
    with pytest.raises(ValidationError):
        services.set_cell(
            draft, table=4, row="cases", column="nope", value=Decimal(1), by=office_staff
        )


def test_part_five_like_last_years_is_warned_about(world, office_staff):
    # given: last year's report, and this year's part 五 written the same
    last = _draft(world, office_staff, year=YEAR - 1)
    text = "一是公开内容不够全面。二是政策解读形式单一。下一步，我局将加强培训。"
    services.edit_section(_part(last, 5), text=text, by=office_staff)
    draft = _draft(world, office_staff)
    # when
    services.edit_section(_part(draft, 5), text=text, by=office_staff)
    draft.refresh_from_db()
    # then
    repeated = next(f for f in queries.findings(draft) if f.rule == "G-2")
    assert not repeated.ok
    assert not repeated.blocks_final


def test_last_years_carried_forward_is_compared_with_this_years_carried_over(world, office_staff):
    # given: last year's report said 1 was carried forward; the register now says none
    last = _draft(world, office_staff, year=YEAR - 1)
    services.set_cell(
        last,
        table=3,
        row="carry_forward",
        column="natural_person",
        value=Decimal(1),
        by=office_staff,
    )
    # when
    draft = _draft(world, office_staff)
    # then
    carried = next(f for f in queries.findings(draft) if f.rule == "T3-5")
    assert not carried.ok
    assert ("carried_over", "natural_person") in carried.cells


@time_machine.travel(datetime.datetime(YEAR, 12, 1, 9, tzinfo=TZ), tick=False)
def test_the_report_deadline_is_a_task_of_the_office_in_next_years_plan(world, office_staff):
    # given: the plan of the year the report is due in
    next_plan = PlanFactory(department=world.department, year=YEAR + 1)
    # when
    draft = services.create_draft(world.department, YEAR, by=office_staff)
    # then
    task = draft.task
    assert task.plan == next_plan
    assert task.due_date == datetime.date(YEAR + 1, 1, 31)
    assert list(task.assignments.values_list("unit", flat=True)) == [world.office_unit.pk]
    assert "2025年政府信息公开工作年度报告" in task.title


@time_machine.travel(datetime.datetime(2023, 12, 1, 9, tzinfo=TZ), tick=False)
def test_without_next_years_plan_the_deadline_task_waits_for_a_generation(world, office_staff):
    draft = services.create_draft(world.department, 2023, by=office_staff)
    assert draft.task is None
    PlanFactory(department=world.department, year=2024)
    draft = services.generate(draft, by=None)
    assert draft.task.due_date == datetime.date(2024, 1, 31)


@time_machine.travel(datetime.datetime(2023, 12, 1, 9, tzinfo=TZ), tick=False)
def test_the_morning_job_files_the_deadline_task_once_next_years_plan_exists(world, office_staff):
    # given: an open draft made before next year's plan, and a final one
    waiting = services.create_draft(world.department, 2023, by=office_staff)
    final = services.create_draft(world.department, 2022, by=office_staff)
    ReportDraft.objects.filter(pk=final.pk).update(status=ReportDraft.Status.FINAL)
    assert file_report_deadline_tasks() == 0
    PlanFactory(department=world.department, year=2023)
    PlanFactory(department=world.department, year=2024)
    # when: the job runs twice
    filed = file_report_deadline_tasks(), file_report_deadline_tasks()
    # then: one task, for the open draft only
    assert filed == (1, 0)
    waiting.refresh_from_db()
    final.refresh_from_db()
    assert waiting.task.due_date == datetime.date(2024, 1, 31)
    assert final.task is None


def test_no_deadline_task_is_made_once_the_deadline_has_passed(world, office_staff):
    # given: next year's plan, and a report of the year begun after 31 January
    PlanFactory(department=world.department, year=YEAR + 1)
    with time_machine.travel(datetime.datetime(YEAR + 1, 2, 10, 9, tzinfo=TZ), tick=False):
        # when
        draft = services.create_draft(world.department, YEAR, by=office_staff)
        filed = file_report_deadline_tasks()
    # then: no task born overdue
    assert draft.task is None
    assert filed == 0
    assert not Task.objects.filter(title__contains="年度报告").exists()


def test_one_report_per_department_and_year(world, office_staff):
    services.create_draft(world.department, YEAR, by=office_staff)
    with pytest.raises(ValidationError):
        services.create_draft(world.department, YEAR, by=office_staff)


def test_the_generation_job_generates_and_records_its_progress(world, office_staff):
    # given
    draft = services.create_draft(world.department, YEAR, by=office_staff)
    # when: the job, called directly
    generate_report_draft(draft.pk, office_staff.pk)
    # then
    draft.refresh_from_db()
    assert draft.generation == ReportDraft.Generation.DONE
    assert draft.progress == 100
    assert draft.versions.get().created_by == office_staff


def test_queueing_a_generation_enqueues_the_job_on_commit(
    world, office_staff, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    monkeypatch.setattr(generate_report_draft, "delay", lambda *a: calls.append(a))
    draft = services.create_draft(world.department, YEAR, by=office_staff)
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.request_generation(draft, by=office_staff)
    assert draft.generation == ReportDraft.Generation.QUEUED
    assert calls == [(draft.pk, office_staff.pk)]


def _generation_queries(department) -> int:
    draft = ReportDraft.objects.get(department=department, year=YEAR)
    with CaptureQueriesContext(connection) as queries:
        services.generate(draft, by=None)
    return len(queries)


def test_generation_costs_the_same_queries_whatever_the_size_of_the_year(
    world, office_staff, plan_year
):
    # given
    services.create_draft(world.department, YEAR, by=office_staff)
    first = _generation_queries(world.department)
    # when: the year grows (requests, cases, tasks and updates)
    for day in range(1, 8):
        make_request(
            world.department,
            received_on=datetime.date(YEAR, 5, day),
            replied_on=datetime.date(YEAR, 5, 20),
            outcome="disclosed",
            applicant_type="research",
        )
    for _ in range(3):
        task = make_task(plan_year, lead=[world.own_unit], by=office_staff)
        _complete(task.assignments.get(), office_staff, Report(text="x", summary="又完成一项。"))
    # then
    assert _generation_queries(world.department) == first


def test_a_headings_sub_topic_carries_over_to_next_years_heading_of_the_same_title(
    world, office_staff
):
    # given: last year's heading mapped to 监督保障
    last_plan = PlanFactory(department=world.department, year=YEAR - 1)
    last = Heading.objects.create(plan=last_plan, label="三、", title="抓好落实")
    services.map_heading(last, HeadingTopic.Topic.OVERSIGHT)
    # when: this year's plan has a heading of the same title with completed work
    plan = PlanFactory(department=world.department, year=YEAR)
    heading = Heading.objects.create(plan=plan, label="三、", title="抓好落实")
    task = make_task(plan, heading=heading, lead=[world.own_unit], by=office_staff)
    _complete(task.assignments.get(), office_staff, Report(text="x", summary="开展专项督查。"))
    text = _part(_draft(world, office_staff), 1).text
    # then
    assert "开展专项督查。" in text[text.index("（五）监督保障") :]


def test_a_real_worker_generates_the_draft_the_office_asked_for(
    world, office_staff, celery_worker_process
):
    # given
    make_request(world.department, received_on=datetime.date(YEAR, 5, 6))
    draft = services.create_draft(world.department, YEAR, by=office_staff)
    # when: queued as the page does, through the broker to the worker process
    services.request_generation(draft, by=office_staff)
    # then
    deadline = time.monotonic() + 60
    while draft.generation != ReportDraft.Generation.DONE:
        assert celery_worker_process.poll() is None, celery_worker_process.stdout.read()
        assert draft.generation != ReportDraft.Generation.FAILED, draft.generation_error
        assert time.monotonic() < deadline, "the worker did not generate within 60 s"
        time.sleep(0.2)
        draft.refresh_from_db()
    assert draft.progress == 100
    assert queries.tables_of(draft)[3].values[("carry_forward", "total")] == 1
