"""Outgoing webhooks: an office's hooks told of its department's events, once each.

An event becomes one ``WebhookDelivery`` row per hook that wants it, unique on (hook, key), and
goes out through the delivery outbox (``core.outbox``): retried with backoff, then recorded as
failed. Each POST carries the JSON body as it was stored and signed::

    X-Worktracker-Event: assignment.submitted
    X-Worktracker-Delivery: <uuid, the same on every attempt>
    X-Worktracker-Signature: sha256=<HMAC-SHA256 of the raw body with the hook's secret, hex>

The receiver computes the HMAC over the bytes it received and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .channels import DeliveryError
from .hosts import is_allowed
from .models import Webhook, WebhookDelivery
from .outbox import Outcome, deliver_once
from .queue import queue_on_commit

TIMEOUT = 10  # seconds; a worker holds the delivery's row lock while it waits
SIGNATURE, EVENT, DELIVERY = (
    "X-Worktracker-Signature",
    "X-Worktracker-Event",
    "X-Worktracker-Delivery",
)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def new_secret() -> str:
    return secrets.token_hex(32)


# --- The office's hooks -------------------------------------------------------------------------


@transaction.atomic
def create_hook(
    department_id: int, *, name: str, url: str, events: Iterable[str], by: Any
) -> Webhook:
    """A new active hook with a fresh secret; ValidationError (nothing saved) for an address
    outside OUTGOING_WEBHOOK_HOSTS or no events."""
    hook = Webhook(
        department_id=department_id,
        name=name.strip(),
        url=url.strip(),
        events=sorted(set(events)),
        secret=new_secret(),
        created_by=by,
    )
    hook.full_clean()
    hook.save()
    return hook


@transaction.atomic
def set_active(hook: Webhook, active: bool) -> None:
    """Switch a hook on or off; what it still had waiting is given up when it goes off, so a
    hook switched back on does not get a backlog of stale events."""
    hook.is_active = active
    hook.save(update_fields=["is_active"])
    if not active:
        hook.deliveries.filter(status=WebhookDelivery.Status.PENDING).update(
            status=WebhookDelivery.Status.FAILED, last_error=_("The webhook was switched off.")
        )


def ping(hook: Webhook) -> WebhookDelivery:
    """A test delivery to the hook, whatever events it wants (each ping is its own)."""
    if not hook.is_active:
        raise ValidationError(_("Switch the webhook on to send it a test ping."))
    key = f"ping-{uuid.uuid4()}"
    data = {"hook": {"id": hook.pk, "name": hook.name}}
    with transaction.atomic():
        delivery = _queue(hook, WebhookDelivery.PING, key, data)
    assert delivery is not None  # a fresh key
    return delivery


# --- Telling ------------------------------------------------------------------------------------


def dispatch(department_id: int, event: str, *, key: str, data: dict[str, Any]) -> int:
    """Queue ``event`` to each active hook of the department that wants it, once per (hook,
    ``key``): an event told again queues nothing. Returns how many deliveries were queued."""
    hooks = Webhook.objects.filter(department_id=department_id, is_active=True)
    queued = 0
    for hook in hooks:
        # Events are a short JSON list, read here rather than filtered (SQLite has no
        # JSON containment lookup), among a department's few hooks.
        if event in hook.events and _queue(hook, event, key, data):
            queued += 1
    return queued


def _queue(hook: Webhook, event: str, key: str, data: dict[str, Any]) -> WebhookDelivery | None:
    """The delivery, queued; None when the hook was already given this key."""
    delivery = WebhookDelivery(hook=hook, event=event, key=key)
    envelope = {
        "id": str(delivery.uuid),
        "event": event,
        "created_at": timezone.now(),
        "department": hook.department_id,
        "data": data,
    }
    delivery.body = json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False)
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on
            delivery.save()
    except IntegrityError:  # webhook_delivery_once
        return None
    queue_on_commit("core.jobs.deliver_webhook", delivery.pk)
    return delivery


# --- Sending ------------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed: it could lead off the allowed hosts."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(delivery: WebhookDelivery) -> None:
    hook = delivery.hook
    # Checked again at each attempt: the deployment may have taken the host off its list.
    if not is_allowed(hook.url, settings.OUTGOING_WEBHOOK_HOSTS):
        raise DeliveryError(_("The address is not on OUTGOING_WEBHOOK_HOSTS any more."))
    body = delivery.body.encode()
    request = urllib.request.Request(
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Worktracker-Webhooks/1",
            EVENT: delivery.event,
            DELIVERY: str(delivery.uuid),
            SIGNATURE: sign(hook.secret, body),
        },
    )
    code = None
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            code = response.status
    except urllib.error.HTTPError as error:  # an answer, but not 2xx (a redirect included)
        code = error.code
        raise DeliveryError(f"HTTP {error.code} {error.reason}") from error
    except (TimeoutError, urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from error
    finally:
        # The outbox saves the attempt's status; the answer's code is the log's, saved here.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(response_code=code)


def deliver(delivery_id: int) -> Outcome:
    """Send one webhook delivery once (``core.outbox``)."""
    return deliver_once(WebhookDelivery, delivery_id, _post, related=("hook",))
