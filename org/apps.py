from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Connect the receivers: the security log's, and the session's idle clock.
        from . import middleware, signals  # noqa: F401
