from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import CareTeam
from accounts.permissions import IsClinician
from diary.api import NO_CONTENT, ProfileScopedView, client_ip
from sigmd_portal.api import ErrorSerializer

from . import rules, tasks
from .alerts import alert_acknowledge, alert_resolve, alerts_seen
from .models import Notification, PushSubscription
from .push_subscriptions import push_subscription_register
from .selectors import alerts_visible_to, summary_with_thresholds, team_settings
from .serializers import (
    AlertFilterSerializer,
    AlertSerializer,
    NotificationFilterSerializer,
    NotificationSerializer,
    PushEndpointSerializer,
    PushKeySerializer,
    PushSubscriptionOutSerializer,
    PushSubscriptionSerializer,
    ResolveSerializer,
    SummarySerializer,
    TeamRulesSerializer,
)
from .thresholds import team_rules_replace


@extend_schema(tags=["alerts"], parameters=[AlertFilterSerializer])
class AlertListView(ListAPIView):
    """Clinicians: alerts for their teams' linked profiles. Patients and caregivers: alerts on
    their own profiles, read-only (shows when the care team saw them). Filter: ?status=, ?profile=."""

    serializer_class = AlertSerializer
    query_parameters = ("status", "profile")

    def get_queryset(self):
        filters = AlertFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        alerts = alerts_visible_to(self.request.user).select_related("team", "profile", "acknowledged_by")
        if status_ := filters.validated_data.get("status"):
            alerts = alerts.filter(status=status_)
        if profile := filters.validated_data.get("profile"):
            alerts = alerts.filter(profile_id=profile)
        return alerts

    def list(self, request: Request, *args, **kwargs) -> Response:
        alerts = self.paginate_queryset(self.get_queryset())
        alerts_seen(actor=request.user, alerts=alerts, ip=client_ip(request))
        return self.get_paginated_response(self.get_serializer(alerts, many=True).data)


class AlertTransitionView(GenericAPIView):
    serializer_class = AlertSerializer

    def alert(self, alert_id: str):
        alert = get_object_or_404(alerts_visible_to(self.request.user), pk=alert_id)
        if not self.request.user.is_clinician:
            raise exceptions.PermissionDenied("Only the care team can acknowledge or resolve alerts.")
        return alert


ILLEGAL_TRANSITION = OpenApiResponse(
    ErrorSerializer, description="`illegal_transition`: the alert is already resolved."
)


@extend_schema(tags=["alerts"], request=None, responses={200: AlertSerializer, 409: ILLEGAL_TRANSITION})
class AlertAcknowledgeView(AlertTransitionView):
    def post(self, request: Request, alert_id: str) -> Response:
        alert = alert_acknowledge(alert=self.alert(alert_id), user=request.user, ip=client_ip(request))
        return Response(AlertSerializer(alert).data)


@extend_schema(
    tags=["alerts"], request=ResolveSerializer, responses={200: AlertSerializer, 409: ILLEGAL_TRANSITION}
)
class AlertResolveView(AlertTransitionView):
    def post(self, request: Request, alert_id: str) -> Response:
        alert = self.alert(alert_id)
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alert = alert_resolve(
            alert=alert, user=request.user, note=body.validated_data["note"], ip=client_ip(request)
        )
        return Response(AlertSerializer(alert).data)


def rules_payload(team: CareTeam) -> dict:
    thresholds = team_settings(team)
    return {
        "escalation_delay_minutes": team.escalation_delay_minutes,
        "rules": [
            {
                "rule": code,
                "label": rule.label,
                "priority": rule.priority,
                "unit": rule.unit,
                "can_disable": rule.can_disable,
                "min_window_days": rule.min_window_days,
                "max_window_days": rule.max_window_days,
                "enabled": rules.in_force(code, rules.CHILD, thresholds).enabled,
                **{
                    band: {
                        "threshold": thresholds[code][band].count,
                        "window_days": thresholds[code][band].window_days,
                    }
                    for band in (rules.CHILD, rules.ADULT)
                },
            }
            for code, rule in rules.RULES.items()
        ],
    }


