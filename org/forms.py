"""Form behaviour shared by every app."""

import html
import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator, model_to_dict
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Department, Unit, User

SEEN = "seen"  # the hidden field holding the values the person was shown


def _as_data(values: dict) -> dict:
    plain = {
        k: [getattr(v, "pk", v) for v in x] if isinstance(x, list) else x for k, x in values.items()
    }
    return json.loads(json.dumps(plain, cls=DjangoJSONEncoder, sort_keys=True))


def _shown(instance, name: str) -> str:
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return "、".join(str(x) for x in getattr(instance, name).all())
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    value = getattr(instance, name)
    return "" if value is None else str(value)


if TYPE_CHECKING:
    from django.db.models import QuerySet

    # What the mixins below are mixed into, for the type checker.
    _ModelForm = forms.ModelForm
else:
    _ModelForm = object


class StaleEditMixin(_ModelForm):
    """A save is refused when someone else saved the object after this form was shown, so that
    the second of two people editing at once never silently reverts the first's changes.

    The form carries the values it showed (a hidden field); on saving they are compared with
    the object as stored now. The refusal names what changed and its new value; the person's
    entries stay in the form, and saving again (now knowing) goes through.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[SEEN] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.instance.pk:
            self.initial[SEEN] = json.dumps(self._values(self.instance))

    def _compared(self) -> list[str]:
        model_fields = {f.name for f in self.instance._meta.get_fields()}
        return [name for name in self.fields if name in model_fields]

    def _values(self, instance) -> dict:
        return _as_data(model_to_dict(instance, fields=self._compared()))

    def _entered(self, name: str, data: dict):
        value: Any = data.get(name)
        if hasattr(value, "all"):  # a queryset of chosen objects
            value = list(value)
        return _as_data({name: value})[name]

    def _show_stored(self, name: str, stored) -> None:
        key = self.add_prefix(name)
        value = model_to_dict(stored, fields=[name])[name]
        data: Any = self.data  # the copy clean() made, so a QueryDict that can be changed
        if isinstance(value, list):
            pks = [str(getattr(v, "pk", v)) for v in value]
            if hasattr(data, "setlist"):  # a QueryDict, as posted
                data.setlist(key, pks)
            else:
                data[key] = pks
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
            else:
                data.pop(key, None)
        else:
            data[key] = "" if value is None else _as_data({name: value})[name]

    def clean(self):
        data = super().clean()
        posted = self.data.get(self.add_prefix(SEEN))
        data.pop(SEEN, None)
        if not (self.instance.pk and posted):
            return data  # a new object, or a post made without the form
        try:
            seen = json.loads(posted)
        except ValueError:
            seen = {}
        stored = type(self.instance)._default_manager.get(pk=self.instance.pk)
        now = self._values(stored)
        changed = [name for name in now if name in seen and seen[name] != now[name]]
        if changed:
            self.data = self.data.copy()  # the next save compares with what is shown now
            self.data[self.add_prefix(SEEN)] = json.dumps(now)
            for name in changed:
                if self._entered(name, data) == seen[name]:
                    self._show_stored(name, stored)  # not this person's change: take theirs
            what = "; ".join(
                _("{field} is now “{value}”").format(
                    field=self.fields[name].label,
                    value=Truncator(_shown(stored, name)).chars(60),
                )
                for name in changed
            )
            raise forms.ValidationError(
                _(
                    "Someone saved this after you opened it: {changes}. Your entries are "
                    "still below; check them and save again."
                ).format(changes=what),
                code="stale",
            )
        return data


class ConstraintErrorsOnFieldMixin:
    """Show a violated multi-field unique constraint next to the field it is about.

    Django reports such violations as non-field errors; ``constraint_fields`` maps a constraint's
    ``violation_error_code`` to the field the person has to change.
    """

    constraint_fields: dict[str, str] = {}

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        errors = self._errors.get(forms.forms.NON_FIELD_ERRORS)  # type: ignore[attr-defined]
        if not errors:
            return
        for error in list(errors.as_data()):
            target = self.constraint_fields.get(error.code or "")
            if target:
                errors.data.remove(error)
                self.add_error(target, error)  # type: ignore[attr-defined]
        if not errors:
            del self._errors[forms.forms.NON_FIELD_ERRORS]  # type: ignore[attr-defined]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProfileForm(forms.ModelForm):
    """What people set for themselves: name, e-mail and whether reminders come by e-mail."""

    class Meta:
        model = User
        fields = ["full_name", "email", "email_reminders"]


class OrganisationImportForm(forms.Form):
    """The department (asked of administrators only) and the files of its units and people."""

    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=gettext_lazy("Department")
    )
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx) or .csv file"))
    second_file = forms.FileField(
        label=gettext_lazy("Second .csv file"),
        required=False,
        help_text=gettext_lazy("With .csv files: the units in one, the people in the other."),
    )

    def __init__(self, *args: Any, departments: "QuerySet[Department]", **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments
        self.only = departments[0] if len(departments) == 1 else None
        if self.only is not None:  # office staff import into their own department
            field.required = False
            field.widget = forms.HiddenInput()

    def clean_department(self) -> Department | None:
        return self.cleaned_data["department"] or self.only

    def uploads(self) -> list[tuple[str, bytes]]:
        files = [self.cleaned_data["file"], self.cleaned_data.get("second_file")]
        return [(f.name, f.read()) for f in files if f]


class FilterForm(forms.Form):
    """The form of a list's filters (a FilterSet's ``Meta.form``), rendered by
    templates/partials/filter_form.html: Django's markup in one template a form rather than
    three a field."""

    template_name_div = "partials/filter_form.html"

    def render(self, template_name=None, context=None, renderer=None):
        # A field's label, as django/forms/label.html writes it, without a template a label.
        if template_name == self.template_name_label and context is not None:
            label = escaped(context["label"])
            if not context["use_tag"]:
                return mark_safe(label)  # escaped above
            tag, attributes = context["tag"], written_attrs(context["attrs"] or {})
            return mark_safe(f"<{tag}{attributes}>{label}</{tag}>")  # escaped above
        return super().render(template_name, context, renderer)

    def applied(self) -> list[tuple[str, str]]:
        """The filters in force as (label, value) in words, e.g. to head an export with."""
        if not self.is_bound or not self.is_valid():
            return []
        applied = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", [], ()):
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                # A filter's choices are a flat list here (django-stubs allow more kinds).
                value = dict(field.choices).get(value, value)  # type: ignore[arg-type]
            applied.append((str(field.label), str(value)))
        return applied


def escaped(text) -> str:
    # conditional_escape without its lazy-string wrapper, which costs more than the escaping
    # for the few hundred option values and labels of a list's filters.
    return str(text.__html__()) if hasattr(text, "__html__") else html.escape(str(text))


def written_attrs(attrs: dict[str, Any]) -> str:
    """Attributes as django/forms/attrs.html writes them: in order, True bare, False left out."""
    return "".join(
        f" {escaped(key)}" if value is True else f' {escaped(key)}="{escaped(value)}"'
        for key, value in attrs.items()
        if value is not False
    )


class WrittenSelect(forms.Select):
    """A ``<select>`` written in Python, for list filters: the unit filter's 210 options cost a
    list page more through the widget templates (an option dict, an attribute loop and two
    filters each) than its table of 25 rows. The same markup as
    templates/django/forms/widgets/select.html; choices in groups go through it still."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        options = []
        selected_one = False
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                return super().render(name, value, attrs, renderer)
            option_value = "" if option_value is None else str(option_value)
            selected = not selected_one and option_value in chosen
            selected_one |= selected
            options.append(
                f'<option value="{escaped(option_value)}"{" selected" if selected else ""}>'
                f"{escaped(label)}</option>"
            )
        attributes = written_attrs(self.build_attrs(self.attrs, attrs))
        return mark_safe(  # every part escaped above
            f'<select name="{escaped(name)}"{attributes}>{"".join(options)}</select>'
        )


