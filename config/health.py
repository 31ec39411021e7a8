"""``/healthz``: is this web machine able to serve? For the load balancer and the monitoring.

Public (no login) and never cached; it tells only "ok" or "error" for each part, the reason
goes to the log.
"""

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from .celery_app import app

logger = logging.getLogger(__name__)

# Seconds to wait for the broker: a health check that hangs is a failed one.
BROKER_TIMEOUT = 2


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: the database does not answer")
        return False
    return True


def broker_ok() -> bool:
    try:
        with app.connection_for_write(connect_timeout=BROKER_TIMEOUT) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)
    except Exception:
        logger.exception("health check: the broker does not answer")
        return False
    return True


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_ok(), "broker": broker_ok()}
    return JsonResponse(
        {part: "ok" if ok else "error" for part, ok in checks.items()},
        status=200 if all(checks.values()) else 503,
    )
