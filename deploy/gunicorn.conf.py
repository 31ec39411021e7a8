"""gunicorn, as the web machines run it: ``gunicorn -c deploy/gunicorn.conf.py config.wsgi``.

Every setting can be changed from the environment (deploy/worktracker.env.example).
"""

import logging
import os

from config.logs import JSON_FORMATTER

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: a request's work is short (jobs go to Celery); two per CPU plus one waits on
# the database while the others run.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
# The longest request is an export (.xlsx/.docx) or a 20 MB upload, buffered by nginx first.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30  # under systemd's TimeoutStopSec (worktracker-web.service)
keepalive = 5
# Recycle workers now and then, a few at a time, so no leak grows with the uptime.
max_requests = 2000
max_requests_jitter = 200
# Only nginx talks to gunicorn; its X-Forwarded-* headers are trusted from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "worktracker-web"
# systemd signals it (worktracker-web.service); no control socket in the home directory, which
# the unit makes read-only and a second instance on the machine would share.
control_socket_disable = True


class AccessFields(logging.Filter):
    """Copies gunicorn's access atoms (the log record's arguments) into fields of the record,
    so that each request is one JSON object with its fields, not a line of text to parse."""

    FIELDS = {
        "remote_addr": "h",
        "method": "m",
        "path": "U",
        "query": "q",
        "status": "s",
        "bytes": "B",
        "duration_ms": "M",
        "user_agent": "a",
        "referer": "f",
        "request_id": "{x-request-id}o",  # the app's (config.logs), or nginx's
    }

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args  # gunicorn's SafeAtoms: "-" for what a request does not have
        if isinstance(atoms, dict):
            for field, atom in self.FIELDS.items():
                setattr(record, field, atoms[atom])
            record.status = int(record.status)
        return True


accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": JSON_FORMATTER},
    "filters": {"access": {"()": AccessFields}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["access"],
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}
