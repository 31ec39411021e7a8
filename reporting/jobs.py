"""Celery jobs of the reporting app: thin, each calling one service."""

from celery import shared_task
from django.utils import timezone

from org.models import User
from tasks.jobs import DELIVERY_RETRIES, retry_if_asked

from . import drafts, reminders
from .models import ReportDraft


@shared_task
def generate_report_draft(draft_id: int, user_id: int | None = None) -> None:
    """Generate a draft; its progress is written on the draft for the page to poll. Running it
    twice generates twice, changing nothing the second time."""
    draft = ReportDraft.objects.select_related("department").get(pk=draft_id)
    by = User.objects.filter(pk=user_id).first() if user_id else None
    drafts.generate(draft, by=by)


@shared_task
def file_report_deadline_tasks() -> int:
    """Beat, every morning before the reminder sweep: the open reports' deadline tasks."""
    return drafts.file_deadline_tasks()


@shared_task
def send_request_reminders() -> None:
    """Beat, every morning: decide today's reply-deadline reminders, queue one e-mail each."""
    result = reminders.sweep(timezone.localdate())
    for pk in result.digests:
        deliver_request_digest.delay(pk)


@shared_task(**DELIVERY_RETRIES)
def deliver_request_digest(digest_id: int) -> str:
    return retry_if_asked(reminders.deliver(digest_id), digest_id)
