"""Forms of the report draft page (the registers' forms are in ``forms``)."""

import json
from typing import cast

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

from org.forms import DateInput, StaleEditMixin

from . import queries
from .formats import SECTION_TITLES, TABLE_PARTS
from .models import HeadingTopic, ReportDraft
from .table_entry import MAX_PASTE


class NewReportForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2019, max_value=2100)


class SectionForm(forms.Form):
    text = forms.CharField(
        label=_("text"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    # The part's text as the page showed it: a save over someone else's later save is refused.
    seen = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)


class CellForm(forms.Form):
    """A cell of one table entered by hand; an empty value clears it."""

    cell = forms.ChoiceField(label=_("cell"))
    value = forms.DecimalField(label=_("value"), required=False, max_digits=18, decimal_places=6)
    note = forms.CharField(label=_("note"), required=False, max_length=200)

    def __init__(self, *args, cells: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cell"]).choices = cells


class FrontMatterForm(StaleEditMixin, forms.ModelForm):
    """The title, opening paragraph and sign-off; shown filled with what is printed, an
    empty field goes back to the default."""

    class Meta:
        model = ReportDraft
        fields = ["title", "opening", "no_opening", "sign_off_name", "sign_off_date"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "opening": forms.Textarea(attrs={"rows": 5}),
            "sign_off_date": DateInput(),
        }

    def _values(self, instance) -> dict:
        # Compared as shown: an empty field is shown (and posted back) as its default.
        return json.loads(json.dumps(queries.front_matter(instance), cls=DjangoJSONEncoder))


class OptionsForm(forms.Form):
    """Part 六's optional items (信息处理费 is always reported)."""

    plan_summary = forms.BooleanField(
        label=_("the plan's implementation: tasks completed of all, by heading"), required=False
    )
    proposals = forms.BooleanField(
        label=_("results of deputies' suggestions and CPPCC proposals"), required=False
    )
    proposals_text = forms.CharField(
        label=_("text on suggestions and proposals (empty: from the figures)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    other_text = forms.CharField(
        label=_("other items a notice asks for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TopicForm(forms.Form):
    heading = forms.IntegerField(widget=forms.HiddenInput)
    topic = forms.ChoiceField(label=_("sub-topic"), choices=HeadingTopic.Topic.choices)


TABLE_CHOICES = [(n, SECTION_TITLES[n - 1]) for n in TABLE_PARTS]


class TableEntryForm(forms.Form):
    """A whole table, pasted (tab-separated, as Excel and WPS copy a range) or uploaded."""

    table = forms.TypedChoiceField(label=_("table"), choices=TABLE_CHOICES, coerce=int)
    text = forms.CharField(
        label=_("the table, copied from Excel or WPS and pasted here"),
        required=False,
        max_length=MAX_PASTE,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    file = forms.FileField(label=_("or upload it (.xlsx or .csv)"), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste the table or upload its file."))
        return data


class PublishedReportForm(forms.Form):
    text = forms.CharField(
        label=_("last year's report as published (its whole text, copied from the web page)"),
        max_length=MAX_PASTE,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class RollupForm(forms.Form):
    """The departments whose reports the superior's report rolls up, for a year."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2019, max_value=2100)
    departments = forms.TypedMultipleChoiceField(
        label=_("departments"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one department.")},
    )

    def __init__(self, *args, departments: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["departments"]).choices = departments


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2019, max_value=2100)
