"""The scheme page's formset: one form a line, checked as a whole by ``catalogue.check``."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .catalogue import Kind, Row, check


class IndicatorForm(forms.Form):
    kind = forms.ChoiceField(label=_("indicator"), choices=Kind.choices)
    points = forms.DecimalField(
        label=_("points"),
        min_value=0,
        max_digits=5,
        decimal_places=1,
        help_text=_("The most it adds, or the most it deducts."),
    )
    per_item = forms.DecimalField(
        label=_("deduction per item"), min_value=0, max_digits=4, decimal_places=2, required=False
    )


class BaseIndicatorFormSet(forms.BaseFormSet):
    def __init__(self, *args, scope: str, **kwargs):
        self.scope = scope
        super().__init__(*args, **kwargs)

    def rows(self) -> list[Row]:
        """The lines kept (not deleted, not left blank), in the page's order."""
        return [
            (f.cleaned_data["kind"], f.cleaned_data["points"], f.cleaned_data.get("per_item"))
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        errors = check(self.scope, self.rows())
        if errors:
            raise forms.ValidationError(errors)


IndicatorFormSet = cast(
    type[BaseIndicatorFormSet],
    forms.formset_factory(
        IndicatorForm, formset=BaseIndicatorFormSet, extra=1, can_delete=True, max_num=len(Kind)
    ),
)
