from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Data rights and reports"

    def ready(self) -> None:
        # Registered in the web process too, so a report is queued by task name.
        from . import tasks  # noqa: F401 — registers the report-rendering task with Celery
