"""How a digest reaches people: e-mail, or a unit's group robot (WeCom, DingTalk).

Each channel is a small class with ``send(digest, reminders)``; add one by subclassing Channel
and registering it in ``for_digest``.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Digest, Reminder


class DeliveryError(Exception):
    """The message did not go out; it will be tried again."""


def _context(digest: Digest, reminders: list[Reminder]) -> dict:
    return {"digest": digest, "reminders": reminders, "site": settings.SITE_URL.rstrip("/")}


class Channel:
    def send(self, digest: Digest, reminders: list[Reminder]) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    """One e-mail a day per person, in Chinese, with links to the assignments."""

    def send(self, digest: Digest, reminders: list[Reminder]) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Disclosure work: {count} item(s) need your attention").format(
                count=len(reminders)
            )
            body = render_to_string("tasks/email/digest.txt", _context(digest, reminders))
        assert digest.recipient is not None  # an email digest is a person's
        send_email(subject, body, to=digest.recipient.email, key=f"reminder-digest-{digest.pk}")


def send_email(subject: str, body: str, *, to: str, key: str) -> None:
    """Send one e-mail, or raise DeliveryError.

    ``key`` names the message, so every attempt at it carries the same Message-ID. Delivery is
    at least once: a worker that dies after the SMTP server accepted the message, before
    recording it, leaves it to be sent again, and mail clients and servers recognise the copy
    by its Message-ID.
    """
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMessage(subject, body, to=[to], headers={"Message-ID": f"<{key}@{host}>"})
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from error


class RobotChannel(Channel):
    """A group robot's markdown message; subclasses shape the JSON for their robot."""

    def payload(self, title: str, text: str) -> dict:
        raise NotImplementedError

    def send(self, digest: Digest, reminders: list[Reminder]) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Disclosure work reminders for {unit}").format(unit=digest.unit)
            text = render_to_string("tasks/email/digest.md", _context(digest, reminders))
        assert digest.unit is not None  # a robot's digest is a unit's
        request = urllib.request.Request(
            digest.unit.webhook_url,
            data=json.dumps(self.payload(title, text)).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                answer = json.loads(response.read() or b"{}")
        except (TimeoutError, urllib.error.URLError, OSError, ValueError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        if answer.get("errcode", 0) != 0:
            raise DeliveryError(f"robot refused: {answer.get('errmsg', answer)}")


class WeComRobot(RobotChannel):
    def payload(self, title: str, text: str) -> dict:
        return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{text}"}}


class DingTalkRobot(RobotChannel):
    def payload(self, title: str, text: str) -> dict:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n{text}"}}


ROBOTS = {"wecom": WeComRobot, "dingtalk": DingTalkRobot}


def for_digest(digest: Digest) -> Channel:
    if digest.channel == Digest.Channel.EMAIL:
        return EmailChannel()
    assert digest.unit is not None  # a robot's digest is a unit's
    return ROBOTS[digest.unit.webhook_kind]()
