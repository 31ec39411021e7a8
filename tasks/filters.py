import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Unit
from plans.models import Plan

from . import queries
from .models import Assignment, Task

DUE_CHOICES = [
    (queries.DueWindow.OVERDUE, _("overdue")),
    (queries.DueWindow.DUE_SOON, _("due in 7 days")),
]


def _today():
    return timezone.localdate()


class TaskFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.none(), label=_("plan"))
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.none(),
        field_name="assignments__unit",
        distinct=True,
        label=_("unit"),
    )
    state = django_filters.ChoiceFilter(
        choices=Task.State.choices, method="filter_state", label=_("status")
    )
    due = django_filters.ChoiceFilter(choices=DUE_CHOICES, method="filter_due", label=_("due"))
    q = django_filters.CharFilter(field_name="text", lookup_expr="icontains", label=_("text"))

    class Meta:
        model = Task
        fields = ["plan", "unit", "state", "due", "q"]

    def __init__(self, *args, plans, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["plan"].queryset = plans
        self.filters["unit"].queryset = units

    def filter_state(self, queryset, name, value):
        return queryset.in_state(value)

    def filter_due(self, queryset, name, value):
        return queries.tasks_due(queryset, value, _today())


class AssignmentFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.none(), field_name="task__plan", label=_("plan")
    )
    status = django_filters.ChoiceFilter(choices=Assignment.Status.choices, label=_("status"))
    due = django_filters.ChoiceFilter(choices=DUE_CHOICES, method="filter_due", label=_("due"))

    class Meta:
        model = Assignment
        fields = ["plan", "status", "due"]

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["plan"].queryset = plans

    def filter_due(self, queryset, name, value):
        return queries.assignments_due(queryset, value, _today())
