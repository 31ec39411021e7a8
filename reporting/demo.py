"""The demo bureau's report draft for the year, generated from the demo registers and the demo
plan, so the office finds it already written on 1 December; loaded twice it stays one draft,
generated again."""

from org.models import Department, User

from . import services
from .models import ReportDraft


def load_demo_report(department: Department, year: int, *, by: User | None = None) -> ReportDraft:
    """The year's draft, generated now (in this process: `make setup` runs before any worker).
    A draft the office has marked final is left as it is."""
    draft = ReportDraft.objects.filter(department=department, year=year).first()
    if draft is None:
        draft = services.create_draft(department, year, by=by)
    if draft.status == ReportDraft.Status.FINAL:
        return draft
    return services.generate(draft, by=by)
