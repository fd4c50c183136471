"""Immunoglobulin infusions: guidance in the response, the infusion_reaction alert, batch search.

Create, replay, conflict, If-Match and the stranger's 404 run for infusions (and measurements)
with every other entry type in test_entries.py (VALID and EDIT in conftest.py)."""

import uuid

import pytest
from django.core import mail

from care.models import Alert
from diary.models import AccessLogEntry, Infusion
from tests.conftest import client_for, pass_second_factor
from tests.factories import CareTeamFactory, ProfileFactory, clinician_in

from .immune_helpers import days_ago, post, results

pytestmark = pytest.mark.django_db


def infusion(**overrides):
    return {
        "given_on": days_ago(0),
        "product": "Privigen",
        "route": "iv",
        "dose_g": 20,
        "lot_number": "P100234",
        "reactions": ["none_reported"],
        **overrides,
    }


def logged(client, profile, body, capture):
    with capture(execute=True):  # what a real commit runs: the outbox dispatch, eager in tests
        response = post(client, profile, "infusions", body)
    assert response.status_code == 201, response.json()
    return response.json()


def test_breathing_difficulty_gives_urgent_guidance_and_one_urgent_alert(
    linked_child, owner, team, clinician, django_capture_on_commit_callbacks
):
    body = infusion(reactions=["breathing_difficulty", "rash"])
    created = logged(client_for(owner), linked_child, body, django_capture_on_commit_callbacks)
    assert created["guidance"]["level"] == "urgent"
    assert "emergency" in created["guidance"]["message"]

    alert = Alert.objects.get()
    assert (alert.rule, alert.priority, alert.team_id) == ("infusion_reaction", "urgent", team.pk)
    assert alert.evidence == [{"type": "infusion", "id": created["id"]}]
    seen = client_for(clinician).get("/api/v1/alerts/").json()
    seen = seen["results"] if isinstance(seen, dict) else seen
    assert [(a["rule"], a["evidence"]) for a in seen] == [("infusion_reaction", alert.evidence)]
    # Urgent: the clinician is e-mailed at once.
    assert [message.to for message in mail.outbox] == [[clinician.email]]


def test_site_swelling_gives_routine_guidance_and_no_alert(
    linked_child, owner, django_capture_on_commit_callbacks
):
    body = infusion(route="subcutaneous", reactions=["site_swelling"])
    created = logged(client_for(owner), linked_child, body, django_capture_on_commit_callbacks)
    assert created["guidance"]["level"] == "routine"
    assert not Alert.objects.exists()


def test_a_red_flag_reaction_backfilled_from_months_ago_pages_nobody(
    linked_child, owner, django_capture_on_commit_callbacks
):
    body = infusion(given_on=days_ago(90), reactions=["face_or_throat_swelling"])
    created = logged(client_for(owner), linked_child, body, django_capture_on_commit_callbacks)
    assert created["guidance"]["level"] == "contact_care_team"
    assert "happening now" in created["guidance"]["message"]
    assert not Alert.objects.exists()


def test_a_headache_the_day_after_ivig_says_get_urgent_assessment(child, owner):
    created = post(
        client_for(owner), child, "infusions", infusion(given_on=days_ago(1), reactions=["headache"])
    )
    guidance = created.json()["guidance"]
    assert guidance["level"] == "contact_care_team"
    assert "aseptic meningitis" in guidance["message"]
    # The same headache after a subcutaneous infusion, or a week after IVIG, is routine.
    for body in (
        infusion(route="subcutaneous", reactions=["headache"]),
        infusion(given_on=days_ago(7), reactions=["headache"]),
    ):
        assert post(client_for(owner), child, "infusions", body).json()["guidance"]["level"] == "routine"


def test_a_severe_headache_with_stiff_neck_after_ivig_is_urgent(child, owner):
    created = post(client_for(owner), child, "infusions", infusion(reactions=["severe_headache_stiff_neck"]))
    assert created.json()["guidance"]["level"] == "urgent"


