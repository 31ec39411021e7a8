"""Celery jobs of the tasks app: thin, idempotent, each calling one service."""

from typing import Any

from celery import shared_task
from django.utils import timezone

from . import reminders


class RetryDelivery(Exception):
    """A delivery failed and will be tried again (with exponential backoff)."""


# How every delivery job retries: the job raises RetryDelivery when the delivery asks for it.
DELIVERY_RETRIES: dict[str, Any] = {
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
