"""The clinicians' pages, included at /clinic/."""

from django.urls import path

from . import clinic

app_name = "clinic"

urlpatterns = [
    path("", clinic.inbox, name="inbox"),
    path("setup-2fa/", clinic.setup_2fa, name="setup-2fa"),
    path("alerts/<uuid:alert_id>/", clinic.alert_detail, name="alert"),
    path("alerts/<uuid:alert_id>/acknowledge", clinic.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/<uuid:alert_id>/resolve", clinic.alert_resolve, name="alert-resolve"),
    path("patients/<uuid:profile_id>/", clinic.patient_timeline, name="patient"),
    path("teams/<uuid:team_id>/rules/", clinic.team_rules, name="team-rules"),
    path("teams/<uuid:team_id>/invitations/", clinic.team_invitation_create, name="invitation-create"),
    path(
        "teams/<uuid:team_id>/invitations/<uuid:invitation_id>/",
        clinic.team_invitation,
        name="invitation",
    ),
]
