"""Structured logs (config/logs.py): JSON lines naming their request."""

import json
import logging
from collections.abc import Iterator
from io import StringIO
from logging.config import dictConfig

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from config.logs import JSON_FORMATTER, RequestIdMiddleware


@pytest.fixture
def output() -> StringIO:
    return StringIO()


@pytest.fixture
def json_log(output) -> Iterator[logging.Logger]:
    """A logger configured as config/settings/production.py configures the handlers."""
    dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": JSON_FORMATTER},
            "filters": {"context": {"()": "config.logs.ContextFilter"}},
            "handlers": {
                "json": {
                    "class": "logging.StreamHandler",
                    "formatter": "json",
                    "filters": ["context"],
                    "stream": output,
                }
            },
            "loggers": {"test.json": {"handlers": ["json"], "level": "INFO", "propagate": False}},
        }
    )
    log = logging.getLogger("test.json")
    yield log
    log.handlers.clear()


def lines(output: StringIO) -> list[dict]:
    return [json.loads(line) for line in output.getvalue().splitlines()]


def respond_logging(log: logging.Logger):
    def view(request):
        log.info("saved %s", "计划", extra={"plan": 7})
        return HttpResponse()

    return RequestIdMiddleware(view)


def test_a_line_logged_in_a_request_is_one_json_object_with_the_request_id(json_log, output):
    # when
    response = respond_logging(json_log)(RequestFactory().get("/", HTTP_X_REQUEST_ID="abc-123"))
    # then
    [line] = lines(output)
    assert line["message"] == "saved 计划"
    assert (line["level"], line["logger"], line["plan"]) == ("INFO", "test.json", 7)
    assert line["request_id"] == "abc-123"
    assert response["X-Request-ID"] == "abc-123"


def test_a_request_without_a_usable_id_gets_one_of_its_own(json_log, output):
    forged = 'x"\n{"level": "CRITICAL"}'
    response = respond_logging(json_log)(RequestFactory().get("/", HTTP_X_REQUEST_ID=forged))
    [line] = lines(output)
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32


def test_a_line_outside_a_request_has_no_request_id(json_log, output):
    json_log.warning("beat started")
    [line] = lines(output)
    assert "request_id" not in line
