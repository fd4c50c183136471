"""The clinicians' pages, included at /clinic/."""

from django.urls import path

from .clinic import alerts, patients, signin, teams

app_name = "clinic"

urlpatterns = [
    path("sign-in/", signin.sign_in, name="sign-in"),
    path("sign-in/code/", signin.sign_in_code, name="sign-in-code"),
    path("verify/", signin.verify, name="verify"),
    path("reauthenticate/", signin.reauthenticate, name="reauthenticate"),
    path("setup-2fa/", signin.setup_2fa, name="setup-2fa"),
    path("sign-out/", signin.sign_out, name="sign-out"),
    path("", alerts.inbox, name="inbox"),
    path("inbox/status.json", alerts.inbox_status, name="inbox-status"),
    path("notifications/read", alerts.notifications_read, name="notifications-read"),
    path("alerts/<uuid:alert_id>/", alerts.alert_detail, name="alert"),
    path("alerts/<uuid:alert_id>/acknowledge", alerts.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/<uuid:alert_id>/resolve", alerts.alert_resolve, name="alert-resolve"),
    path("patients/", patients.patient_list, name="patients"),
    path("patients/<uuid:profile_id>/", patients.patient_page, name="patient"),
    path("teams/<uuid:team_id>/", teams.team_settings_page, name="team"),
    path("teams/<uuid:team_id>/invitations/", teams.team_invitation_create, name="invitation-create"),
    path("teams/<uuid:team_id>/invitations/<uuid:invitation_id>/", teams.team_invitation, name="invitation"),
    path(
        "teams/<uuid:team_id>/invitations/<uuid:invitation_id>/revoke",
        teams.team_invitation_revoke,
        name="invitation-revoke",
    ),
]
