"""Who reads the departments below their own: whether a person's department has any below it, as
the login backend and an API token read them (``oversees``), and the department a superior's
pages read from (``oversight_department``)."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from api.services import create_token, user_of
from org.backends import ModelBackend
from org.models import Department, User
from org.permissions import VIEW, has_superior, overseen_departments, oversight_department
from tests.factories import UnitFactory, UserFactory

MANAGE = "manage"  # any action but reading


@dataclass
class District:
    department: Department
    office: User
    leader: User


@pytest.fixture
def district(world) -> District:
    """A district office over the world's bureau."""
    department = Department.objects.create(name="区人民政府办公室")
    Department.objects.filter(pk=world.department.pk).update(parent=department)
    unit = UnitFactory(department=department, name="秘书科", is_office=True)
    office = UserFactory(username="district", department=department, unit=unit, role="office")
    leader = UserFactory(username="districtleader", department=department, role="leader")
    return District(department, office, leader)


def test_the_backend_and_a_token_read_whether_a_persons_department_has_any_below(
    district, office_staff, django_assert_num_queries
):
    above = {district.office: None, office_staff: district.department.pk}
    for person, oversees in ((district.office, True), (office_staff, False)):
        # when: the person is read as a session's and as a token's
        by_session = ModelBackend().get_user(person.pk)
        _token, raw = create_token(
            person, name="同步", expires_on=timezone.localdate() + datetime.timedelta(days=30)
        )
        found = user_of(raw)
        assert by_session is not None
        assert found is not None
        by_token = found[0]
        # then: both say whether it oversees any, and the bureau's asks nothing of the tree
        assert (by_session.oversees, by_token.oversees) == (oversees, oversees)
        # and both name the department above it, if any: no query to ask
        assert by_session.superior == by_token.superior == above[person]
        with django_assert_num_queries(0):
            assert has_superior(by_session) is has_superior(by_token) is (oversees is False)
        if not oversees:
            with django_assert_num_queries(0):
                assert overseen_departments(by_session) == []
                assert overseen_departments(by_token) == []


def test_a_superiors_office_and_leaders_read_below_and_only_its_office_acts(
    district, office_staff, leader, unit_head
):
    assert oversight_department(district.office) == district.department
    assert oversight_department(district.office, MANAGE) == district.department
    assert oversight_department(district.leader, VIEW) == district.department
    with pytest.raises(PermissionDenied):
        oversight_department(district.leader, MANAGE)
    # the bureau has no department below it: its office and its leader are refused, as its
    # units' people are
    for person in (office_staff, leader, unit_head):
        with pytest.raises(PermissionDenied):
            oversight_department(person)


def test_a_person_not_read_by_a_login_backend_is_asked_once_for_the_department_above(
    district, office_staff, django_assert_num_queries
):
    for person, expected in (
        (User.objects.get(pk=office_staff.pk), True),
        (district.office, False),
    ):
        person = User.objects.get(pk=person.pk)
        with django_assert_num_queries(1):
            assert has_superior(person) is expected
            assert has_superior(person) is expected
