"""The security log: every login, logout, failed login and lockout: who, when and from where.

One line per event in key=value form (the time comes from the log format, config/settings), so
that a log collector or grep can follow one person or one address.
"""

import json
import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .addresses import client_address

logger = logging.getLogger("security")


def _log(event: str, username: str, request) -> None:
    # json.dumps quotes values, so a username with spaces or "=" cannot forge another field.
    logger.info(
        "event=%s user=%s address=%s",
        event,
        json.dumps(username, ensure_ascii=False),
        json.dumps(client_address(request)),
    )


@receiver(user_logged_in, dispatch_uid="security_log_login")
def log_login(sender, request, user, **kwargs) -> None:
    _log("login", user.get_username(), request)


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def log_logout(sender, request, user, **kwargs) -> None:
    _log("logout", user.get_username() if user else "", request)


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def log_login_failed(sender, credentials, request=None, **kwargs) -> None:
    _log("login_failed", str(credentials.get("username", "")), request)


@receiver(user_locked_out, dispatch_uid="security_log_lockout")
def log_lockout(sender, request, username, **kwargs) -> None:
    _log("lockout", str(username or ""), request)
