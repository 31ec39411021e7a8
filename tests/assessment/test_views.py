import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from docx import Document
from openpyxl import load_workbook

from assessment.catalogue import Kind
from assessment.models import Scheme

from .conftest import at

AFTER = datetime.date(2026, 7, 10)


@pytest.fixture
def seen_on_10_july(year_of_work):
    with at(AFTER):
        yield year_of_work


def test_the_office_sees_its_units_ranked_with_each_indicators_points(
    client, office_staff, seen_on_10_july
):
    client.force_login(office_staff)
    response = client.get(reverse("assessment:unit_ranking"), {"year": 2026})
    assert response.status_code == 200
    scores = response.context["ranking"].scores
    assert next((s.name, s.rank, str(s.total)) for s in scores) == ("社管办", 1, "100.00")
    page = response.content.decode()
    assert "100.00" in page
    assert "-3.00" in page
    unit = seen_on_10_july.own_unit
    assert reverse("assessment:unit_breakdown", args=[unit.pk]) + "?year=2026" in page


def test_the_breakdown_links_to_the_items_behind_each_deduction(
    client, office_staff, seen_on_10_july
):
    world = seen_on_10_july
    client.force_login(office_staff)
    url = reverse("assessment:unit_breakdown", args=[world.other_unit.pk])
    response = client.get(url, {"year": 2026})
    assert response.status_code == 200
    lines = {i.kind: items for i, _points, items in response.context["breakdown"].lines}
    late = world.foreign_assignment.get_absolute_url()
    assert [i.url for i in lines[Kind.OVERDUE_DAYS]] == [late]
    assert "6" in lines[Kind.OVERDUE_DAYS][0].note
    assert [i.url for i in lines[Kind.RETURNS]] == [late]
    assert "缺少公开链接" in lines[Kind.RETURNS][0].note
    assert [i.url for i in lines[Kind.EVIDENCE]] == [late]
    assert f'href="{late}"' in response.content.decode()


def test_a_unit_head_sees_their_own_units_breakdown_and_nothing_else(
    client, unit_head, seen_on_10_july
):
    world = seen_on_10_july
    client.force_login(unit_head)
    own = client.get(reverse("assessment:unit_breakdown", args=[world.own_unit.pk]))
    assert own.status_code == 200
    other = client.get(reverse("assessment:unit_breakdown", args=[world.other_unit.pk]))
    assert other.status_code == 404
    assert client.get(reverse("assessment:unit_ranking")).status_code == 403
    assert client.get(reverse("assessment:unit_xlsx")).status_code == 403
    assert client.get(reverse("assessment:unit_scheme")).status_code == 403


def test_a_unit_head_sees_their_units_points_but_not_its_rank(
    client, unit_head, office_staff, seen_on_10_july
):
    # given: 社管办 first of the three units on 10 July
    url = reverse("assessment:unit_breakdown", args=[seen_on_10_july.own_unit.pk])
    with translation.override("zh-hans"):
        rank = gettext("rank %(rank)s of %(count)s") % {"rank": 1, "count": 3}
    # when: its head reads its breakdown
    client.force_login(unit_head)
    page = client.get(url, {"year": 2026}).content.decode()
    # then: its points, but not where it stands among the others
    assert "100.00" in page
    assert rank not in page
    # while the office, which reads the ranking, sees the rank there
    client.force_login(office_staff)
    assert rank in client.get(url, {"year": 2026}).content.decode()


def test_a_leader_reads_the_ranking_but_cannot_edit_the_scheme(client, leader, seen_on_10_july):
    client.force_login(leader)
    response = client.get(reverse("assessment:unit_ranking"))
    assert response.status_code == 200
    assert reverse("assessment:unit_scheme") not in response.content.decode()
    assert client.get(reverse("assessment:unit_scheme")).status_code == 403
    assert client.post(reverse("assessment:unit_scheme"), {}).status_code == 403


def test_the_superiors_office_ranks_the_departments_below_it(client, district, seen_on_10_july):
    world = seen_on_10_july
    _office, staff, leader = district
    for person in (staff, leader):
        client.force_login(person)
        response = client.get(reverse("assessment:department_ranking"), {"year": 2026})
        assert response.status_code == 200
        names = {s.name for s in response.context["ranking"].scores}
        assert names == {world.department.name, world.other_department.name}
        url = reverse("assessment:department_breakdown", args=[world.department.pk])
        breakdown = client.get(url, {"year": 2026})
        assert breakdown.status_code == 200
        late = world.foreign_assignment.get_absolute_url()
        assert f'href="{late}"' in breakdown.content.decode()


def test_nobody_sees_sideways_or_upwards(client, office_staff, district, seen_on_10_july):
    world = seen_on_10_july
    office, _staff, _leader = district
    client.force_login(office_staff)  # the bureau's office: no department below it
    for name in ("department_ranking", "department_xlsx", "department_docx", "department_scheme"):
        assert client.get(reverse(f"assessment:{name}")).status_code == 403
    for department in (world.department, world.other_department, office):
        url = reverse("assessment:department_breakdown", args=[department.pk])
        assert client.get(url).status_code == 404


