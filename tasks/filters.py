from decimal import Decimal

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from org.filters import department_filter, offer_departments
from org.forms import FilterForm, UnitChoiceIterator, UnitChoices, WrittenSelect
from org.models import Unit
from plans.models import Plan

from . import queries
from .models import Assignment, Task

DUE_CHOICES = [
    (queries.DueWindow.OVERDUE, _("overdue")),
    (queries.DueWindow.DUE_SOON, _("due in 7 days")),
]


class UnitFilterChoiceIterator(UnitChoiceIterator, ModelChoiceIterator):
    """The units as rows (org.forms), for django-filter's field, whose iterator is its own."""


class UnitChoiceField(ModelChoiceField):
    iterator = UnitFilterChoiceIterator
    units: UnitChoices | None = None


class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class PlanChoices:
    """The plans a list offers, read as rows once: the plan filter's choices, and the plans of
    the year the year filter picks (labelled as Plan.__str__ labels them)."""

    def __init__(self, queryset: QuerySet[Plan]):
        self.queryset = queryset  # what a choice is checked against

    @cached_property
    def read(self) -> list[tuple[int, str, int]]:
        return list(self.queryset.values_list("pk", "title", "year"))

    @property
    def rows(self) -> list[tuple[int, str]]:
        return [(pk, title) for pk, title, _year in self.read]

    def of_year(self, year: Decimal) -> list[int]:
        return [pk for pk, _title, plan_year in self.read if plan_year == year]


class PlanChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.field.plans.rows


class PlanChoiceField(ModelChoiceField):
    iterator = PlanChoiceIterator
    plans: PlanChoices


class PlanChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PlanChoiceField


def _today():
    return timezone.localdate()


class TaskFilter(django_filters.FilterSet):
    # A superior's: one department's tasks at a time (its own by default, tasks.views.lists).
    department = department_filter("plan__department", empty_label=None)
    plan = PlanChoiceFilter(
        queryset=Plan.objects.none(), label=_("plan"), empty_label=_("All"), widget=WrittenSelect
    )
    unit = UnitChoiceFilter(
        queryset=Unit.objects.none(),
        field_name="assignments__unit",
        distinct=True,
        label=_("unit"),
        empty_label=_("All"),
        widget=WrittenSelect,
    )
    state = django_filters.ChoiceFilter(
        choices=Task.State.choices, method="filter_state", label=_("status"), widget=WrittenSelect
    )
    due = django_filters.ChoiceFilter(
        choices=DUE_CHOICES, method="filter_due", label=_("due"), widget=WrittenSelect
    )
    year = django_filters.NumberFilter(method="filter_year", label=_("year"))
    q = django_filters.CharFilter(field_name="text", lookup_expr="icontains", label=_("text"))

    class Meta:
        model = Task
        fields = ["department", "plan", "unit", "state", "due", "year", "q"]
        form = FilterForm

    # units: org.forms.UnitChoices; departments: a superior's (org.queries.department_choices)
    def __init__(self, *args, plans, units, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        offer_departments(self, list(departments))
        self.plans = PlanChoices(plans)
        self.filters["plan"].queryset = plans
        self.filters["plan"].field.plans = self.plans
        self.filters["unit"].queryset = units.queryset
        self.filters["unit"].field.units = units  # the rows the actions bar offers too

    # With a unit chosen, status and due window are those of the unit's own part: "社管办's
    # overdue tasks" are those where 社管办 is late (the dashboard's unit figures link here).
    def filter_state(self, queryset, name, value):
        return queries.tasks_in_state(queryset, value, unit=self.form.cleaned_data.get("unit"))

    def filter_due(self, queryset, name, value):
        return queries.tasks_due(queryset, value, _today(), unit=self.form.cleaned_data.get("unit"))

    def filter_year(self, queryset, name, value):
        # The year's plans by id (a department has one), not a join on the year: PostgreSQL
        # then reads a page of a plan's tasks from its deadline index instead of sorting the
        # year's thousands for every page (bench/README.md).
        # Picked from the plan filter's choices, read once for both.
        return queryset.filter(plan__in=self.plans.of_year(value))


class AssignmentFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.none(),
        field_name="task__plan",
        label=_("plan"),
        empty_label=_("All"),
        widget=WrittenSelect,
    )
    status = django_filters.ChoiceFilter(
        choices=Assignment.Status.choices, label=_("status"), widget=WrittenSelect
    )
    due = django_filters.ChoiceFilter(
        choices=DUE_CHOICES, method="filter_due", label=_("due"), widget=WrittenSelect
    )
    year = django_filters.NumberFilter(field_name="task__plan__year", label=_("year"))

    class Meta:
        model = Assignment
        fields = ["plan", "status", "due", "year"]
        form = FilterForm

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["plan"].queryset = plans

    def filter_due(self, queryset, name, value):
        return queries.assignments_due(queryset, value, _today())
