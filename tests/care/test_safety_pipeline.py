"""The safety behaviour of issue 9 end to end, on the database: one urgent alert for a feverish
night, a new one after acknowledgement, red-flag temperatures on infection entries, escalation of
an ongoing episode, the bounds on tuning, who logged an entry, and the digest's consent filter."""

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from care.models import Alert, Delivery, Notification
from diary.models import InfectionEpisode
from tests.conftest import client_for
from tests.factories import ProfileFactory, link_to_team

from .test_lifecycle import digest
from .test_pipeline import log

pytestmark = pytest.mark.django_db


def red_flag_reading(hours_ago=0, codes=("difficulty_breathing",)):
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    return {"recorded_at": at.isoformat(), "symptoms": list(codes)}


def test_a_night_of_red_flags_makes_one_urgent_alert_that_grows_its_evidence(
    commit, adult, owner, clinician, second_clinician
):
    client = client_for(owner)
    first = commit(log, client, adult, red_flag_reading(3), "symptoms").json()["id"]
    later = {**red_flag_reading(1, ("blue_lips",)), "id": str(uuid.uuid4())}
    second = commit(log, client, adult, later, "symptoms").json()["id"]
    alert = Alert.objects.get()
    assert (alert.rule, alert.status) == ("red_flag_symptoms", "open")
    assert alert.evidence_ids == {first, second}
    # One notification each, not one per entry: the clinicians are not paged twice.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([clinician.email, second_clinician.email])
    assert Notification.objects.filter(recipient=clinician).count() == 1
    # Replaying an entry or re-evaluating changes nothing.
    commit(log, client, adult, later, "symptoms")
    assert Alert.objects.count() == 1 and len(mail.outbox) == 2


def test_after_acknowledgement_the_next_red_flag_raises_a_new_alert_and_a_new_message(
    commit, adult, owner, clinician
):
    client = client_for(owner)
    commit(log, client, adult, red_flag_reading(5), "symptoms")
    first = Alert.objects.get()
    client_for(clinician).post(f"/api/v1/alerts/{first.id}/acknowledge")
    mail.outbox.clear()
    later = commit(log, client, adult, red_flag_reading(0, ("seizure",)), "symptoms").json()["id"]
    new = Alert.objects.exclude(pk=first.pk).get()
    assert new.status == "open" and new.evidence_ids == {later}
    assert [m.to[0] for m in mail.outbox] == [clinician.email]


def test_an_open_urgent_alert_older_than_a_day_does_not_swallow_a_new_red_flag(
    commit, adult, owner, time_machine
):
    time_machine.move_to(timezone.now())
    client = client_for(owner)
    commit(log, client, adult, red_flag_reading(), "symptoms")
    time_machine.shift(dt.timedelta(hours=25))
    commit(log, client, adult, red_flag_reading(), "symptoms")
    assert Alert.objects.filter(rule="red_flag_symptoms", status="open").count() == 2


def test_a_febrile_60_day_old_logged_as_an_infection_gets_urgent_guidance_and_an_alert(
    commit, owner, team, clinician
):
    baby = ProfileFactory(
        display_name="Noor", date_of_birth=timezone.localdate() - dt.timedelta(days=60), managed_by=[owner]
    )
    link_to_team(baby, team)
    body = {
        "kind": "upper_respiratory",
        "onset": str(timezone.localdate()),
        "severity": "mild",
        "max_temperature_c": 38.5,
    }
    response = commit(log, client_for(owner), baby, body)
    guidance = response.json()["guidance"]
    assert guidance["level"] == "urgent" and "999" in guidance["message"]
    alert = Alert.objects.get()
    assert (alert.rule, alert.priority) == ("red_flag_symptoms", "urgent")
    assert alert.evidence == [{"type": "episode", "id": response.json()["id"]}]
    assert [m.to[0] for m in mail.outbox] == [clinician.email]


def test_an_ongoing_episode_that_escalates_pages_the_team_but_a_backfilled_one_does_not(
    commit, adult, owner, clinician
):
    client = client_for(owner)
    onset = str(timezone.localdate() - dt.timedelta(days=30))
    episode = commit(log, client, adult, {"kind": "pneumonia", "onset": onset, "severity": "moderate"}).json()
    assert InfectionEpisode.objects.get(pk=episode["id"]).severe_since is None
    assert not Alert.objects.exists()
    url = f"/api/v1/profiles/{adult.id}/infections/{episode['id']}/"
    commit(client.patch, url, {"hospitalized": True}, format="json")
    stored = InfectionEpisode.objects.get(pk=episode["id"])
    assert stored.severe_since == timezone.localdate()
    alert = Alert.objects.get()
    assert (alert.rule, alert.evidence) == ("severe_infection", [{"type": "episode", "id": episode["id"]}])
    # Logged severe from the start, long ago: it became severe at its onset, so it never pages.
    old = {"kind": "sepsis", "onset": onset, "severity": "severe", "resolved_on": None}
    old_id = commit(log, client, adult, old).json()["id"]
    assert InfectionEpisode.objects.get(pk=old_id).severe_since == timezone.localdate() - dt.timedelta(
        days=30
    )
    assert Alert.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"enabled": False}, "enabled"),
        ({"child": {"threshold": 1, "window_days": 30}}, "child"),
        ({"adult": {"threshold": 1, "window_days": 1}}, "adult"),
        ({"adult": {"threshold": 2, "window_days": 14}}, "adult"),
    ],
)
def test_urgent_rules_cannot_be_switched_off_or_widened(team, clinician, change, field):
    rule = {
        "rule": "severe_infection",
        "enabled": True,
        "child": {"threshold": 1, "window_days": 14},
        "adult": {"threshold": 1, "window_days": 14},
        **change,
    }
    client = client_for(clinician)
    response = client.put(f"/api/v1/care-teams/{team.id}/rules/", {"rules": [rule]}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]["rules"]["0"]
    assert not team.rule_settings.exists()
    shown = client.get(f"/api/v1/care-teams/{team.id}/rules/").json()["rules"]
    severe = next(r for r in shown if r["rule"] == "severe_infection")
    assert (severe["enabled"], severe["child"]["window_days"], severe["can_disable"]) == (True, 14, False)


