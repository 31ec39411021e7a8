from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from org.forms import DateInput
from org.models import Unit, UnitGroup
from plans.models import Heading, Plan

from . import services
from .models import Assignment, Task


class TaskForm(forms.ModelForm):
    lead_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(),
        required=False,
        label=_("lead units (牵头)"),
        widget=forms.CheckboxSelectMultiple,
    )
    support_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(),
        required=False,
        label=_("co-operating units (配合)"),
        widget=forms.CheckboxSelectMultiple,
    )
    groups = forms.ModelMultipleChoiceField(
        UnitGroup.objects.none(),
        required=False,
        label=_("named collectively"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Task
        fields = [
            "heading",
            "position",
            "title",
            "text",
            "deadline_kind",
            "due_date",
            "recurrence",
            "is_milestone",
        ]
        widgets = {"due_date": DateInput(), "text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["due_date"].required = False
        self.fields["heading"].queryset = Heading.objects.filter(plan=plan)
        units = Unit.objects.filter(department=plan.department_id)
        self.fields["lead_units"].queryset = units
        self.fields["support_units"].queryset = units
        self.fields["groups"].queryset = UnitGroup.objects.filter(department=plan.department_id)
        if self.instance.pk:
            by_role = {r: [] for r in Assignment.Role.values}
            for a in self.instance.assignments.all():
                by_role[a.role].append(a.unit_id)
            grouped = {u.pk for g in self.instance.groups.all() for u in g.members()}
            self.initial["lead_units"] = [u for u in by_role["lead"] if u not in grouped]
            self.initial["support_units"] = [u for u in by_role["support"] if u not in grouped]
            self.initial["groups"] = list(self.instance.groups.all())

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Describe the task."))
        return text

    def responsibility(self) -> services.Responsibility:
        data = self.cleaned_data
        return services.Responsibility(
            lead=list(data.get("lead_units") or []),
            support=list(data.get("support_units") or []),
            groups=list(data.get("groups") or []),
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["due_date"] = services.check_task(
                    self.instance.plan,
                    heading=data.get("heading"),
                    deadline_kind=data["deadline_kind"],
                    due_date=data.get("due_date"),
                    recurrence=data.get("recurrence", ""),
                    responsibility=self.responsibility(),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["status", "progress"]
        widgets = {"progress": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Assignment.Status(s).label) for s in allowed]
