"""URLs of the same-run baseline (settings: bench.baseline_settings)."""

from __future__ import annotations

from django.urls import path
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView


class BareInfectionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField(max_length=24)
    onset = serializers.DateField()
    severity = serializers.CharField(max_length=16)


class BareInfectionCreate(APIView):
    def post(self, request, profile_id):
        from diary.models import InfectionEpisode, Profile

        data = BareInfectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = get_object_or_404(Profile, pk=profile_id)
        # bulk_create: one INSERT, no signals — the row itself and nothing else.
        InfectionEpisode.objects.bulk_create([InfectionEpisode(profile=profile, **data.validated_data)])
        return Response(data.data, status=201)


urlpatterns = [path("bare/<uuid:profile_id>/infections/", BareInfectionCreate.as_view())]
