from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "registers"
    verbose_name = _("Registers")

    def ready(self) -> None:
        # Its deadlines are reminded by the one daily sweep, in the same digests (core.reminders).
        from core.reminders import register

        from .reminders import SOURCE

        register(SOURCE)
