"""The words of the breakdown and the exports match the points beside them: nothing listed as
lost that lost nothing, counts with their units, a row with nothing due not ranked and why,
the annual report not judged before its deadline, long task names shortened with "…"."""

import datetime
from io import BytesIO

from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from assessment.catalogue import Kind
from assessment.naming import shorten
from assessment.queries import department_breakdown, department_scores, unit_breakdown
from assessment.wording import breakdown_lines, shortfalls
from plans.models import Plan
from reporting import services
from reporting.models import ReportDraft
from tasks.services import Report, record_progress

from .conftest import AS_OF, at

REPORT_DAY = datetime.datetime(2027, 1, 20, 9, tzinfo=datetime.UTC)


def _lines(breakdown):
    return {
        i.kind: (points, verdict, items) for i, points, verdict, items in breakdown_lines(breakdown)
    }


def test_work_submitted_on_time_but_not_signed_off_costs_no_overdue_days(world, unit_head):
    # given: 社管办 hands its work in ten days early; the office has not reviewed it yet
    with at(datetime.date(2026, 6, 20)):
        record_progress(world.own_assignment, Report(text="已公开"), submit=True, by=unit_head)
    # when
    lines = _lines(unit_breakdown(world.own_unit, 2026, as_of=AS_OF))
    # then: no overdue day and nothing listed under them; the on-time rate lost its points
    # until the sign-off, and says so
    points, verdict, items = lines[Kind.OVERDUE_DAYS]
    assert (points, items) == (0, [])
    assert verdict == "此项未失分。"
    points, verdict, items = lines[Kind.ON_TIME]
    assert points == 0
    assert verdict.startswith("按时完成率：1项中0项")
    assert [i.note for i in items] == ["时限2026-06-30，2026-06-20提交，尚未审核通过"]


def test_a_line_that_lost_points_never_says_nothing_was_lost(year_of_work):
    lines = breakdown_lines(unit_breakdown(year_of_work.other_unit, 2026, as_of=AS_OF))
    for indicator, points, verdict, _items in lines:
        full = points == 0 if indicator.deducts else points == indicator.points
        assert (verdict == "此项未失分。") == full, (indicator.kind, points, verdict)


def test_a_share_of_nothing_says_so_rather_than_0_of_0(world):
    # given: 计财股's work due 30 June, still open on 10 July: nothing completed to count
    lines = _lines(unit_breakdown(world.other_unit, 2026, as_of=AS_OF))
    points, verdict, _items = lines[Kind.EVIDENCE]
    assert points == 0
    assert verdict == "佐证材料完整率：尚无计分事项，得0.00分（满分30.00分）"


def test_deductions_print_their_counts_with_units(client, office_staff, year_of_work):
    client.force_login(office_staff)
    with at(AS_OF):
        notice = client.get(reverse("assessment:unit_docx"), {"year": 2026})
        sheet = client.get(reverse("assessment:unit_xlsx"), {"year": 2026})
    text = "\n".join(p.text for p in Document(BytesIO(notice.content)).paragraphs)
    assert "逾期工作日：6个工作日，-3.00分" in text
    assert "退回整改：1次，-2.00分" in text
    rows = load_workbook(BytesIO(sheet.content)).active
    last = rows.max_column
    assert rows.cell(3, last).value == "失分情况"
    lost = {rows.cell(r, 2).value: rows.cell(r, last).value for r in range(4, rows.max_row + 1)}
    assert "6个工作日" in lost["计财股"]


def test_a_department_with_nothing_due_is_listed_but_not_ranked(world, district):
    office, _staff, _leader = district
    # given: the bureau's work due 30 June; bureau B's plan not issued; reports not yet due
    Plan.objects.filter(pk=world.other_plan.pk).update(status=Plan.Status.DRAFT)
    ids = [world.department.pk, world.other_department.pk]
    ranking = department_scores(office, ids, 2026, as_of=AS_OF)
    # then: bureau B is listed without a rank, and the 通报 says why rather than "0 of 0"
    ranks = {s.name: s.rank for s in ranking.scores}
    assert ranks == {world.department.name: 1, world.other_department.name: None}
    idle = next(s for s in ranking.scores if s.rank is None)
    assert shortfalls(ranking, idle) == ["不参与排名：截至2026-07-10尚无到期事项"]


def test_the_report_is_not_judged_before_its_deadline(world, district):
    office, _staff, _leader = district
    draft = services.create_draft(world.department, 2026, by=None)
    ids = [world.department.pk]
    # given: in the year, and on 31 January, the 2026 report is not yet due: full points
    for day in (AS_OF, datetime.date(2027, 1, 31)):
        breakdown = department_breakdown(office, ids, world.department, 2026, as_of=day)
        points, verdict, _items = _lines(breakdown)[Kind.REPORT_FINAL]
        assert points == 30
        assert verdict == "未到期（时限2027-01-31）：到期前暂计满分。"
    # when: the deadline has passed and the report is still a draft
    breakdown = department_breakdown(
        office, ids, world.department, 2026, as_of=datetime.date(2027, 2, 1)
    )
    points, verdict, _items = _lines(breakdown)[Kind.REPORT_FINAL]
    assert points == 0
    assert verdict == "年度报告按期定稿：2027-01-31前未定稿，得0.00分（满分30.00分）"
    # and once final in time it has its points
    ReportDraft.objects.filter(pk=draft.pk).update(
        status=ReportDraft.Status.FINAL, finalised_at=REPORT_DAY
    )
    breakdown = department_breakdown(
        office, ids, world.department, 2026, as_of=datetime.date(2027, 2, 1)
    )
    assert _lines(breakdown)[Kind.REPORT_FINAL][0] == 30


def test_long_task_names_are_cut_after_a_clause_and_marked():
    text = "认真贯彻落实《政府信息公开条例》，全面梳理本单位主动公开事项清单，及时更新公开目录"
    assert shorten(text) == "认真贯彻落实《政府信息公开条例》，全面梳理本单位主动公开事项清单…"
    assert shorten("x" * 50) == "x" * 40 + "…"
    assert shorten("短名称") == "短名称"
