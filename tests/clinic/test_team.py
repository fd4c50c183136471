"""A team's page: invitations first (issue, see pending, revoke), members, then the thresholds
as a formset checked against the rule table (urgent rules stay on, windows 2 to 14 days)."""

import datetime as dt

import pytest
from django.utils import timezone

from care.forms import rules_formset
from care.models import TeamRuleSetting
from care.selectors import team_settings
from diary.models import CareTeamInvitation
from diary.services import InvalidInvitation, care_link_join

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def form_data(team, **changes) -> dict:
    """What the browser sends back when the page's form is submitted as shown."""
    formset = rules_formset(None, settings=team_settings(team))
    data = {field.html_name: field.value() for field in formset.management_form}
    for form in formset:
        for field in form:
            if field.field.disabled:
                continue  # a browser sends no disabled input
            value = field.value()
            if value is True:
                data[field.html_name] = "on"
            elif value is not False:
                data[field.html_name] = value
    data["escalation_delay_minutes"] = team.escalation_delay_minutes
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def field(rule: str, name: str) -> str:
    from care.forms import RULES_IN_ORDER

    index = [r.code for r in RULES_IN_ORDER].index(rule)
    return f"rules-{index}-{name}"


def test_the_page_puts_invitations_first_then_members_then_thresholds(clinician, team):
    html = signed_in(clinician).get(f"/clinic/teams/{team.pk}/").content.decode()
    order = [html.index(h) for h in ("Invite a family", "Members", "Alert thresholds")]
    assert order == sorted(order)
    assert "dr.okafor@hospital.org" in html
    assert "default 4" in html and "default 365" in html  # the defaults beside the values


def test_valid_thresholds_are_saved(clinician, team):
    client = signed_in(clinician)
    data = form_data(
        team, **{field("recurrent_ear_infections", "child_threshold"): 5, "escalation_delay_minutes": 10}
    )
    del data[field("persistent_thrush", "enabled")]
    response = client.post(f"/clinic/teams/{team.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    ear = TeamRuleSetting.objects.get(team=team, rule="recurrent_ear_infections")
    assert (ear.child_threshold, ear.adult_threshold) == (5, 2)
    assert TeamRuleSetting.objects.get(team=team, rule="persistent_thrush").enabled is False
    assert TeamRuleSetting.objects.get(team=team, rule="severe_infection").child_threshold == 1
    team.refresh_from_db()
    assert team.escalation_delay_minutes == 10


@pytest.mark.parametrize(
    ("rule", "name", "value", "message"),
    [
        (
            "recurrent_pneumonia",
            "adult_threshold",
            0,
            "Recurrent pneumonia, adults: threshold: Must be at least 1.",
        ),
        (
            "severe_infection",
            "child_window_days",
            15,
            "Severe infection, children: window (days): Must be between 2 and 14 days.",
        ),
        (
            "red_flag_symptoms",
            "adult_window_days",
            1,
            "Red-flag symptoms, adults: window (days): Must be between 2 and 14 days.",
        ),
    ],
)
def test_values_outside_the_rule_tables_bounds_change_nothing(clinician, team, rule, name, value, message):
    data = form_data(team, **{field(rule, name): value, "escalation_delay_minutes": 5})
    response = signed_in(clinician).post(f"/clinic/teams/{team.pk}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html and message in html
    assert f'value="{value}"' in html  # what was typed is still there
    assert not TeamRuleSetting.objects.filter(team=team).exists()
    team.refresh_from_db()
    assert team.escalation_delay_minutes == 15


def test_urgent_rules_cannot_be_switched_off(clinician, team):
    data = form_data(team)
    data[field("severe_infection", "enabled")] = ""  # even a hand-made request
    data[field("severe_infection", "child_threshold")] = 7
    assert signed_in(clinician).post(f"/clinic/teams/{team.pk}/", data).status_code == 302
    severe = TeamRuleSetting.objects.get(team=team, rule="severe_infection")
    assert severe.enabled is True and severe.child_threshold == 1


def test_invitations_are_issued_listed_and_revoked(clinician, team, owner, child):
    client = signed_in(clinician)
    response = client.post(f"/clinic/teams/{team.pk}/invitations/")
    invitation = CareTeamInvitation.objects.get(team=team)
    assert response["Location"] == f"/clinic/teams/{team.pk}/invitations/{invitation.pk}/"
    shown = client.get(response["Location"]).content.decode()
    assert f"{invitation.code[:4]} {invitation.code[4:]}" in shown
    page = client.get(f"/clinic/teams/{team.pk}/").content.decode()
    assert "Codes not used yet" in page and invitation.code[:4] in page
    client.post(f"/clinic/teams/{team.pk}/invitations/{invitation.pk}/revoke")
    assert "Codes not used yet" not in client.get(f"/clinic/teams/{team.pk}/").content.decode()
    with pytest.raises(InvalidInvitation):
        care_link_join(profile=child, code=invitation.code, user=owner)


def test_another_team_cannot_revoke_this_teams_codes(other_team_clinician, clinician, team):
    invitation = CareTeamInvitation.objects.create(
        team=team, code="ABCD2345", created_by=clinician, expires_at=timezone.now() + dt.timedelta(days=1)
    )
    client = signed_in(other_team_clinician)
    assert client.post(f"/clinic/teams/{team.pk}/invitations/{invitation.pk}/revoke").status_code == 404
    other = other_team_clinician.care_teams.get()
    assert client.post(f"/clinic/teams/{other.pk}/invitations/{invitation.pk}/revoke").status_code == 404
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now()
