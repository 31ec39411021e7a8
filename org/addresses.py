"""The address a request came from, as far as the deployment lets us believe it."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """REMOTE_ADDR, or, behind TRUSTED_PROXIES proxies of ours, the X-Forwarded-For hop the
    outermost of them saw.

    Each proxy appends the address it received from (nginx's $proxy_add_x_forwarded_for,
    deploy/nginx/), after whatever the client wrote there itself: only the last
    TRUSTED_PROXIES hops are ours, and the first of those is the client. Reading the header's
    first hop instead would let anyone name their own address, and so escape the login lockout
    (django-axes counts failures by this address: AXES_CLIENT_IP_CALLABLE).
    """
    if request is None:
        return ""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
