"""Collective unit names, and people kept in their unit's auth group."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from org.models import Unit, UnitGroup, User
from org.services import save_person, standard_unit_groups
from tests.factories import DepartmentFactory, UnitFactory, UserFactory


@pytest.fixture
def bureau(db):
    """A bureau with two sections (one the office), two schools, and a second bureau's unit."""
    department = DepartmentFactory()
    groups = {g.name: g for g in standard_unit_groups(department)}
    units = {
        "office": UnitFactory(department=department, name="办公室", is_office=True),
        "finance": UnitFactory(department=department, name="计财股"),
        "school_a": UnitFactory(department=department, name="东湖小学", kind=Unit.Kind.SCHOOL),
        "school_b": UnitFactory(department=department, name="清源中学", kind=Unit.Kind.SCHOOL),
    }
    UnitFactory(name="别局计财股")  # another department's section, never a member
    return department, groups, units


def members(group: UnitGroup) -> set[str]:
    return set(group.members().values_list("name", flat=True))


@pytest.mark.parametrize("name", ["各科室", "各股室", "各股(室)"])
def test_sections_groups_resolve_to_the_departments_sections_only(bureau, name):
    _, groups, _ = bureau
    assert members(groups[name]) == {"办公室", "计财股"}
    assert not groups[name].needs_choice


def test_schools_group_resolves_to_the_departments_schools_only(bureau):
    _, groups, _ = bureau
    assert members(groups["各区属学校"]) == {"东湖小学", "清源中学"}


@pytest.mark.parametrize("name", ["各单位", "各单位(学校)"])
def test_all_units_group_resolves_to_every_unit_of_the_department(bureau, name):
    _, groups, _ = bureau
    assert members(groups[name]) == {"办公室", "计财股", "东湖小学", "清源中学"}


@pytest.mark.parametrize("name", ["各承办科室", "各承办股室"])
def test_chosen_group_names_no_unit_and_needs_the_offices_choice(bureau, name):
    _, groups, _ = bureau
    assert members(groups[name]) == set()
    assert groups[name].needs_choice


def test_standard_unit_groups_can_run_twice_without_duplicates(bureau):
    department, groups, _ = bureau
    again = standard_unit_groups(department)
    assert {g.pk for g in again} == {g.pk for g in groups.values()}


def test_a_unit_added_later_joins_its_collective_groups(bureau):
    # given
    department, groups, _ = bureau
    # when
    UnitFactory(department=department, name="督导室")
    UnitFactory(department=department, name="滨海幼儿园", kind=Unit.Kind.SCHOOL)
    # then
    assert "督导室" in members(groups["各科室"])
    assert "督导室" not in members(groups["各区属学校"])
    assert "滨海幼儿园" in members(groups["各区属学校"])
    assert {"督导室", "滨海幼儿园"} <= members(groups["各单位"])


def test_a_person_cannot_belong_to_a_unit_of_another_department(bureau):
    department, _, _ = bureau
    foreign_unit = UnitFactory(name="外局办公室")
    person = User(username="x", department=department, unit=foreign_unit, role=User.Role.OFFICE)

    with pytest.raises(ValidationError) as caught:
        save_person(person, password="p")

    assert list(caught.value.message_dict) == ["unit"]
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize("role", [User.Role.OFFICE, User.Role.UNIT_HEAD, User.Role.UNIT_STAFF])
def test_a_unit_role_without_a_unit_is_refused(bureau, role):
    department, _, _ = bureau
    person = User(username="x", department=department, role=role)

    with pytest.raises(ValidationError) as caught:
        person.clean()

    assert list(caught.value.message_dict) == ["unit"]


def test_a_leader_needs_no_unit(bureau):
    department, _, _ = bureau
    leader = UserFactory(department=department, role=User.Role.LEADER)
    assert leader.unit is None
    assert not leader.groups.exists()


def test_save_person_puts_a_person_in_exactly_their_units_group(bureau):
    department, _, units = bureau
    unrelated = Group.objects.create(name="newsletter")
    person = User(
        username="staff", department=department, unit=units["finance"], role=User.Role.UNIT_STAFF
    )
    person = save_person(person, password="p")
    person.groups.add(unrelated)

    assert set(person.groups.all()) == {units["finance"].group, unrelated}
    assert units["finance"].group.user_set.get() == person


def test_a_person_whose_unit_changes_moves_to_the_new_units_group(bureau):
    # given
    department, _, units = bureau
    person = UserFactory(department=department, unit=units["finance"], role=User.Role.UNIT_HEAD)
    unrelated = Group.objects.create(name="newsletter")
    person.groups.add(unrelated)
    # when
    person.unit = units["school_a"]
    save_person(person)
    # then
    assert set(person.groups.all()) == {units["school_a"].group, unrelated}
    assert not units["finance"].group.user_set.exists()


def test_a_person_who_becomes_a_leader_leaves_their_units_group(bureau):
    department, _, units = bureau
    person = UserFactory(department=department, unit=units["finance"], role=User.Role.UNIT_HEAD)

    person.role, person.unit = User.Role.LEADER, None
    save_person(person)

    assert not person.groups.exists()
