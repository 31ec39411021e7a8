"""The 部门 filter of a superior's lists: its own department first, then those below it."""

from typing import cast

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .forms import FilterForm, WrittenSelect


def department_filter(field_name: str, **kwargs) -> django_filters.ChoiceFilter:
    """Its choices are the person's (org.queries.department_choices), set per request."""
    label = pgettext_lazy("levels", "department")  # 部门: the model's own label reads 机关
    return django_filters.ChoiceFilter(
        field_name=field_name, choices=[], label=label, widget=WrittenSelect, **kwargs
    )


def offer_departments(filterset: django_filters.FilterSet, departments: list[tuple[int, str]]):
    """The filter offers ``departments``; without any (nobody below), the list has none."""
    if departments:
        # On the form field: a filter's field, once built (the API schema builds the class's),
        # is copied with each FilterSet, and would keep the choices it was built with.
        field = cast(forms.ChoiceField, filterset.filters["department"].field)
        field.choices = departments
    else:
        del filterset.filters["department"]


class DepartmentFilter(django_filters.FilterSet):
    """A list of a department's own rows and those of the departments below (plans, reports)."""

    department = department_filter("department", empty_label=_("All"))

    class Meta:
        form = FilterForm

    def __init__(self, *args, departments: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        offer_departments(self, departments)
