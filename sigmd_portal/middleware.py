from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

PRIVATE_PREFIXES = ("/api/", "/_allauth/", "/clinic/")


class HealthDataNoStoreMiddleware:
    """API and clinic responses carry health data: `no-store` unless a view says otherwise
    (public education responses set their own Cache-Control)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES) and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class CrossOriginResourcePolicyMiddleware:
    """No other site may embed our responses (a report PDF, an API body) as a resource."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.SIGMD_CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response
