"""How a digest reaches people: e-mail, or a unit's group robot (WeCom, DingTalk).

A digest's message is the sections its sources give it (``core.reminders``); each channel is a
small class with ``send(digest, sections)``. Add one by subclassing Channel and registering it
in ``for_digest``.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import Digest


@dataclass(frozen=True)
class Section:
    """What one source of reminders (``core.reminders``) tells in a digest: its items,
    rendered by its own templates (``text`` for e-mail, ``markdown`` for a group robot) with
    ``items`` in their context; ``subject``, an e-mail's subject when it is the only section
    (one event told at once), else the digest's own."""

    items: list
    text: str
    markdown: str = ""
    subject: str = ""


class DeliveryError(Exception):
    """The message did not go out; it will be tried again."""


def _context(digest: Digest, sections: list[Section]) -> dict:
    return {"digest": digest, "sections": sections, "site": settings.SITE_URL.rstrip("/")}


def _count(sections: list[Section]) -> int:
    return sum(len(section.items) for section in sections)


class Channel:
    def send(self, digest: Digest, sections: list[Section]) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    """One e-mail a day per person, with links to the items."""

    def send(self, digest: Digest, sections: list[Section]) -> None:
        assert digest.recipient is not None  # an e-mail digest is a person's
        # In the person's own language: the e-mail is read away from the language switch.
        with translation.override(digest.recipient.language or settings.LANGUAGE_CODE):
            context = _context(digest, sections)
            if len(sections) == 1 and sections[0].subject:
                told = " ".join(render_to_string(sections[0].subject, context).split())
                subject = told if len(told) <= 120 else told[:119] + "…"
            else:
                subject = _("Disclosure work: {count} item(s) need your attention").format(
                    count=_count(sections)
                )
            body = render_to_string("core/email/digest.txt", context)
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

    def send(self, digest: Digest, sections: list[Section]) -> None:
        assert digest.unit is not None  # a robot's digest is a unit's
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Disclosure work reminders for {unit}").format(unit=digest.unit)
            text = render_to_string("core/email/digest.md", _context(digest, sections))
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
    if digest.channel == "email":
        return EmailChannel()
    assert digest.unit is not None  # a robot's digest is a unit's
    return ROBOTS[digest.unit.webhook_kind]()