class UnitChoices:
    """Units to choose from, read as rows once however many fields offer them: the office's
    list shows the department's 210 units in its filter and again in its actions bar."""

    def __init__(self, queryset: QuerySet[Unit]):
        self.queryset = queryset  # what a choice is checked against

    @cached_property
    def rows(self) -> list[tuple[int, str]]:
        # Labelled as Unit.__str__ labels them, without making 210 objects.
        units = self.queryset.values_list("pk", "name", "short_name")
        return [(pk, short_name or name) for pk, name, short_name in units]


class UnitChoiceIterator(ModelChoiceIterator):
    """The choices of a unit field: its ``units`` (UnitChoices) when it was given them, else
    its queryset's, as rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from (getattr(self.field, "units", None) or UnitChoices(self.queryset)).rows


class UnitChoiceField(forms.ModelChoiceField):
    """A choice of unit written as rows (``UnitChoiceIterator``, ``WrittenSelect``)."""

    iterator = UnitChoiceIterator
    widget = WrittenSelect
    units: UnitChoices | None = None

    def offer(self, units: UnitChoices) -> None:
        self.queryset, self.units = units.queryset, units


class DepartmentSettingsForm(forms.ModelForm):
    """What the year-end report takes from its department: how it calls itself (「我局」), the
    contact and the place of publication its opening paragraph names."""

    class Meta:
        model = Department
        fields = [
            "self_name",
            "contact_address",
            "contact_postcode",
            "contact_phone",
            "report_site",
        ]
