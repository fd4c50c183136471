"""Diary endpoints. Views parse, call one service, render; every profile lookup goes through
the access function, so another person's profile or entry is a 404."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin  # marks list endpoints for the schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import CareTeam
from accounts.permissions import IsClinician
from sigmd_portal import wrong_codes
from sigmd_portal.client_ip import client_ip
from sigmd_portal.throttles import InvitationCodeThrottle

from . import services
from .access import profiles_managed_by, profiles_visible_to
from .models import CareLink, Entry, InfectionEpisode, Profile
from .selectors import entry_guidance
from .serializers import (
    AccessLogEntrySerializer,
    CareLinkSerializer,
    EntrySerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    JoinWithCodeSerializer,
    ManagerInvitationSerializer,
    ManagerSerializer,
    ProfileSerializer,
    with_guidance,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag last seen; a stale one answers 412 and changes nothing.",
)
CONFLICT = OpenApiResponse(description="The id is already used for different content, or is not yours.")
STALE = OpenApiResponse(description="If-Match no longer matches: someone changed it first.")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This id is already used for a different entry."
    default_code = "id_conflict"


class Stale(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "This was changed on another device. Reload it and try again."
    default_code = "stale"


class ReadOnlyForYou(exceptions.PermissionDenied):
    default_detail = "Only the profile's managers can change it; care teams read it."
    default_code = "read_only"


def with_etag(response: Response, row: Any) -> Response:
    response["ETag"] = row.etag
    return response


class ProfileScopedView(GenericAPIView):
    """A view under /profiles/{profile_id}/: finds the profile through the access function
    and writes the access log for anyone other than its managers."""

    def profile(self, *, write: bool = False, action: str = "read", obj: Any = None) -> Profile:
        user = self.request.user
        profile = get_object_or_404(profiles_visible_to(user), pk=self.kwargs["profile_id"])
        # Managers are never clinicians, and non-clinicians see only what they manage.
        if user.is_clinician:
            if write:
                raise ReadOnlyForYou()
            services.access_record(
                actor=user, profile=profile, action=action, obj=obj, ip=client_ip(self.request)
            )
        return profile


# --- profiles ---------------------------------------------------------------------------------


@extend_schema(tags=["profiles"])
class ProfileListView(ListModelMixin, GenericAPIView):
    serializer_class = ProfileSerializer

    def get_queryset(self) -> models.QuerySet[Profile]:
        return profiles_visible_to(self.request.user)

    def get(self, request: Request) -> Response:
        profiles = list(self.get_queryset())
        if request.user.is_clinician:
            for profile in profiles:
                services.access_record(
                    actor=request.user, profile=profile, action="read", ip=client_ip(request)
                )
        return Response(self.get_serializer(profiles, many=True).data)

    @extend_schema(responses={200: ProfileSerializer, 201: ProfileSerializer, 409: CONFLICT})
    def post(self, request: Request) -> Response:
        if request.user.is_clinician:
            raise exceptions.PermissionDenied("Clinicians do not create profiles.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            profile, created = services.profile_create(user=request.user, data=serializer.validated_data)
        except services.ReplayConflict:
            raise Conflict() from None
        except services.DiaryRuleBroken as exc:
            raise exceptions.ValidationError({"relationship": [str(exc)]}) from None
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return with_etag(Response(self.get_serializer(profile).data, status=code), profile)


@extend_schema(tags=["profiles"])
class ProfileDetailView(ProfileScopedView):
    serializer_class = ProfileSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get(self, request: Request, profile_id: str) -> Response:
        profile = self.profile()
        return with_etag(Response(self.get_serializer(profile).data), profile)

    @extend_schema(parameters=[IF_MATCH], responses={200: ProfileSerializer, 412: STALE})
    def patch(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(write=True)
        serializer = self.get_serializer(profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            services.one_profile_of_your_own(
                user=request.user, data=serializer.validated_data, profile_id=profile.pk
            )
        except services.DiaryRuleBroken as exc:
            raise exceptions.ValidationError({"relationship": [str(exc)]}) from None
        try:
            profile = services.versioned_update(
                queryset=profiles_managed_by(request.user),
                pk=profile.pk,
                data=serializer.validated_data,
                if_match=request.headers.get("If-Match"),
                evaluate=True,
            )
        except services.PreconditionFailed:
            raise Stale() from None
        return with_etag(Response(self.get_serializer(profile).data), profile)

    @extend_schema(parameters=[IF_MATCH], responses={204: None, 412: STALE})
    def delete(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(write=True)
        try:
            services.versioned_delete(
                queryset=profiles_managed_by(request.user),
                pk=profile.pk,
                if_match=request.headers.get("If-Match"),
                evaluate=False,
            )
        except services.PreconditionFailed:
            raise Stale() from None
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- entries ----------------------------------------------------------------------------------


def guidance_for(entry: Entry, profile: Profile) -> dict | None:
    found = entry_guidance(entry, profile, now=timezone.localtime())
    return found.as_dict() if found else None


class EntryView(ProfileScopedView):
    """Configured per entry type in urls.py with `model` and `serializer_class`."""

    model: type[Entry] = InfectionEpisode
    serializer_class: type[EntrySerializer] = EntrySerializer
    carries_guidance = False

    def entries(self, profile: Profile) -> models.QuerySet[Entry]:
        return self.model._default_manager.filter(profile=profile)

    def render(self, entry: Entry, profile: Profile, code: int = status.HTTP_200_OK) -> Response:
        if self.carries_guidance:
            data = with_guidance(self.serializer_class)(
                entry, context={"guidance": guidance_for(entry, profile)}
            ).data
        else:
            data = self.serializer_class(entry).data
        return with_etag(Response(data, status=code), entry)


class EntryListView(ListModelMixin, EntryView):
    def get(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(obj=self.model)
        entries = self.entries(profile).select_related("created_by")
        return Response(self.get_serializer(entries, many=True).data)

    def post(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(write=True)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            entry, created = services.entry_create(
                model=self.model, profile=profile, data=serializer.validated_data, created_by=request.user
            )
        except services.ReplayConflict:
            raise Conflict() from None
        return self.render(entry, profile, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class EntryDetailView(EntryView):
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get(self, request: Request, profile_id: str, entry_id: str) -> Response:
        profile = self.profile()
        entry = get_object_or_404(self.entries(profile), pk=entry_id)
        if request.user.is_clinician:
            services.access_record(
                actor=request.user, profile=profile, action="read", obj=entry, ip=client_ip(request)
            )
        return with_etag(Response(self.get_serializer(entry).data), entry)

    @extend_schema(parameters=[IF_MATCH])
    def patch(self, request: Request, profile_id: str, entry_id: str) -> Response:
        profile = self.profile(write=True)
        entry = get_object_or_404(self.entries(profile), pk=entry_id)
        serializer = self.get_serializer(entry, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            entry = services.versioned_update(
                queryset=self.entries(profile),
                pk=entry.pk,
                data=serializer.validated_data,
                if_match=request.headers.get("If-Match"),
                evaluate=True,
            )
        except services.PreconditionFailed:
            raise Stale() from None
        return self.render(entry, profile)

    @extend_schema(parameters=[IF_MATCH], responses={204: None, 412: STALE})
    def delete(self, request: Request, profile_id: str, entry_id: str) -> Response:
        profile = self.profile(write=True)
        entry = get_object_or_404(self.entries(profile), pk=entry_id)
        try:
            services.versioned_delete(
                queryset=self.entries(profile),
                pk=entry.pk,
                if_match=request.headers.get("If-Match"),
                evaluate=True,
            )
        except services.PreconditionFailed:
            raise Stale() from None
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- managers ----------------------------------------------------------------------------------


@extend_schema(tags=["profiles"])
class ManagerListView(ProfileScopedView):
    """Who manages the profile (e.g. both parents). POST makes a single-use code (valid two days)
    that the other parent enters at POST /api/v1/profiles/join."""

    serializer_class = ManagerSerializer

    def get(self, request: Request, profile_id: str) -> Response:
        profile = self.profile()
        return Response(self.get_serializer(profile.managers.order_by("email"), many=True).data)

    @extend_schema(request=None, responses={201: ManagerInvitationSerializer})
    def post(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(write=True)
        if request.data:
            raise exceptions.ValidationError({name: ["This field is not allowed."] for name in request.data})
        invitation = services.manager_invitation_create(profile=profile, created_by=request.user)
        return Response(ManagerInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["profiles"],
    request=JoinWithCodeSerializer,
    responses={200: ProfileSerializer, 201: ProfileSerializer},
)
class ProfileJoinView(GenericAPIView):
    """Become a manager of a profile with the code another manager gave you."""

    serializer_class = JoinWithCodeSerializer
    throttle_classes = [*GenericAPIView.throttle_classes, InvitationCodeThrottle]

    def post(self, request: Request) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        with wrong_codes_limited(request, "sharing"):
            profile, joined = services.manager_join(code=body.validated_data["code"], user=request.user)
        code = status.HTTP_201_CREATED if joined else status.HTTP_200_OK
        return with_etag(Response(ProfileSerializer(profile).data, status=code), profile)


@extend_schema(tags=["profiles"], responses={204: None})
class ManagerDetailView(ProfileScopedView):
    serializer_class = ManagerSerializer
    http_method_names = ["delete", "options"]

    def delete(self, request: Request, profile_id: str, user_id: str) -> Response:
        profile = self.profile(write=True)
        try:
            services.manager_remove(profile=profile, user_id=user_id)
        except services.ProfileManager.DoesNotExist:
            raise exceptions.NotFound() from None
        except services.DiaryRuleBroken as exc:
            raise exceptions.ValidationError({"user": [str(exc)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["profiles"])
class AccessLogView(ProfileScopedView):
    """Who outside the profile's managers read or changed its data, newest first."""

    serializer_class = AccessLogEntrySerializer

    def get(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(write=True)
        return Response(self.get_serializer(profile.access_log.all()[:500], many=True).data)


# --- consent: care links ---------------------------------------------------------------------


@contextmanager
def wrong_codes_limited(request: Request, scope: str) -> Iterator[None]:
    """Wrong codes are limited atomically per account, per address and in total (see
    sigmd_portal/wrong_codes.py); only failures count, so a family joining two teams is never
    slowed down."""
    try:
        with wrong_codes.wrong_codes_limited(request, scope=scope, wrong=services.InvalidInvitation):
            yield
    except services.InvalidInvitation:
        raise exceptions.ValidationError({"code": ["This code is not valid or has expired."]}) from None


@extend_schema(tags=["care links"])
class CareLinkListView(ProfileScopedView):
    serializer_class = CareLinkSerializer

    def get_throttles(self):
        # Entering an invitation code (POST) is throttled on top of the wrong-code limit.
        extra = [InvitationCodeThrottle()] if self.request.method == "POST" else []
        return [*super().get_throttles(), *extra]

    def get(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(write=True)
        return Response(self.get_serializer(profile.care_links.select_related("team"), many=True).data)

    @extend_schema(
        request=JoinWithCodeSerializer, responses={201: CareLinkSerializer, 200: CareLinkSerializer}
    )
    def post(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(write=True)
        body = JoinWithCodeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with wrong_codes_limited(request, "invitation"):
            link, created = services.care_link_join(
                profile=profile, code=body.validated_data["code"], user=request.user
            )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(link).data, status=code)


@extend_schema(tags=["care links"], responses={204: None})
class CareLinkDetailView(ProfileScopedView):
    serializer_class = CareLinkSerializer
    http_method_names = ["delete", "options"]

    def delete(self, request: Request, profile_id: str, link_id: str) -> Response:
        profile = self.profile(write=True)
        link = get_object_or_404(CareLink.objects.filter(profile=profile), pk=link_id)
        services.care_link_revoke(link=link, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["care teams"], request=InvitationCreateSerializer, responses={201: InvitationSerializer})
class InvitationCreateView(GenericAPIView):
    permission_classes = [IsClinician]
    serializer_class = InvitationCreateSerializer

    def post(self, request: Request, team_id: str) -> Response:
        team = get_object_or_404(CareTeam.objects.filter(memberships__user=request.user), pk=team_id)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            team=team, created_by=request.user, expires_at=body.validated_data.get("expires_at")
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)
