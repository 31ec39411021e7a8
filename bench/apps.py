from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed by ``config.settings.bench`` only: the benchmark data generator's command."""

    name = "bench"
    default_auto_field = "django.db.models.BigAutoField"
