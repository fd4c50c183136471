"""Every API list is a cursor page (a module of its own: DRF reads it while importing its
generic views, so it must not import them)."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
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

    def get_page_size(self, request) -> int:
        """A page size that is not a whole number from 1 up is a 400, not silently the default;
        above the maximum it is the maximum."""
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        if len(values) > 1 or not values[0].isdigit() or int(values[0]) < 1:
            raise ValidationError({self.page_size_query_param: ["A whole number from 1 up (at most 200)."]})
        return min(int(values[0]), self.max_page_size)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                # No schema maximum: a larger size is served as the maximum, not refused.
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = (
                    f"Rows per page, {self.page_size} by default; more than {self.max_page_size} "
                    f"gives {self.max_page_size}."
                )
        return parameters
