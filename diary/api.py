"""Diary endpoints. Views parse, call one service, render. Every lookup goes through the
access functions (`access_profile`, `access_entry`), so another person's profile or entry is a
404; domain errors raised by services become HTTP in `sigmd_portal.exceptions`, not here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models, transaction
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
from sigmd_portal.api import ErrorSerializer
from sigmd_portal.client_ip import client_ip
from sigmd_portal.throttles import InvitationCodeThrottle

from . import managers, services
from .access import access_entry, access_profile, profiles_visible_to
from .models import CareLink, Entry, InfectionEpisode, Profile
from .selectors import entry_guidance
from .serializers import (
    AccessLogEntrySerializer,
    CareLinkSerializer,
    CreatedBySerializer,
    EntrySerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    JoinWithCodeSerializer,
    ManagerInvitationSerializer,
    ManagerSerializer,
    ProfileSerializer,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag last seen; a stale one answers 412 and changes nothing.",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="`id_conflict`: the id is already used for different content, or is not yours.",
)
STALE = OpenApiResponse(
    ErrorSerializer, description="`stale`: If-Match no longer matches: someone changed it first."
)
NO_CONTENT = OpenApiResponse(description="Done; no body.")


def with_etag(response: Response, row: Any) -> Response:
    response["ETag"] = row.etag
    return response


class ProfileScopedView(GenericAPIView):
    """A view under /profiles/{profile_id}/: finds the profile through the access function
    and writes the access log for anyone other than its managers."""

    def profile(
        self, *, managed: bool = False, lock: bool = False, action: str = "read", obj: Any = None
    ) -> Profile:
        user = self.request.user
        profile = access_profile(user, self.kwargs["profile_id"], managed=managed, lock=lock)
        # Managers are never clinicians, and non-clinicians see only what they manage.
        if user.is_clinician:
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
        profiles = self.paginate_queryset(self.get_queryset())
        if request.user.is_clinician:
            for profile in profiles:
                services.access_record(
                    actor=request.user, profile=profile, action="read", ip=client_ip(request)
                )
        return self.get_paginated_response(self.get_serializer(profiles, many=True).data)

    @extend_schema(responses={200: ProfileSerializer, 201: ProfileSerializer, 409: CONFLICT})
    def post(self, request: Request) -> Response:
        if request.user.is_clinician:
            raise exceptions.PermissionDenied("Clinicians do not create profiles.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile, created = services.profile_create(user=request.user, data=serializer.validated_data)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return with_etag(Response(self.get_serializer(profile).data, status=code), profile)


@extend_schema(tags=["profiles"])
class ProfileDetailView(ProfileScopedView):
    serializer_class = ProfileSerializer
    http_method_names = ["get", "patch", "delete", "head"]

    def get(self, request: Request, profile_id: str) -> Response:
        profile = self.profile()
        return with_etag(Response(self.get_serializer(profile).data), profile)

    @extend_schema(parameters=[IF_MATCH], responses={200: ProfileSerializer, 412: STALE})
    def patch(self, request: Request, profile_id: str) -> Response:
        with transaction.atomic():
            profile = self.profile(managed=True, lock=True)
            serializer = self.get_serializer(profile, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            services.one_profile_of_your_own(
                user=request.user, data=serializer.validated_data, profile_id=profile.pk
            )
            profile = services.versioned_update(
                row=profile,
                data=serializer.validated_data,
                if_match=request.headers.get("If-Match"),
                evaluate=True,
            )
        return with_etag(Response(self.get_serializer(profile).data), profile)

    @extend_schema(
        parameters=[IF_MATCH],
        responses={
            204: NO_CONTENT,
            409: OpenApiResponse(
                ErrorSerializer,
                description="`other_managers`: someone else manages this profile too; leave it "
                "(DELETE …/managers/{your id}/) or ask them.",
            ),
            412: STALE,
        },
    )
    def delete(self, request: Request, profile_id: str) -> Response:
        """Delete the profile, its entries and their history. Refused (409) while someone else
        manages it too. The access log is kept, pseudonymised."""
        with transaction.atomic():
            profile = self.profile(managed=True, lock=True)
            managers.profile_delete(
                profile=profile, user=request.user, if_match=request.headers.get("If-Match")
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- entries ----------------------------------------------------------------------------------


def guidance_for(entry: Entry, profile: Profile) -> dict | None:
    found = entry_guidance(entry, profile, now=timezone.localtime())
    return found.as_dict() if found else None


class EntryView(ProfileScopedView):
    """Configured per entry type in urls.py with `model`, `serializer_class` and, for the
    types that carry safety guidance, `response_serializer_class` (the entry + `guidance`)."""

    model: type[Entry] = InfectionEpisode
    serializer_class: type[EntrySerializer] = EntrySerializer
    response_serializer_class: type[EntrySerializer] | None = None

    def written(self) -> type[EntrySerializer]:
        """The shape of the answer to a create or an update."""
        return self.response_serializer_class or self.serializer_class

    def render(self, entry: Entry, profile: Profile, code: int = status.HTTP_200_OK) -> Response:
        context = {"guidance": guidance_for(entry, profile)} if self.response_serializer_class else {}
        return with_etag(Response(self.written()(entry, context=context).data, status=code), entry)

    def schema_responses(self, method: str) -> dict | None:
        written = self.written()
        by_method: dict[str, dict] = {
            "POST": {
                201: OpenApiResponse(written, description="Created."),
                200: OpenApiResponse(
                    written, description="A replay of a create already stored: nothing new made."
                ),
                409: CONFLICT,
            },
            "PATCH": {200: written, 412: STALE},
            "DELETE": {204: NO_CONTENT, 412: STALE},
        }
        return by_method.get(method)


def listed_columns(model: type[Entry]) -> list[str]:
    """What a list of entries loads: the entry's own columns and, of who logged each one, only
    what the list shows (not the whole account, a row per entry)."""
    own = [field.name for field in model._meta.concrete_fields]
    return own + [f"created_by__{name}" for name in CreatedBySerializer().fields]


class EntryListView(ListModelMixin, EntryView):
    """The profile's entries of this type, newest first (cursor pages). POST creates one; a
    client-chosen `id` makes the create safe to replay."""

    def get(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(obj=self.model)
        entries = self.model._default_manager.filter(profile=profile).select_related("created_by")
        page = self.paginate_queryset(entries.only(*listed_columns(self.model)))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(managed=True)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry, created = services.entry_create(
            model=self.model, profile=profile, data=serializer.validated_data, created_by=request.user
        )
        return self.render(entry, profile, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class EntryDetailView(EntryView):
    http_method_names = ["get", "patch", "delete", "head"]

    def entry(self, *, managed: bool = False, lock: bool = False) -> Entry:
        return access_entry(
            self.request.user,
            self.kwargs["profile_id"],
            self.model,
            self.kwargs["entry_id"],
            managed=managed,
            lock=lock,
        )

    def get(self, request: Request, profile_id: str, entry_id: str) -> Response:
        entry = self.entry()
        if request.user.is_clinician:
            services.access_record(
                actor=request.user, profile=entry.profile, action="read", obj=entry, ip=client_ip(request)
            )
        return with_etag(Response(self.get_serializer(entry).data), entry)

    @extend_schema(parameters=[IF_MATCH])
    def patch(self, request: Request, profile_id: str, entry_id: str) -> Response:
        with transaction.atomic():
            entry = self.entry(managed=True, lock=True)  # the one lookup: checked and locked
            serializer = self.get_serializer(entry, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            entry = services.versioned_update(
                row=entry,
                data=serializer.validated_data,
                if_match=request.headers.get("If-Match"),
                evaluate=True,
            )
        return self.render(entry, entry.profile)

    @extend_schema(parameters=[IF_MATCH])
    def delete(self, request: Request, profile_id: str, entry_id: str) -> Response:
        with transaction.atomic():
            entry = self.entry(managed=True, lock=True)
            services.entry_delete(entry=entry, if_match=request.headers.get("If-Match"))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- managers ----------------------------------------------------------------------------------


@extend_schema(tags=["profiles"])
class ManagerListView(ListModelMixin, ProfileScopedView):
    """Who manages the profile (e.g. both parents). POST makes a single-use code (valid two days)
    that the other parent enters at POST /api/v1/profiles/join."""

    serializer_class = ManagerSerializer

    def get(self, request: Request, profile_id: str) -> Response:
        profile = self.profile()
        page = self.paginate_queryset(profile.managers.order_by("email"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=None, responses={201: ManagerInvitationSerializer})
    def post(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(managed=True)
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


@extend_schema(tags=["profiles"], responses={204: NO_CONTENT})
class ManagerDetailView(ProfileScopedView):
    """Leave the profile (your own id), or remove another manager, who is told by e-mail.
    The profile's only manager cannot leave: they delete the profile instead (400)."""

    serializer_class = ManagerSerializer
    http_method_names = ["delete"]

    def delete(self, request: Request, profile_id: str, user_id: str) -> Response:
        profile = self.profile(managed=True)
        managers.manager_remove(profile=profile, user_id=user_id, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["profiles"])
