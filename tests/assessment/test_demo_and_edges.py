import datetime
import io

from django.core.management import call_command
from django.urls import reverse

from assessment.models import Scheme
from org.models import Department, User
from tests.factories import PlanFactory, make_task

from .conftest import at


def test_after_the_demo_loads_office_and_district_see_scores(client, db):
    # given: `make setup` for 2026, schemes loaded twice
    with at(datetime.date(2026, 12, 1)):
        call_command("load_demo", year=2026, stdout=io.StringIO())
        for _ in range(2):
            call_command("load_demo_schemes", year=2026, stdout=io.StringIO())
    # then: three schemes, not six
    assert Scheme.objects.filter(year=2026).count() == 3
    with at(datetime.date(2026, 12, 1)):
        client.force_login(User.objects.get(username="office"))
        units = client.get(reverse("assessment:unit_ranking"))
        client.force_login(User.objects.get(username="district"))
        departments = client.get(reverse("assessment:department_ranking"))
    assert units.status_code == 200
    assert units.context["ranking"].scheme is not None
    ranked = units.context["ranking"].ranked
    assert len(ranked) > 5
    # the demo's work is dated through the year, not the day it loaded: units score apart, and
    # one whose every task was handed in before its deadline has full on-time points
    totals = [score.total for score in ranked]
    assert max(totals) > 0
    assert len(set(totals)) > 1
    assert ranked[0].tally.on_time == ranked[0].tally.completed > 0
    assert departments.status_code == 200
    names = {s.name for s in departments.context["ranking"].scores}
    assert names == {"泉州市丰泽区教育局", "泉州市丰泽区卫生健康局"}


def test_a_year_without_a_working_day_calendar_says_so(client, world, office_staff):
    # given: a plan of 2000, whose holidays nobody entered, with work long overdue
    plan = PlanFactory(department=world.department, year=2000)
    make_task(plan, lead=[world.own_unit], due=datetime.date(2000, 6, 30), by=office_staff)
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("assessment:unit_ranking"), {"year": 2000})
    assert response.status_code == 409
    assert "working-day calendar of 2000 is not known" in response.content.decode()


def test_the_scheme_page_keeps_its_lines_removes_one_and_adds_one(client, office_staff, world):
    client.force_login(office_staff)
    url = reverse("assessment:unit_scheme") + "?year=2026"
    page = client.get(url)
    management = page.context["formset"].management_form
    assert (management["INITIAL_FORMS"].value(), management["TOTAL_FORMS"].value()) == (4, 5)
    # when: the returns line is removed and no line added; evidence takes its points
    data = {"form-INITIAL_FORMS": "4", "form-TOTAL_FORMS": "5"}
    lines = [("on_time", "70", ""), ("evidence", "30", ""), ("returns", "10", "2")]
    lines += [("overdue_days", "15", "0.5"), ("", "", "")]
    for i, (kind, points, each) in enumerate(lines):
        data |= {f"form-{i}-kind": kind, f"form-{i}-points": points, f"form-{i}-per_item": each}
    data["form-2-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    scheme = Scheme.objects.get(department=world.department)
    assert [i.kind for i in scheme.indicators.all()] == ["on_time", "evidence", "overdue_days"]


def test_the_superiors_scheme_is_its_own(client, world, district):
    # the district's office edits its scheme for the departments; the bureau's office cannot
    office, staff, _leader = district
    client.force_login(staff)
    assert client.get(reverse("assessment:department_scheme")).status_code == 200
    data = {"form-INITIAL_FORMS": "1", "form-TOTAL_FORMS": "1"}
    data |= {"form-0-kind": "report_final", "form-0-points": "100", "form-0-per_item": ""}
    assert client.post(reverse("assessment:department_scheme"), data).status_code == 302
    scheme = Scheme.objects.get()
    assert (scheme.department, scheme.scope) == (office, "departments")
    assert Department.objects.get(pk=world.department.pk).schemes.count() == 0
