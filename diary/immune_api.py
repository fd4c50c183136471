"""Batch search of immunoglobulin infusions, for product recalls: the family finds their own
infusions of a lot, a care team its linked patients' ones. Through the access function, so
nobody finds anyone else's; a clinician's search is in each patient's access log."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin  # marks list endpoints for the schema
from rest_framework.request import Request
from rest_framework.response import Response

from . import services
from .access import profiles_visible_to
from .api import client_ip
from .models import Infusion
from .serializers import InfusionFoundSerializer

LOT_PARAMETERS = [
    OpenApiParameter("lot", str, description="The batch (lot) number, compared without regard to case."),
    OpenApiParameter("lot_number", str, description="The same as `lot`."),
]
# The column's own width: a longer "batch number" cannot match any row.
LOT_NUMBER_MAX_LENGTH: int = Infusion._meta.get_field("lot_number").max_length or 0


@extend_schema(tags=["infusions"], parameters=LOT_PARAMETERS)
class InfusionSearchView(ListModelMixin, GenericAPIView):
    serializer_class = InfusionFoundSerializer

    def lot(self) -> str:
        lot = (
            self.request.query_params.get("lot") or self.request.query_params.get("lot_number") or ""
        ).strip()
        if not lot:
            raise exceptions.ValidationError({"lot": ["Give the batch (lot) number to search for."]})
        if len(lot) > LOT_NUMBER_MAX_LENGTH:
            raise exceptions.ValidationError({"lot": ["No batch number is this long."]})
        return lot

    def get_queryset(self) -> QuerySet[Infusion]:
        return (
            Infusion.objects.filter(
                profile__in=profiles_visible_to(self.request.user), lot_number__iexact=self.lot()
            )
            .select_related("profile")
            .order_by("-given_on", "-created_at")
        )

    def get(self, request: Request) -> Response:
        found = self.get_queryset()
        page = self.paginate_queryset(found)
        rows = list(found) if page is None else page
        if request.user.is_clinician:
            for row in rows:
                services.access_record(
                    actor=request.user, profile=row.profile, action="read", obj=row, ip=client_ip(request)
                )
        data = self.get_serializer(rows, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)
