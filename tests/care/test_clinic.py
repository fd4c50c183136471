"""The clinicians' pages under /clinic/: who gets in, and what each page shows and changes."""

import datetime as dt
import re

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client
from django.utils import timezone

from care import evaluation, notifications
from care.forms import TeamRulesForm
from care.models import Alert, Notification, TeamRuleSetting
from diary.models import (
    AccessLogEntry,
    CareTeamInvitation,
    InfectionEpisode,
    LabResult,
    SymptomEntry,
    Vaccination,
)
from tests.factories import CareTeamFactory, ProfileFactory, clinician_in, link_to_team, totp_code

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def severe_episode(profile, **fields) -> InfectionEpisode:
    fields = {"kind": "meningitis", "onset": TODAY, "severity": "severe", **fields}
    return InfectionEpisode.objects.create(profile=profile, **fields)


@pytest.fixture
def alert(linked_child) -> Alert:
    severe_episode(linked_child, organism="Neisseria meningitidis")
    [alert] = evaluation.profile_evaluate(profile=linked_child, on=TODAY, now=timezone.now())
    return alert


@pytest.fixture
def other_teams_alert(other_team_clinician) -> Alert:
    profile = ProfileFactory(display_name="Zed")
    link_to_team(profile, other_team_clinician.care_teams.get())
    severe_episode(profile)
    [alert] = evaluation.profile_evaluate(profile=profile, on=TODAY, now=timezone.now())
    return alert


# --- who gets in ------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in_in_the_app(alert, linked_child, team):
    for path in ("/clinic/", f"/clinic/alerts/{alert.pk}/", f"/clinic/patients/{linked_child.pk}/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/app/")
        assert "next=" in response["Location"]


def test_patients_and_caregivers_find_no_clinic(owner, stranger, alert, linked_child, team):
    for user in (owner, stranger):
        client = signed_in(user)
        assert client.get("/clinic/").status_code == 404
        assert client.get(f"/clinic/alerts/{alert.pk}/").status_code == 404
        assert client.get(f"/clinic/patients/{linked_child.pk}/").status_code == 404
        assert client.get(f"/clinic/teams/{team.pk}/rules/").status_code == 404


