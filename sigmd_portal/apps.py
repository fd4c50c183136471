from django.apps import AppConfig


class SigmdPortalConfig(AppConfig):
    name = "sigmd_portal"
    verbose_name = "SIgMD Portal"

    def ready(self) -> None:
        from . import (
            api,  # noqa: F401 — registers the X-Session-Token scheme with drf-spectacular
            lookups,  # noqa: F401 — registers the `__any` lookup (one array parameter)
        )
