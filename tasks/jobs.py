"""Celery jobs of the tasks app: thin, idempotent, each calling one service."""

from celery import shared_task
from django.utils import timezone

from . import reminders


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
