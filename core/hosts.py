"""Which addresses the product may POST to: a group robot's, or an office's webhook.

Both go out from the server into the government network, so an address is only accepted on a
host the deployment lists (no request to an internal service an office did not mean), over
https except on the loopback test servers.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.request import validate_host
from django.utils.translation import gettext as _

LOCAL = ("127.0.0.1", "localhost")  # test servers; never in a production host list


def is_allowed(url: str, hosts: Sequence[str]) -> bool:
    """``url`` is on one of ``hosts`` (patterns as in ALLOWED_HOSTS: ``.example.gov.cn`` is
    the domain and its subdomains), over https, or http on the loopback."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # a malformed port or IPv6 address
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    # Django's own check of the Host header, so the list reads like ALLOWED_HOSTS.
    if not validate_host(host, list(hosts)):
        return False
    return parts.scheme == "https" or host in LOCAL


def validate_webhook_url(url: str) -> None:
    """An office's webhook address: on a host of OUTGOING_WEBHOOK_HOSTS, which the deployment
    sets (deploy/worktracker.env.example), over https."""
    hosts = settings.OUTGOING_WEBHOOK_HOSTS
    if not hosts:
        raise ValidationError(
            _(
                "No address may receive webhooks yet: the administrator lists the hosts that "
                "may in the OUTGOING_WEBHOOK_HOSTS setting."
            ),
            code="host",
        )
    if not is_allowed(url, hosts):
        raise ValidationError(
            _(
                "Webhooks are only sent over https to {hosts}. Ask the administrator to add "
                "the host to OUTGOING_WEBHOOK_HOSTS."
            ).format(hosts="、".join(hosts)),
            code="host",
        )
