"""Celery jobs of the tasks app: thin, idempotent, each calling one service."""

from celery import shared_task
from django.utils import timezone

from core.jobs import deliver_digest

from . import reminders


@shared_task
def send_due_reminders() -> None:
    """Beat, every morning: decide today's reminders of every source (assignments, requests)
    and queue one digest per person and per unit robot."""
    result = reminders.sweep(timezone.localdate())
    for pk in result.digests:
        deliver_digest.delay(pk)
