from typing import cast

from django import forms
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from core.sizes import megabytes
from org.forms import DateInput, StaleEditMixin
from org.models import Department

from . import services
from .models import DisclosureRequest, ReviewCase
from .requests_io import MAX_BYTES


class DisclosureRequestForm(StaleEditMixin, forms.ModelForm):
    """The department is set here, never read from the form; the checks are the service's."""

    class Meta:
        model = DisclosureRequest
        fields = [
            "reference",
            "channel",
            "submitted_on",
            "received_on",
            "applicant_name",
            "applicant_type",
            "content",
            "correction_requested_on",
            "corrected_on",
            "extension_days",
            "extension_approved_by",
            "consultation_days",
            "outcome",
            "replied_on",
            "fee",
            "note",
        ]
        widgets = {
            "submitted_on": DateInput(),
            "received_on": DateInput(),
            "correction_requested_on": DateInput(),
            "corrected_on": DateInput(),
            "replied_on": DateInput(),
            "content": forms.Textarea(attrs={"rows": 4}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "received_on": _(
                "In person: the day it was handed in; by registered post: the day it was signed "
                "for; ordinary post, online or fax: the day receipt was confirmed (Article 31)."
            ),
            "corrected_on": _("The reply period starts again from this day (Article 30)."),
            "extension_days": _("At most 20, once, with the approval recorded (Article 33)."),
            "consultation_days": _("Not counted in the reply period (Articles 32 and 33)."),
            "outcome": _("Empty while the request is being handled."),
        }

    def __init__(self, *args, department: Department, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.department = department

    def clean(self):
        # The service's checks, beside the fields at fault (a field with an error is then left
        # out of the model's constraint check, which would only say "constraint violated").
        cleaned = super().clean()
        entered = DisclosureRequest(department=self.instance.department, **cleaned)
        for field, messages in services.check_request(entered, today=localdate()).items():
            for message in messages:
                self.add_error(field, message)
        return cleaned


class ReviewCaseForm(StaleEditMixin, forms.ModelForm):
    class Meta:
        model = ReviewCase
        fields = ["kind", "reference", "filed_on", "request", "result", "closed_on", "note"]
        widgets = {
            "filed_on": DateInput(),
            "closed_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"result": _("Empty while the case is pending (尚未审结).")}

    def __init__(self, *args, department: Department, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.department = department
        request_field = cast(forms.ModelChoiceField, self.fields["request"])
        request_field.queryset = DisclosureRequest.objects.filter(department=department)


class RequestImportForm(forms.Form):
    file = forms.FileField(
        label=_("register (.xlsx or .csv)"),
        help_text=_(
            "Columns are found by their header: 收到日期, 申请人, 申请人类型, 申请方式, 申请内容, "
            "办理结果, 答复日期, 延期, 延期批准人, 收费金额 …"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than {limit} MB.").format(limit=megabytes(MAX_BYTES))
            )
        return upload


class ReviewCaseImportForm(forms.Form):
    """A file of review cases; after the preview, the same rows come back as ``carried``."""

    file = forms.FileField(label=_("review cases (.xlsx or .csv)"), required=False)
    carried = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            self.add_error(
                "file",
                _("The file is larger than {limit} MB.").format(limit=megabytes(MAX_BYTES)),
            )
        elif upload is None and not data.get("carried"):
            raise forms.ValidationError(_("Choose the file to import."))
        return data

    def source(self) -> tuple[str, bytes]:
        """The file's name and bytes: the upload, or the rows the preview carried on."""
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.name, upload.read()
        return "carried.csv", self.cleaned_data["carried"].encode("utf-8")