def test_an_urgent_window_within_the_bounds_is_accepted(team, clinician):
    rule = {
        "rule": "red_flag_symptoms",
        "enabled": True,
        "child": {"threshold": 1, "window_days": 2},
        "adult": {"threshold": 1, "window_days": 7},
    }
    response = client_for(clinician).put(
        f"/api/v1/care-teams/{team.id}/rules/", {"rules": [rule]}, format="json"
    )
    assert response.status_code == 200
    shown = next(r for r in response.json()["rules"] if r["rule"] == "red_flag_symptoms")
    assert (shown["child"]["window_days"], shown["adult"]["window_days"]) == (2, 7)


def test_an_entry_says_who_logged_it_and_the_client_cannot_change_that(child, owner, teammate):
    body = {"recorded_at": timezone.now().isoformat(), "symptoms": ["cough"]}
    created = client_for(owner).post(f"/api/v1/profiles/{child.id}/symptoms/", body, format="json")
    assert created.json()["created_by"] == {"id": str(owner.id), "display_name": owner.display_name}
    listed = client_for(teammate).get(f"/api/v1/profiles/{child.id}/symptoms/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["created_by"]["id"] == str(owner.id)
    forged = {**body, "created_by": {"id": str(teammate.id), "display_name": "someone else"}}
    refused = client_for(owner).post(f"/api/v1/profiles/{child.id}/symptoms/", forged, format="json")
    assert refused.status_code == 400 and "created_by" in refused.json()["errors"]  # read-only: refused
    # A replay of the same entry by the other parent is the same entry, still the owner's.
    entry_id = str(uuid.uuid4())
    client_for(owner).post(f"/api/v1/profiles/{child.id}/symptoms/", {**body, "id": entry_id}, format="json")
    replay = client_for(teammate).post(
        f"/api/v1/profiles/{child.id}/symptoms/", {**body, "id": entry_id}, format="json"
    )
    assert replay.status_code == 200 and replay.json()["created_by"]["id"] == str(owner.id)


def test_the_digest_leaves_out_alerts_of_a_revoked_link(
    commit, linked_child, adult, owner, clinician, time_machine
):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC))
    client = client_for(owner)
    for profile in (linked_child, adult):
        for d in (300, 200, 100, 5):
            onset = str(dt.date(2026, 6, 1) - dt.timedelta(days=d))
            commit(log, client, profile, {"kind": "otitis_media", "onset": onset, "severity": "mild"})
    assert Alert.objects.filter(priority="routine").count() == 2
    link = linked_child.care_links.get()
    client.delete(f"/api/v1/profiles/{linked_child.id}/care-links/{link.id}/")
    time_machine.move_to(dt.datetime(2026, 6, 2, 7, 0, tzinfo=dt.UTC))
    assert len(digest(dt.date(2026, 6, 2))) == 1
    assert "1 new routine alert" in mail.outbox[-1].body
    # With both links gone there is nothing to tell, so no digest at all.
    other = adult.care_links.get()
    client.delete(f"/api/v1/profiles/{adult.id}/care-links/{other.id}/")
    Delivery.objects.all().delete()
    assert digest(dt.date(2026, 6, 2)) == []


def test_a_clinician_who_left_the_team_is_told_nothing_more(
    commit, adult, owner, clinician, second_clinician
):
    from accounts.models import CareTeamMember
    from care.tasks import deliver

    client = client_for(owner)
    commit(log, client, adult, red_flag_reading(2), "symptoms")
    first = Alert.objects.get()
    pending = Delivery.objects.create(
        recipient=second_clinician, channel="email", kind="escalation", alert=first
    )
    CareTeamMember.objects.filter(user=second_clinician).delete()
    mail.outbox.clear()
    deliver.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert pending.status == "skipped" and mail.outbox == []
    client_for(clinician).post(f"/api/v1/alerts/{first.id}/acknowledge")
    commit(log, client, adult, red_flag_reading(0, ("seizure",)), "symptoms")
    new = Alert.objects.exclude(pk=first.pk).get()
    assert [m.to[0] for m in mail.outbox] == [clinician.email]
    assert not Notification.objects.filter(recipient=second_clinician, alert=new).exists()
    assert client_for(second_clinician).get("/api/v1/alerts/").json() in (
        [],
        {"next": None, "previous": None, "results": []},
    )
