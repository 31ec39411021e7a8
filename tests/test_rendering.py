"""Fragment keys (core.rendering): made of plain values, and different when they differ."""

import dataclasses
import datetime

import pytest
from django.utils import translation

from core.rendering import fragment_key
from tasks.models import Task


@dataclasses.dataclass
class Row:
    unit_id: int
    name: str
    statuses: dict[str, int]


def test_equal_values_make_one_key_and_a_changed_figure_another():
    row = Row(1, "社管办", {"completed": 2, "not_started": 1})
    same = Row(1, "社管办", {"not_started": 1, "completed": 2})
    changed = Row(1, "社管办", {"completed": 3, "not_started": 0})
    assert fragment_key("/reporting/dashboard/", [row]) == fragment_key(
        "/reporting/dashboard/", [same]
    )
    assert fragment_key("/reporting/dashboard/", [row]) != fragment_key(
        "/reporting/dashboard/", [changed]
    )


def test_the_key_follows_the_day_and_the_language():
    day = datetime.date(2026, 11, 2)
    with translation.override("zh-hans"):
        chinese = fragment_key(day)
        assert chinese != fragment_key(day + datetime.timedelta(days=1))
    with translation.override("en"):
        assert fragment_key(day) != chinese


@pytest.mark.django_db
def test_model_instances_are_refused(world):
    with pytest.raises(TypeError, match="plain values"):
        fragment_key(Task.objects.get(pk=world.own_task.pk))