class AccessLogView(ListModelMixin, ProfileScopedView):
    """Managers only: who outside the profile's managers read or changed its data, newest
    first — by name and care team."""

    serializer_class = AccessLogEntrySerializer

    def get(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(managed=True)
        page = self.paginate_queryset(profile.access_log.all())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- consent: care links ---------------------------------------------------------------------


@contextmanager
def wrong_codes_limited(request: Request, scope: str) -> Iterator[None]:
    """Wrong codes are limited atomically per account, per address and in total (see
    sigmd_portal/wrong_codes.py); only failures count, so a family joining two teams is never
    slowed down."""
    # A wrong code is a RuleViolation on `code`: the one exception handler answers it (400).
    with wrong_codes.wrong_codes_limited(request, scope=scope, wrong=services.InvalidInvitation):
        yield


@extend_schema(tags=["care links"])
class CareLinkListView(ListModelMixin, ProfileScopedView):
    """Managers only: the care teams the profile is shared with (revoked links included)."""

    serializer_class = CareLinkSerializer

    def get_throttles(self):
        # Entering an invitation code (POST) is throttled on top of the wrong-code limit.
        extra = [InvitationCodeThrottle()] if self.request.method == "POST" else []
        return [*super().get_throttles(), *extra]

    def get(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(managed=True)
        page = self.paginate_queryset(profile.care_links.select_related("team"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=JoinWithCodeSerializer, responses={201: CareLinkSerializer, 200: CareLinkSerializer}
    )
    def post(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(managed=True)
        body = JoinWithCodeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with wrong_codes_limited(request, "invitation"):
            link, created = services.care_link_join(
                profile=profile, code=body.validated_data["code"], user=request.user
            )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(link).data, status=code)


@extend_schema(tags=["care links"], responses={204: NO_CONTENT})
class CareLinkDetailView(ProfileScopedView):
    """Revoke consent: the team loses access at once."""

    serializer_class = CareLinkSerializer
    http_method_names = ["delete"]

    def delete(self, request: Request, profile_id: str, link_id: str) -> Response:
        profile = self.profile(managed=True)
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
