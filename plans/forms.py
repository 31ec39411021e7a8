from typing import cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from org.forms import ConstraintErrorsOnFieldMixin, DateInput, StaleEditMixin

from .models import Heading, Plan


class PlanForm(ConstraintErrorsOnFieldMixin, StaleEditMixin, forms.ModelForm):
    constraint_fields = {"duplicate_number": "number"}

    class Meta:
        model = Plan
        fields = ["department", "title", "year", "number", "issuer", "issued_on", "upstream"]
        widgets = {"issued_on": DateInput()}
        error_messages = {
            "title": {
                "max_length": _("The title is too long (at most %(limit_value)d characters).")
            },
        }

    def __init__(self, *args, department, check_version: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The plan_year_range constraint, as a field error next to the year.
        self.fields["year"].validators += [MinValueValidator(2000), MaxValueValidator(2100)]
        self.check_version = check_version
        # The department is the office's own: shown, never taken from the request.
        self.fields["department"].disabled = True
        self.fields["department"].initial = department
        department_field = cast(forms.ModelChoiceField, self.fields["department"])
        department_field.queryset = type(department).objects.filter(pk=department.pk)
        self.instance.department = department

    def _get_validation_exclusions(self):
        # Django skips a constraint naming a field the form lacks (version), so a duplicate
        # number reached the save as a server error. The importer numbers versions on confirm.
        exclude = super()._get_validation_exclusions()
        return exclude - {"version"} if self.check_version else exclude

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the plan a title."))
        return title


class HeadingForm(forms.ModelForm):
    class Meta:
        model = Heading
        fields = ["parent", "label", "title", "position"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["parent"].queryset = Heading.objects.filter(plan=plan)
