"""The delivery outbox: a message is a row, sent once.

"Already sent" is the row's status, claimed under a row lock, so two workers holding the same
job cannot both send it; a failure is recorded and tried again with backoff until
``MAX_ATTEMPTS``, then shown to the office as failed.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from .channels import DeliveryError
from .models import Delivery

MAX_ATTEMPTS = 5

D = TypeVar("D", bound=Delivery)


class Outcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    RETRY = "retry"  # failed this time, or held by another worker: try again later
    FAILED = "failed"  # given up after MAX_ATTEMPTS


class RetryDelivery(Exception):
    """Raised by a delivery job whose delivery asks to be tried again (Celery backs off)."""


# How every delivery job retries: it raises RetryDelivery when the delivery asks for it.
DELIVERY_RETRIES: dict[str, Any] = {
    "autoretry_for": (RetryDelivery,),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "max_retries": 10,
}


def deliver_once(
    model: type[D], pk: int, send: Callable[[D], None], *, related: tuple[str, ...] = ()
) -> Outcome:
    """Send one message by ``send``, which raises DeliveryError when it did not go out."""
    Status = Delivery.Status
    with transaction.atomic():
        delivery = (
            model._default_manager.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, status=Status.PENDING)
            .select_related(*related)
            .first()
        )
        if delivery is None:
            # Sent, or being sent by another worker now. Then try again later: that worker may
            # die before it records the message, and when this job is its job handed back,
            # nothing else would.
            pending = model._default_manager.filter(pk=pk, status=Status.PENDING)
            return Outcome.RETRY if pending.exists() else Outcome.ALREADY_SENT
        delivery.attempts += 1
        try:
            send(delivery)
        except DeliveryError as error:
            delivery.last_error = str(error)[:500]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = Status.FAILED
            delivery.save(update_fields=["attempts", "last_error", "status"])
            return Outcome.FAILED if delivery.status == Status.FAILED else Outcome.RETRY
        delivery.status, delivery.sent_at = Status.SENT, timezone.now()
        delivery.save(update_fields=["status", "sent_at", "attempts"])
        return Outcome.SENT


def raise_for_retry(outcome: Outcome, pk: int) -> Outcome:
    """In a delivery job: the outcome, or RetryDelivery when the delivery asks for a retry."""
    if outcome is Outcome.RETRY:
        raise RetryDelivery(pk)
    return outcome
