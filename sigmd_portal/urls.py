from csp.decorators import csp_update
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import health

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("diary.urls")),
    path("", include("care.urls")),
    path("education/", include("education.urls")),
]

urlpatterns = [
    path("", TemplateView.as_view(template_name="landing.html"), name="landing"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("_allauth/", include("sigmd_portal.allauth_urls")),
    path("api/v1/", include(api_v1)),
    path("learn/", include("education.pages_urls")),
    path("clinic/", include("care.clinic_urls")),
    path("", include("reports.urls")),
    path("", include("pwa.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets inline styles; only this page (no health data) relaxes style-src.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
]

# Under /api/ even a URL no view matches answers JSON, as every API error does.
handler404 = "sigmd_portal.exceptions.not_found"
