"""Celery jobs of the ground floor: thin, idempotent, each calling one service."""

from celery import shared_task

from . import reminders, webhooks
from .outbox import DELIVERY_RETRIES, raise_for_retry


@shared_task(**DELIVERY_RETRIES)
def deliver_digest(digest_id: int) -> str:
    return raise_for_retry(reminders.deliver(digest_id), digest_id)


@shared_task(**DELIVERY_RETRIES)
def deliver_webhook(delivery_id: int) -> str:
    return raise_for_retry(webhooks.deliver(delivery_id), delivery_id)
