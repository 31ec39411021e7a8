"""Views of the tasks app, one module per area; URLs name them through this package."""

from .assignments import assignment_detail, evidence_download, metric_list
from .cascade import cascade_inbox
from .imports import import_preview, import_start, import_tables
from .lists import assignment_list, bulk_action, review_queue, task_list
from .plans import plan_detail, task_close, task_create, task_detail, task_update
from .reminders import (
    assignment_remind,
    calendar,
    delivery_list,
    notification_list,
    notification_settings,
    reminder_policy,
)
from .webhooks import webhook_detail, webhook_list

__all__ = [
    "assignment_detail",
    "assignment_list",
    "assignment_remind",
    "bulk_action",
    "calendar",
    "cascade_inbox",
    "delivery_list",
    "evidence_download",
    "import_preview",
    "import_start",
    "import_tables",
    "metric_list",
    "notification_list",
    "notification_settings",
    "plan_detail",
    "reminder_policy",
    "review_queue",
    "task_close",
    "task_create",
    "task_detail",
    "task_list",
    "task_update",
    "webhook_detail",
    "webhook_list",
]
