"""Form behaviour shared by every app."""

from django import forms

from .models import User


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
