"""Celery jobs of the reporting app: thin, each calling one service."""

from celery import shared_task

from org.models import User

from . import services
from .models import ReportDraft


@shared_task
def generate_report_draft(draft_id: int, user_id: int | None = None) -> None:
    """Generate a draft; its progress is written on the draft for the page to poll. Running it
    twice generates twice, changing nothing the second time."""
    draft = ReportDraft.objects.select_related("department").get(pk=draft_id)
    by = User.objects.filter(pk=user_id).first() if user_id else None
    services.generate(draft, by=by)


@shared_task
def file_report_deadline_tasks() -> int:
    """Beat, every morning before the reminder sweep: the open reports' deadline tasks."""
    return services.file_deadline_tasks()
