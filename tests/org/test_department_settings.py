"""The department's report settings (issue 19, item 3): its office staff keep them on a page of
their own, no longer in the Django admin only, and the year-end report's opening paragraph and
self-name follow them."""

import pytest
from django.urls import reverse

from org.models import Department
from reporting import queries
from tests.factories import DepartmentFactory, UnitFactory, UserFactory

URL = reverse("org:department_settings")
SETTINGS = {
    "self_name": "我委",
    "contact_address": "某区行政服务中心3号楼",
    "contact_postcode": "362000",
    "contact_phone": "0595-22000000",
    "report_site": "区人民政府门户网站“政府信息公开”专栏",
}


def test_office_staff_keep_their_departments_report_settings(client, office_staff, world):
    # given
    client.force_login(office_staff)
    assert client.get(URL).status_code == 200
    # when
    response = client.post(URL, SETTINGS)
    # then
    assert response.status_code == 302
    department = Department.objects.get(pk=world.department.pk)
    assert {name: getattr(department, name) for name in SETTINGS} == SETTINGS
    assert department.own_name == "我委"


def test_the_reports_opening_paragraph_follows_the_settings(client, office_staff, world):
    client.force_login(office_staff)
    client.post(reverse("reporting:report_list"), {"year": 2025})
    client.post(URL, SETTINGS)
    draft = world.department.report_drafts.get(year=2025)
    draft.department.refresh_from_db()
    opening = queries.default_front_matter(draft)["opening"]
    for name in ("contact_address", "contact_postcode", "contact_phone", "report_site"):
        assert SETTINGS[name] in opening


def test_a_bad_value_is_said_and_nothing_is_saved(client, office_staff, world):
    client.force_login(office_staff)
    response = client.post(URL, {**SETTINGS, "self_name": "我" * 11})
    assert response.status_code == 200
    assert response.context["form"].errors["self_name"]
    assert Department.objects.get(pk=world.department.pk).contact_address == ""


@pytest.mark.parametrize("role", ["leader", "unit_head"])
def test_only_office_staff_change_the_settings(client, world, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.post(URL, SETTINGS).status_code == 403
    assert Department.objects.get(pk=world.department.pk).self_name == ""


def test_another_departments_office_changes_only_its_own(client, world):
    other = DepartmentFactory(name="某区卫生健康局")
    office = UnitFactory(department=other, name="办公室", is_office=True)
    client.force_login(UserFactory(department=other, unit=office, role="office"))
    client.post(URL, SETTINGS)
    assert Department.objects.get(pk=other.pk).self_name == "我委"
    assert Department.objects.get(pk=world.department.pk).self_name == ""
