"""Where a deadline stands, in words: 逾期3个工作日, 今日到期, 还剩2个工作日 (issue 18). One
function writes the badge for the lists' rows (written in Python) and for the pages' templates."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.workdays import Due

register = template.Library()

SOON = 5  # working days: a deadline nearer than this is shown on the lists too


def due_label(due: Due) -> str:
    if due.state == Due.OVERDUE:
        return ngettext(
            "%(days)s working day overdue", "%(days)s working days overdue", due.days
        ) % {"days": due.days}
    if due.state == Due.TODAY:
        return _("due today")
    return ngettext("%(days)s working day left", "%(days)s working days left", due.days) % {
        "days": due.days
    }


@register.filter
def due_badge(due: Due | None, *, everything: bool = True) -> SafeString:
    """The badge; on a list (``everything`` False) only for work late, due today or soon."""
    if due is None or (not everything and due.state == Due.AHEAD and due.days > SOON):
        return SafeString("")
    return format_html('<span class="badge due-{}">{}</span>', due.state, due_label(due))


@register.inclusion_tag("tasks/partials/deadline_legend.html")
def deadline_legend() -> dict:
    """What the badges and the red edge mean, under a list."""
    return {"soon": SOON}
