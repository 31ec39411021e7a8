import django_filters
from django.utils import timezone
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


def _today():
    return timezone.localdate()


class TaskFilter(django_filters.FilterSet):
    # A superior's: one department's tasks at a time (its own by default, tasks.views.lists).
    department = department_filter("plan__department", empty_label=None)
    plan = django_filters.ModelChoiceFilter(
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
        self.filters["plan"].queryset = plans
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
        plans = self.filters["plan"].queryset.filter(year=value)
        return queryset.filter(plan__in=list(plans.values_list("pk", flat=True)))


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
