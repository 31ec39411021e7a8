"""The tree of departments: below/above, and a cycle refused."""

import pytest
from django.core.exceptions import ValidationError

from org.levels import above, below
from org.models import Department

pytestmark = pytest.mark.django_db


def test_below_and_above_follow_the_tree():
    city = Department.objects.create(name="某市人民政府办公室")
    district = Department.objects.create(name="某区人民政府办公室", parent=city)
    bureau = Department.objects.create(name="某区教育局", parent=district)
    health = Department.objects.create(name="某区卫健局", parent=district)
    other = Department.objects.create(name="另一区人民政府办公室", parent=city)

    assert sorted(below(district.pk)) == sorted([bureau.pk, health.pk])
    assert sorted(below(city.pk)) == sorted([district.pk, other.pk, bureau.pk, health.pk])
    assert below(bureau.pk) == []
    assert above(bureau.pk) == [district.pk, city.pk]
    assert above(city.pk) == []


def test_a_department_cannot_report_to_one_below_it():
    district = Department.objects.create(name="某区人民政府办公室")
    bureau = Department.objects.create(name="某区教育局", parent=district)
    district.parent = bureau
    with pytest.raises(ValidationError) as raised:
        district.full_clean()
    assert "parent" in raised.value.message_dict
    district.parent = district
    with pytest.raises(ValidationError):
        district.full_clean()