def test_reactions_are_stored_in_one_spelling_so_a_replay_matches(child, owner):
    body = infusion(id=str(uuid.uuid4()), reactions=["rash", "headache", "rash"])
    client = client_for(owner)
    first = post(client, child, "infusions", body)
    assert first.json()["reactions"] == ["headache", "rash"]
    again = post(client, child, "infusions", {**body, "reactions": ["headache", "rash"]})
    assert (first.status_code, again.status_code) == (201, 200)
    assert Infusion.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"reactions": ["none_reported", "rash"]},
        {"reactions": ["sneezing"]},
        {"route": "oral"},
        {"dose_g": 0},
        {"sites": 0},
        {"given_on": days_ago(-3)},
        {"product": ""},
    ],
)
def test_bad_infusions_are_refused_and_nothing_is_stored(child, owner, bad):
    response = post(client_for(owner), child, "infusions", infusion(**bad))
    assert response.status_code == 400
    assert set(bad) <= set(response.json()["errors"])
    assert not Infusion.objects.exists()


def search(client, lot, param="lot"):
    return client.get("/api/v1/infusions/search", {param: lot})


def test_batch_search_finds_only_the_searchers_own_profiles(child, owner, teammate, stranger):
    sibling = ProfileFactory(display_name="Ben", managed_by=[owner])
    strangers_child = ProfileFactory(managed_by=[stranger])
    for profile, client, lot in (
        (child, client_for(owner), "P100234"),
        (sibling, client_for(owner), "p100234"),
        (sibling, client_for(owner), "OTHER-LOT"),
        (strangers_child, client_for(stranger), "P100234"),
    ):
        assert post(client, profile, "infusions", infusion(lot_number=lot)).status_code == 201

    found = results(search(client_for(owner), " P100234 "))
    assert sorted(row["profile"]["display_name"] for row in found) == ["Ada", "Ben"]
    assert {row["lot_number"].upper() for row in found} == {"P100234"}
    # The other parent finds the shared child only; the stranger only their own.
    assert [
        row["profile"]["id"] for row in results(search(client_for(teammate), "P100234", "lot_number"))
    ] == [str(child.id)]
    assert [row["profile"]["id"] for row in results(search(client_for(stranger), "P100234"))] == [
        str(strangers_child.id)
    ]
    assert results(search(client_for(stranger), "OTHER-LOT")) == []


def test_a_care_team_finds_its_linked_patients_infusions_and_it_is_logged(linked_child, owner, clinician):
    unlinked = ProfileFactory(managed_by=[owner])
    post(client_for(owner), linked_child, "infusions", infusion())
    post(client_for(owner), unlinked, "infusions", infusion())

    found = results(search(client_for(clinician), "P100234"))
    assert [row["profile"]["id"] for row in found] == [str(linked_child.id)]
    assert AccessLogEntry.objects.filter(
        profile=linked_child, actor=clinician, action="read", object_type="Infusion", object_id=found[0]["id"]
    ).exists()
    assert not AccessLogEntry.objects.filter(profile=unlinked).exists()
    outsider = clinician_in(CareTeamFactory(name="Elsewhere"))
    assert results(search(client_for(outsider), "P100234")) == []


def test_batch_search_needs_a_lot_number_and_a_signed_in_user(api, owner):
    assert search(client_for(owner), "  ").status_code == 400
    assert client_for(owner).get("/api/v1/infusions/search").status_code == 400
    assert search(api, "P100234").status_code in (401, 403)


def test_the_clinician_sees_the_reaction_on_the_alert_page(
    linked_child, owner, clinician, django_capture_on_commit_callbacks
):
    from django.test import Client

    body = infusion(reactions=["face_or_throat_swelling"], lot_number="HZ-5521")
    logged(client_for(owner), linked_child, body, django_capture_on_commit_callbacks)
    page = Client()
    page.force_login(clinician)
    pass_second_factor(page, clinician)
    html = page.get(f"/clinic/alerts/{Alert.objects.get().pk}/").content.decode()
    assert "Privigen" in html and "HZ-5521" in html
    assert "Swelling of the face, lips or throat (red flag)" in html


def test_a_reaction_added_later_that_day_is_urgent_and_raises_the_alert(
    linked_child, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    created = logged(client, linked_child, infusion(route="subcutaneous"), django_capture_on_commit_callbacks)
    assert created["guidance"]["level"] == "routine" and not Alert.objects.exists()
    url = f"/api/v1/profiles/{linked_child.id}/infusions/{created['id']}/"
    with django_capture_on_commit_callbacks(execute=True):
        edited = client.patch(url, {"reactions": ["breathing_difficulty"]}, format="json")
    assert edited.status_code == 200
    assert edited.json()["guidance"]["level"] == "urgent"
    assert "stop it" in edited.json()["guidance"]["message"]
    assert Alert.objects.get().rule == "infusion_reaction"
    assert "no-store" in client.get("/api/v1/infusions/search", {"lot": "P100234"})["Cache-Control"]
