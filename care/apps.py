from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "care"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the tasks in every process (web too), so the diary's hand-off by task name
        # finds them; Celery's autodiscovery alone only imports them in the worker.
        from . import tasks  # noqa: F401