@extend_schema(tags=["care teams"])
class TeamRulesView(GenericAPIView):
    """The team's thresholds. PUT replaces them: rules left out go back to the defaults."""

    permission_classes = [IsClinician]
    serializer_class = TeamRulesSerializer

    def team(self, team_id: str) -> CareTeam:
        return get_object_or_404(CareTeam.objects.filter(memberships__user=self.request.user), pk=team_id)

    def get(self, request: Request, team_id: str) -> Response:
        return Response(rules_payload(self.team(team_id)))

    def put(self, request: Request, team_id: str) -> Response:
        team = self.team(team_id)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        settings_in = TeamRulesSerializer.rule_settings(body.validated_data)
        team_evaluation = team_rules_replace(
            team=team,
            settings_in=settings_in,
            user=request.user,
            escalation_delay_minutes=body.validated_data.get("escalation_delay_minutes"),
        )
        transaction.on_commit(lambda: tasks.team_evaluation_dispatch(team_evaluation.pk))
        team.refresh_from_db()
        return Response(rules_payload(team))


@extend_schema(tags=["profiles"], responses={200: SummarySerializer})
class ProfileSummaryView(ProfileScopedView):
    """The last 12 months in numbers, with which alert thresholds are met: those of the team in
    force (the clinician's own; a manager's one linked team), else the defaults."""

    serializer_class = SummarySerializer

    def get(self, request: Request, profile_id: str) -> Response:
        profile = self.profile(obj=None)
        summary = summary_with_thresholds(request.user, profile, today=timezone.localdate())
        return Response(SummarySerializer(summary).data)


@extend_schema(tags=["push"])
class PushSubscriptionView(GenericAPIView):
    """This device's Web Push subscription (the browser's PushSubscription.toJSON())."""

    permission_classes = [IsAuthenticated]
    serializer_class = PushSubscriptionSerializer
    delete_takes_body = True  # DELETE names the endpoint in its body, as POST does

    @extend_schema(
        responses={
            201: PushSubscriptionOutSerializer,
            200: PushSubscriptionOutSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="`endpoint_taken`: the endpoint is registered to another account; "
                "it is not moved. Unsubscribe in the browser and subscribe again.",
            ),
        }
    )
    def post(self, request: Request) -> Response:
        """Register this device. Endpoints must be on a known push service
        (`SIGMD_PUSH_SERVICE_HOSTS`: FCM, Mozilla, Apple, Windows)."""
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        keys = body.validated_data.get("keys")
        if not keys:
            raise exceptions.ValidationError({"keys": ["This field is required."]})
        subscription, created = push_subscription_register(
            user=request.user,
            endpoint=body.validated_data["endpoint"],
            p256dh=keys["p256dh"],
            auth=keys["auth"],
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(PushSubscriptionOutSerializer(subscription).data, status=code)

    @extend_schema(
        request=PushEndpointSerializer,
        responses={
            204: NO_CONTENT,
            404: OpenApiResponse(ErrorSerializer, description="No subscription of yours has this endpoint."),
        },
    )
    def delete(self, request: Request) -> Response:
        """Forget this device's subscription (e.g. on signing out)."""
        body = PushEndpointSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        deleted, _ = PushSubscription.objects.filter(
            user=request.user, endpoint=body.validated_data["endpoint"]
        ).delete()
        if not deleted:
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["push"])
class PushKeyView(GenericAPIView):
    """The VAPID public key a browser needs to subscribe (empty when Web Push is off)."""

    permission_classes = [IsAuthenticated]
    serializer_class = PushKeySerializer

    def get(self, request: Request) -> Response:
        return Response({"enabled": settings.WEB_PUSH_ENABLED, "public_key": settings.VAPID_PUBLIC_KEY})


@extend_schema(tags=["alerts"], parameters=[NotificationFilterSerializer])
class NotificationListView(ListAPIView):
    """The clinician's in-app inbox: new and escalated alerts, newest first. ?unread=1 filters."""

    serializer_class = NotificationSerializer
    permission_classes = [IsClinician]
    query_parameters = ("unread",)

    def get_queryset(self):
        # Through the alerts the clinician may still see: a revoked link empties the inbox too.
        notes = Notification.objects.filter(
            recipient=self.request.user, alert__in=alerts_visible_to(self.request.user)
        ).select_related("alert")
        filters = NotificationFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        if filters.validated_data.get("unread"):
            notes = notes.filter(read_at__isnull=True)
        return notes


@extend_schema(tags=["alerts"], request=None, responses={204: NO_CONTENT})
class NotificationReadView(GenericAPIView):
    permission_classes = [IsClinician]
    serializer_class = NotificationSerializer

    def post(self, request: Request, notification_id: int) -> Response:
        updated = Notification.objects.filter(
            pk=notification_id, recipient=request.user, read_at__isnull=True
        )
        if (
            not updated.update(read_at=timezone.now())
            and not Notification.objects.filter(pk=notification_id, recipient=request.user).exists()
        ):
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
