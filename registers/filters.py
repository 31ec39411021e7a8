from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.forms import FilterForm

from . import queries
from .models import DisclosureRequest, ReviewCase

YEARS: dict[str, Any] = {"min_value": 2008, "max_value": 2100}  # the 条例 took effect in 2008


class YearFilter(django_filters.NumberFilter):
    """A whole year. NumberFilter's decimal field with a step of 1 failed on ``?year=1e309``
    with a server error (its step check cannot take an infinite remainder)."""

    field_class = forms.IntegerField  # type: ignore[assignment]  # the stubs allow decimals only


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=queries.Status.choices, method="filter_status", label=_("status")
    )
    year = YearFilter(
        method="filter_year",
        label=_("year"),
        help_text=_("received that year or carried over into it"),
        **YEARS,
    )
    outcome = django_filters.ChoiceFilter(
        choices=DisclosureRequest.Outcome.choices, label=_("outcome")
    )
    applicant_type = django_filters.ChoiceFilter(
        choices=DisclosureRequest.ApplicantType.choices, label=_("applicant type")
    )
    q = django_filters.CharFilter(method="filter_text", label=_("text"))

    class Meta:
        model = DisclosureRequest
        fields = ["status", "year", "outcome", "applicant_type", "q"]
        form = FilterForm

    def filter_status(self, queryset, name, value):
        return queries.in_status(queryset, value, timezone.localdate())

    def filter_year(self, queryset, name, value):
        return queries.handled_in(queryset, int(value))

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(content__icontains=value) | Q(applicant_name__icontains=value))


PENDING = "pending"


class ReviewCaseFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ReviewCase.Kind.choices, label=_("kind"))
    result = django_filters.ChoiceFilter(
        choices=[(PENDING, "尚未审结"), *ReviewCase.Result.choices],
        method="filter_result",
        label=_("result"),
    )
    year = YearFilter(
        method="filter_year",
        label=_("year"),
        help_text=_("filed by then, not decided before"),
        **YEARS,
    )

    class Meta:
        model = ReviewCase
        fields = ["kind", "result", "year"]

    def filter_result(self, queryset, name, value):
        return queryset.filter(result="" if value == PENDING else value)

    def filter_year(self, queryset, name, value):
        return queries.cases_handled_in(queryset, int(value))
