"""Structured logs (production): one JSON object a line, each naming its request or job.

A request's id is nginx's ``X-Request-ID`` (``$request_id``, deploy/nginx/worktracker.conf), or
one made here when the request did not come through nginx; it is returned in the response, so
nginx's, gunicorn's and the app's lines of one request can be found together.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from celery import current_task
from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# An id is copied into every line of the request: a forged header must not carry anything else.
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(levelname)s %(name)s %(message)s",
    "rename_fields": {"levelname": "level", "name": "logger"},
    "timestamp": True,
}


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ContextFilter(logging.Filter):
    """Adds ``request_id`` within a request, ``task_id`` and ``task_name`` within a job."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = _request_id.get()
        if request_id:
            record.request_id = request_id
        task = current_task
        if task and task.request.id:
            record.task_id, record.task_name = task.request.id, task.name
        return True