def test_a_clinician_without_totp_must_set_it_up_first(team, alert, linked_child):
    newcomer = clinician_in(team, totp=False, email="dr.new@hospital.org")
    client = signed_in(newcomer)
    for path in ("/clinic/", f"/clinic/alerts/{alert.pk}/", f"/clinic/patients/{linked_child.pk}/"):
        assert client.get(path)["Location"] == "/clinic/setup-2fa/"

    page = client.get("/clinic/setup-2fa/")
    secret = client.session[SECRET_SESSION_KEY]
    html = page.content.decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert "otpauth://totp/" in html and secret in html

    wrong = client.post(
        "/clinic/setup-2fa/", {"code": "000000" if totp_code(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    assert not newcomer.has_totp()

    done = client.post("/clinic/setup-2fa/", {"code": totp_code(secret)})
    assert done.status_code == 302 and done["Location"] == "/clinic/"
    assert newcomer.has_totp()
    # The recovery codes are shown once, on the first page after setup.
    assert "Save your recovery codes" in client.get("/clinic/").content.decode()
    assert "Save your recovery codes" not in client.get("/clinic/").content.decode()
    assert client.get("/clinic/setup-2fa/")["Location"] == "/clinic/"


# --- the inbox and the alert ------------------------------------------------------------------


def test_the_inbox_lists_the_teams_alerts_and_no_other_teams(clinician, alert, other_teams_alert):
    html = signed_in(clinician).get("/clinic/").content.decode()
    assert f"/clinic/alerts/{alert.pk}/" in html
    assert "Ada" in html and "Urgent" in html and "Severe infection" in html
    assert f"/clinic/alerts/{other_teams_alert.pk}/" not in html and "Zed" not in html


def test_the_inbox_filters_by_status(clinician, alert):
    client = signed_in(clinician)
    assert f"/clinic/alerts/{alert.pk}/" in client.get("/clinic/?status=open").content.decode()
    assert f"/clinic/alerts/{alert.pk}/" not in client.get("/clinic/?status=resolved").content.decode()


def test_opening_an_alert_marks_its_notification_read(clinician, alert):
    notifications.alert_notify(alert=alert, kind="alert")
    client = signed_in(clinician)
    assert "1 unread notification" in client.get("/clinic/").content.decode()
    client.get(f"/clinic/alerts/{alert.pk}/")
    assert Notification.objects.get(recipient=clinician, alert=alert).read_at is not None
    assert "No unread notifications" in client.get("/clinic/").content.decode()


def test_the_alert_shows_its_rule_evidence_and_forms(clinician, alert):
    html = signed_in(clinician).get(f"/clinic/alerts/{alert.pk}/").content.decode()
    assert "1 or more within 14 days" in html
    assert "Meningitis" in html and "Neisseria meningitidis" in html
    assert html.count("csrfmiddlewaretoken") == 2  # acknowledge and resolve


def test_a_clinician_acknowledges_then_resolves_with_a_note(clinician, alert):
    client = signed_in(clinician)
    response = client.post(f"/clinic/alerts/{alert.pk}/acknowledge")
    assert response["Location"] == f"/clinic/alerts/{alert.pk}/"
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == clinician

    client.post(f"/clinic/alerts/{alert.pk}/resolve", {"note": "Seen in clinic, recovering"})
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolution_note == "Seen in clinic, recovering"
    html = client.get(f"/clinic/alerts/{alert.pk}/").content.decode()
    assert "Seen in clinic, recovering" in html and "dr.okafor@hospital.org" in html
    assert "csrfmiddlewaretoken" not in html  # nothing left to do


def test_another_teams_clinician_gets_404(other_team_clinician, alert, linked_child, team):
    client = signed_in(other_team_clinician)
    assert client.get(f"/clinic/alerts/{alert.pk}/").status_code == 404
    assert client.post(f"/clinic/alerts/{alert.pk}/acknowledge").status_code == 404
    assert client.post(f"/clinic/alerts/{alert.pk}/resolve", {"note": ""}).status_code == 404
    assert client.get(f"/clinic/patients/{linked_child.pk}/").status_code == 404
    assert client.get(f"/clinic/teams/{team.pk}/rules/").status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"
    assert not AccessLogEntry.objects.filter(actor=other_team_clinician).exists()


# --- the patient ------------------------------------------------------------------------------


def test_the_timeline_shows_every_entry_type_newest_first_and_is_logged(clinician, linked_child):
    severe_episode(linked_child, kind="pneumonia", onset=TODAY - dt.timedelta(days=40))
    Vaccination.objects.create(profile=linked_child, vaccine="PCV20", given_on=TODAY - dt.timedelta(days=20))
    LabResult.objects.create(
        profile=linked_child, analyte="IgM", value=18, unit="mg/dL", reference_low=40, collected_on=TODAY
    )
    SymptomEntry.objects.create(
        profile=linked_child,
        recorded_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=5),
        symptoms=["fever", "stiff_neck"],
        temperature_c=39,
    )
    response = signed_in(clinician).get(f"/clinic/patients/{linked_child.pk}/", REMOTE_ADDR="10.1.2.3")
    html = response.content.decode()
    timeline = html[html.index("Diary, newest first") :]
    order = [
        timeline.index(word)
        for word in ("IgM", "Stiff neck (cannot touch chin to chest) (red flag)", "PCV20", "Pneumonia")
    ]
    assert order == sorted(order)
    assert "below range" in html
    assert "Last 12 months" in html and "Recurrent pneumonia" in html
    log = AccessLogEntry.objects.get(profile=linked_child)
    assert (log.actor, log.action, log.ip_address) == (clinician, "read", "10.1.2.3")


def test_a_profile_not_linked_to_the_team_is_404(clinician, child):
    assert signed_in(clinician).get(f"/clinic/patients/{child.pk}/").status_code == 404


# --- the team ---------------------------------------------------------------------------------


def rules_form_data(team, **changes) -> dict:
    """What the browser sends back when the page's form is submitted as shown."""
    form = TeamRulesForm(team=team)
    data = {
        field.html_name: ("on" if field.value() is True else field.value())
        for row in [*form.rules, form.escalation]
        for field in row
        if field.value() is not False
    }
    return {**data, **changes}


def test_the_rules_form_saves_valid_thresholds(clinician, team):
    client = signed_in(clinician)
    assert client.get(f"/clinic/teams/{team.pk}/rules/").status_code == 200
    data = rules_form_data(
        team, **{"recurrent_ear_infections-child_threshold": 5, "escalation_delay_minutes": 10}
    )
    del data["persistent_thrush-enabled"]
    response = client.post(f"/clinic/teams/{team.pk}/rules/", data)
    assert response.status_code == 302
    ear = TeamRuleSetting.objects.get(team=team, rule="recurrent_ear_infections")
    assert (ear.child_threshold, ear.adult_threshold) == (5, 2)
    assert TeamRuleSetting.objects.get(team=team, rule="persistent_thrush").enabled is False
    assert TeamRuleSetting.objects.get(team=team, rule="severe_infection").child_threshold == 1
    team.refresh_from_db()
    assert team.escalation_delay_minutes == 10


def test_the_rules_form_refuses_zero_and_changes_nothing(clinician, team):
    data = rules_form_data(team, **{"recurrent_pneumonia-adult_threshold": 0, "escalation_delay_minutes": 5})
    response = signed_in(clinician).post(f"/clinic/teams/{team.pk}/rules/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert re.search(
        r"Recurrent pneumonia, adults: threshold: Ensure this value is greater than or equal to 1", html
    )
    assert not TeamRuleSetting.objects.filter(team=team).exists()
    team.refresh_from_db()
    assert team.escalation_delay_minutes == 15


def test_an_invitation_code_is_shown_to_read_aloud(clinician, team):
    client = signed_in(clinician)
    response = client.post(f"/clinic/teams/{team.pk}/invitations/")
    invitation = CareTeamInvitation.objects.get(team=team)
    assert response["Location"] == f"/clinic/teams/{team.pk}/invitations/{invitation.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert f"{invitation.code[:4]} {invitation.code[4:]}" in html
    assert invitation.expires_at.isoformat(timespec="seconds")[:10] in html


def test_another_team_cannot_issue_or_read_this_teams_codes(other_team_clinician, clinician, team):
    invitation = CareTeamInvitation.objects.create(
        team=team,
        code="ABCD2345",
        created_by=clinician,
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
    )
    client = signed_in(other_team_clinician)
    assert client.post(f"/clinic/teams/{team.pk}/invitations/").status_code == 404
    assert client.get(f"/clinic/teams/{team.pk}/invitations/{invitation.pk}/").status_code == 404
    other = other_team_clinician.care_teams.get()
    assert client.get(f"/clinic/teams/{other.pk}/invitations/{invitation.pk}/").status_code == 404
    assert CareTeamInvitation.objects.count() == 1


def test_a_clinician_in_two_teams_sees_both_in_the_inbox(clinician):
    second = CareTeamFactory(name="Adult Immunology")
    second.memberships.create(user=clinician)
    html = signed_in(clinician).get("/clinic/").content.decode()
    assert "Adult Immunology" in html and "Children&#x27;s Immunology" in html


def test_the_patient_page_links_its_unresolved_alerts(clinician, alert, linked_child):
    html = signed_in(clinician).get(f"/clinic/patients/{linked_child.pk}/").content.decode()
    assert f'<a href="/clinic/alerts/{alert.pk}/">Severe infection</a>' in html
