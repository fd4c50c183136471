"""Unknown query parameters are refused (400) on the diary, care and account API, as unknown
body fields are: a misspelt filter (`?statu=open`) must not silently return everything.

A view takes the query parameters it declares in `query_parameters`, plus `cursor` and
`page_size` if it is a paginated list. Only the views of the modules in CHECKED_MODULES are
checked: a module joins the list once its views declare what they take.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from rest_framework.mixins import ListModelMixin
from rest_framework.views import APIView

CHECKED_MODULES = frozenset({"diary.api", "care.api", "accounts.api"})
PAGE_PARAMETERS = frozenset({"cursor", "page_size"})


def allowed_query_parameters(view_class: type[APIView]) -> frozenset[str] | None:
    if view_class.__module__ not in CHECKED_MODULES:
        return None
    allowed = frozenset(getattr(view_class, "query_parameters", ()))
    if issubclass(view_class, ListModelMixin) and getattr(view_class, "pagination_class", None):
        allowed |= PAGE_PARAMETERS
    return allowed


class UnknownQueryParametersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if view_class is None or not issubclass(view_class, APIView):
            return None
        allowed = allowed_query_parameters(view_class)
        unknown = sorted(set(request.GET) - allowed) if allowed is not None else []
        if not unknown:
            return None
        return JsonResponse(
            {
                "code": "invalid",
                "detail": "Invalid input.",
                "errors": {name: ["This query parameter is not allowed."] for name in unknown},
            },
            status=400,
        )
