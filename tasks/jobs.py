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


# How every delivery job retries: the job raises RetryDelivery when the delivery asks for it.
DELIVERY_RETRIES = {
    "autoretry_for": (RetryDelivery,),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "max_retries": 10,
}


def retry_if_asked(outcome: str, pk: int) -> str:
    """A delivery's outcome ("sent", "already_sent", "failed"), or a retry when it is "retry"."""
    if outcome == "retry":
        raise RetryDelivery(pk)
    return outcome


@shared_task
def send_due_reminders() -> None:
    """Beat, every morning: decide today's reminders and queue one digest per person."""
    result = reminders.sweep(timezone.localdate())
    for pk in result.digests:
        deliver_digest.delay(pk)


@shared_task(**DELIVERY_RETRIES)
def deliver_digest(digest_id: int) -> str:
    return retry_if_asked(reminders.deliver(digest_id), digest_id)
