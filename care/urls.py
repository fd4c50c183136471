from django.urls import path

from . import api

urlpatterns = [
    path("alerts/", api.AlertListView.as_view(), name="alert-list"),
    path("alerts/<uuid:alert_id>/acknowledge", api.AlertAcknowledgeView.as_view(), name="alert-acknowledge"),
    path("alerts/<uuid:alert_id>/resolve", api.AlertResolveView.as_view(), name="alert-resolve"),
    path("care-teams/<uuid:team_id>/rules/", api.TeamRulesView.as_view(), name="team-rules"),
    path("profiles/<uuid:profile_id>/summary", api.ProfileSummaryView.as_view(), name="profile-summary"),
    path("notifications/", api.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/<int:notification_id>/read",
        api.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path("push-subscriptions/", api.PushSubscriptionView.as_view(), name="push-subscriptions"),
    path("push-subscriptions/key", api.PushKeyView.as_view(), name="push-key"),
]
