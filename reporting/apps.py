from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        # A late report's reminder goes out through the digests' outbox (core.reminders).
        from core.reminders import register

        from .reminders import SOURCE

        register(SOURCE)
