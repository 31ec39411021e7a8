from django import forms
from django.utils.translation import gettext_lazy as _

from org.forms import DateInput

from . import services


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("name"), max_length=100, help_text=_("What the token is for, e.g. 省平台同步.")
    )
    expires_on = forms.DateField(
        label=_("expires on"),
        initial=services.default_expiry,
        widget=DateInput,
        help_text=_("At most a year from today."),
    )
