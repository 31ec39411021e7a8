"""Queue a Celery job by its name once the transaction commits.

Services name the job rather than import it, so that no service imports its worker module (the
worker imports the service it calls): ``queue_on_commit("tasks.jobs.deliver_digest", pk)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def queue_on_commit(
    name: str, *args, if_not_queued: Callable[[OperationalError], None] | None = None
) -> None:
    """The job ``name`` queued with ``args`` once the transaction commits, as
    ``delay_on_commit`` does, except that a broker out of reach (Redis down) does not fail the
    request whose work was saved: the job is logged as not queued and ``if_not_queued`` records
    it. For work recovered from the data (a sweep queues every pending digest of its day again)
    or recorded as not done."""

    def publish() -> None:
        if name not in current_app.tasks:
            # A web process never runs the worker's start-up, where autodiscover_tasks imports
            # each app's jobs.py: the office's 催办 found no job to queue and answered 500
            # after its reminder was saved.
            current_app.loader.import_default_modules()
        try:
            current_app.tasks[name].delay(*args)  # the registered job: eager in tests, as delay
        except OperationalError as error:
            logger.warning("%s%r not queued, the broker is unavailable: %s", name, args, error)
            if if_not_queued:
                if_not_queued(error)

    transaction.on_commit(publish)
