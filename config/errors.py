"""Error pages that say what happened when a request could not be read at all."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from core.sizes import megabytes


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django refuses a form whose text fields exceed DATA_UPLOAD_MAX_MEMORY_SIZE before any view
    runs (a plan pasted whole, megabytes of it): say so, and how to send it, instead of a bare
    「Bad Request」. Nothing of it was read or saved."""
    if isinstance(exception, RequestDataTooBig):
        context = {
            "limit": megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
            "file_limit": megabytes(settings.IMPORT_MAX_BYTES),
        }
        return render(request, "413.html", context, status=413)
    return defaults.bad_request(request, exception)