def test_the_exports_read_back_as_the_ranking(client, office_staff, seen_on_10_july):
    client.force_login(office_staff)
    response = client.get(reverse("assessment:unit_xlsx"), {"year": 2026})
    assert response.status_code == 200
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    assert "2026" in sheet["A1"].value
    assert sheet["B4"].value == "社管办"
    assert sheet["A4"].value == 1
    assert sheet["C4"].value == 100
    assert sheet["C4"].number_format == "0.00"
    row_of = {sheet.cell(r, 2).value: r for r in range(4, 7)}
    assert sheet.cell(row_of["计财股"], 7).value == -3  # overdue days, a real number

    response = client.get(reverse("assessment:unit_docx"), {"year": 2026})
    assert response.status_code == 200
    document = Document(BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2026" in document.paragraphs[0].text
    assert "计财股" in text  # where it lost points
    table = document.tables[0]
    assert [c.text for c in table.rows[1].cells][:3] == ["1", "社管办", "100.00"]


def test_the_office_saves_a_scheme_from_the_page(client, office_staff, world):
    client.force_login(office_staff)
    url = reverse("assessment:unit_scheme") + "?year=2026"
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["formset"].initial) == 4  # the catalogue's default for units
    data = _formset([("on_time", "60", ""), ("evidence", "40", ""), ("overdue_days", "20", "1")])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["formset"].errors
    scheme = Scheme.objects.get(department=world.department, year=2026, scope="units")
    assert [(i.kind, i.points, i.per_item) for i in scheme.indicators.all()] == [
        ("on_time", 60, None),
        ("evidence", 40, None),
        ("overdue_days", 20, 1),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("on_time", "60", ""), ("evidence", "30", "")], "add up to 100; they add up to 90"),
        ([("on_time", "100", ""), ("returns", "10", "")], "how many points each item deducts"),
        ([("on_time", "100", ""), ("report_final", "0", "")], "scores departments only"),
        ([("on_time", "50", ""), ("on_time", "50", "")], "listed twice"),
        ([("on_time", "100", "2")], "takes no deduction per item"),
        ([("returns", "10", "2")], "at least one indicator that adds points"),
        ([("on_time", "-5", "")], "greater than or equal to 0"),
    ],
)
def test_a_bad_scheme_is_refused_with_a_clear_message_and_nothing_saved(
    client, office_staff, world, rows, message
):
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"  # the messages as written
    url = reverse("assessment:unit_scheme") + "?year=2026"
    with at(AFTER):
        response = client.post(url, _formset(rows))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Scheme.objects.exists()


def _formset(rows):
    """As the page posts it: its lines (the scheme's, or the default's) are initial forms."""
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for i, (kind, points, each) in enumerate(rows):
        data |= {f"form-{i}-kind": kind, f"form-{i}-points": points, f"form-{i}-per_item": each}
    return data


def test_a_departments_breakdown_links_its_report_and_its_findings(
    client, district, seen_on_10_july
):
    from reporting import services
    from reporting.models import ReportDraft

    world = seen_on_10_july
    _office, staff, _leader = district
    draft = services.create_draft(world.department, 2026, by=None)
    failing = [{"rule": "T3-1", "severity": "error", "ok": False, "message": "第三表收支不平衡"}]
    ReportDraft.objects.filter(pk=draft.pk).update(checks=failing)
    client.force_login(staff)
    url = reverse("assessment:department_breakdown", args=[world.department.pk])
    response = client.get(url, {"year": 2026})
    lines = {i.kind: (p, items) for i, p, items in response.context["breakdown"].lines}
    points, findings = lines[Kind.FINDINGS]
    assert points == -1
    assert [(i.text, i.url) for i in findings] == [
        ("T3-1 第三表收支不平衡", draft.get_absolute_url())
    ]
    assert lines[Kind.REPORT_FINAL][1][0].url == draft.get_absolute_url()
    # and the 通报 of the departments names where the bureau lost points
    notice = client.get(reverse("assessment:department_docx"), {"year": 2026})
    text = "\n".join(p.text for p in Document(BytesIO(notice.content)).paragraphs)
    assert f"{world.department.name}：" in text


def test_a_breakdown_with_nothing_due_says_why_it_is_not_ranked(client, district, world):
    from plans.models import Plan

    _office, staff, _leader = district
    Plan.objects.filter(pk=world.other_plan.pk).update(status=Plan.Status.DRAFT)
    client.force_login(staff)
    url = reverse("assessment:department_breakdown", args=[world.other_department.pk])
    with at(AFTER):
        page = client.get(url, {"year": 2026}).content.decode()
    assert "不参与排名：截至2026-07-10尚无到期事项" in page
    assert "未到期（时限2027-01-31）：到期前暂计满分。" in page


def test_the_rankings_heading_keeps_the_year_to_its_word(client, office_staff, seen_on_10_july):
    # a 390 px screen wrapped "2026 / 年度" (U+2060 forbids that break; the file name has none)
    client.force_login(office_staff)
    response = client.get(reverse("assessment:unit_ranking"), {"year": 2026})
    assert "2026\u2060年度" in response.content.decode()
    assert "\u2060" not in response.context["title"]
