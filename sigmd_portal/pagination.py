"""Every API list is a cursor page (a module of its own: DRF reads it while importing its
generic views, so it must not import them)."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    """`{"next", "previous", "results"}`; 50 a page, `?page_size=` up to 200.

    A page follows the list's own order (the queryset's `order_by`, else the model's
    `Meta.ordering`): entries newest first by the date that dates them. A cursor is opaque;
    a forged one is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-created_at"

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        ordering = tuple(queryset.query.order_by or queryset.model._meta.ordering or ())
        return ordering or super().get_ordering(request, queryset, view)
