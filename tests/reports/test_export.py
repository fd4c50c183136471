"""The account's data export: everything of the user's, nothing of anyone else's."""

from __future__ import annotations

import json

from fhir.resources.R4B.bundle import Bundle

from care.models import PushSubscription
from reports import services
from tests.conftest import client_for
from tests.factories import link_to_team
from tests.reports.conftest import make_alert

URL = "/api/v1/account/export"


def export(user) -> tuple[object, dict]:
    response = client_for(user).get(URL)
    assert response.status_code == 200, response
    assert response.streaming
    body = b"".join(response.streaming_content)
    return response, json.loads(body)


def all_ids(diary: dict) -> set[str]:
    return {str(row.pk) for rows in diary.values() for row in rows}


def test_the_export_holds_every_row_of_the_users(owner, child, diary, team, clinician):
    link = link_to_team(child, team)
    client_for(clinician).get(f"/api/v1/profiles/{child.pk}/")
    share, _ = services.share_link_create(
        profile=child, created_by=owner, expires_at=link.created_at.replace(year=link.created_at.year + 1)
    )
    alert = make_alert(child, team)
    PushSubscription.objects.create(user=owner, endpoint="https://push.example/owner", p256dh="k", auth="a")

    response, document = export(owner)

    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert document["account"]["email"] == owner.email
    assert "password" not in document["account"]
    assert [p["endpoint"] for p in document["push_subscriptions"]] == ["https://push.example/owner"]
    (profile,) = document["profiles"]
    assert profile["profile"]["id"] == str(child.pk)
    exported = {
        row["id"]
        for key in ("infections", "symptoms", "treatments", "vaccinations", "labs")
        for row in profile[key]
    }
    assert exported == all_ids(diary)
    assert [a["id"] for a in profile["alerts"]] == [str(alert.pk)]
    assert [c["id"] for c in profile["care_links"]] == [str(link.pk)]
    assert profile["care_links"][0]["team_name"] == team.name
    assert [s["id"] for s in profile["share_links"]] == [str(share.pk)]
    assert "token_hash" not in profile["share_links"][0]
    # The family's export shows who by name and team, never an e-mail or IP address.
    assert [row["actor_name"] for row in profile["access_log"]] == [clinician.display_name]
    assert clinician.email not in json.dumps(profile["access_log"], default=str)
    Bundle.model_validate(profile["fhir"])
    conditions = [e for e in profile["fhir"]["entry"] if e["resource"]["resourceType"] == "Condition"]
    assert len(conditions) == len(diary["episodes"])


def test_the_export_holds_nothing_of_a_second_account(owner, child, diary, other_family):
    parent, zed, their_diary = other_family

    _, document = export(owner)
    text = json.dumps(document)

    for value in [
        parent.email,
        str(parent.pk),
        str(zed.pk),
        "Zed",
        "ear zed",
        "pneumonia zed",
        *all_ids(their_diary),
    ]:
        assert value not in text, value


def test_a_co_manager_is_named_but_their_account_is_not_exported(owner, teammate, child):
    _, document = export(owner)

    managers = document["profiles"][0]["managers"]
    assert {m["is_you"] for m in managers} == {True, False}
    assert teammate.email not in json.dumps(document)


def test_the_export_is_rate_limited(owner, throttle_window):
    client = client_for(owner)
    answers = [client.get(URL).status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]


def test_a_signed_out_visitor_gets_nothing(api):
    assert api.get(URL).status_code in {401, 403}
