"""org.forms: WrittenSelect writes what Django's Select writes through the project's widget
templates, selected option and attributes included; FilterForm writes Django's div markup."""

import re

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from org.forms import FilterForm, WrittenSelect

CHOICES = [
    ("", "---------"),
    ("1", "社管办"),
    ("2", "<b>计财股</b> & “引号”"),
    ("3", gettext_lazy("overdue")),
    ("1", "社管办 again"),  # a value twice: only the first is selected, as Django does
]


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", "1", "2", "9"])
@pytest.mark.parametrize(
    "attrs",
    [{"id": "id_unit"}, {"id": "id_unit", "aria-invalid": "true", "required": True, "x": False}],
)
def test_written_select_is_the_template_select(value, attrs):
    written = WrittenSelect(choices=CHOICES).render("unit", value, attrs=attrs)
    templated = forms.Select(choices=CHOICES).render("unit", value, attrs=attrs)
    assert squeezed(written) == squeezed(templated)
    assert written.count(" selected") == (0 if value == "9" else 1)


def test_grouped_choices_go_through_the_templates():
    grouped = [("处室", [("1", "社管办"), ("2", "计财股")]), ("3", "第1直属学校")]
    written = WrittenSelect(choices=grouped).render("unit", "2")
    assert '<optgroup label="处室">' in written
    assert squeezed(written) == squeezed(forms.Select(choices=grouped).render("unit", "2"))


class Filters(FilterForm):
    unit = forms.ChoiceField(choices=CHOICES[:3], required=False, widget=WrittenSelect)
    year = forms.IntegerField(required=False, help_text="收到或结转的年份")
    q = forms.CharField(required=False, label="文本")
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        if self.cleaned_data.get("q") == "both":
            raise forms.ValidationError("不能同时")
        return self.cleaned_data


@pytest.mark.parametrize(
    "data",
    [None, {}, {"unit": "2", "year": "2026"}, {"unit": "9", "year": "x"}, {"q": "both"}],
)
def test_the_filter_form_writes_django_s_div_markup(data):
    form = Filters(data)
    assert squeezed(form.as_div()) == squeezed(form.render("django/forms/div.html"))
