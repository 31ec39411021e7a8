"""Celery jobs of the tasks app: thin, idempotent, each calling one service."""

import logging
from collections.abc import Callable

from celery import Task, shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from . import reminders

logger = logging.getLogger(__name__)


def queue_on_commit(
    job: Task, *args, if_not_queued: Callable[[OperationalError], None] | None = None
) -> None:
    """``job.delay(*args)`` once the transaction commits, as ``delay_on_commit`` does, except
    that a broker out of reach (Redis down) does not fail the request whose work was saved: the
    job is logged as not queued and ``if_not_queued`` records it. For work recovered from the
    data (a sweep queues every pending digest of its day again) or recorded as not done."""

    def publish() -> None:
        try:
            job.delay(*args)
        except OperationalError as error:
            logger.warning("%s%r not queued, the broker is unavailable: %s", job.name, args, error)
            if if_not_queued:
                if_not_queued(error)

    transaction.on_commit(publish)


class RetryDelivery(Exception):
    """A delivery failed and will be tried again (with exponential backoff)."""


@shared_task
def send_due_reminders() -> None:
    """Beat, every morning: decide today's reminders and queue one digest per person."""
    result = reminders.sweep(timezone.localdate())
    for pk in result.digests:
        deliver_digest.delay(pk)


@shared_task(
    autoretry_for=(RetryDelivery,), retry_backoff=30, retry_backoff_max=3600, max_retries=10
)
def deliver_digest(digest_id: int) -> str:
    outcome = reminders.deliver(digest_id)
    if outcome == "retry":
        raise RetryDelivery(digest_id)
    return outcome
