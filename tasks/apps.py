from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        # Its deadlines are reminded by the one daily sweep, in the same digests (core.reminders),
        # and what happens to its work is told through them.
        from core.reminders import register

        from . import activity, reminders, webhooks

        register(reminders.SOURCE)
        register(activity.SOURCE)
        register(webhooks.SOURCE)
