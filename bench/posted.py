"""What a browser posts back for forms left as the page shows them (the benchmark's web rows and
the tests that post a page's forms share it)."""

from __future__ import annotations

from django import forms


def as_posted(*page_forms: forms.BaseForm) -> dict:
    data: dict = {}
    for form in page_forms:
        for field in form:
            value = field.value()
            if field.field.disabled:
                continue
            if isinstance(field.field, forms.BooleanField):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(field.field.prepare_value(v)) for v in value]
            elif value is not None:
                data[field.html_name] = str(field.field.prepare_value(value))
    return data
