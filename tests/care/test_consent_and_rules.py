"""Invitation codes, care links (consent), the team's thresholds, and the summary."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diary.models import CareLink, CareTeamInvitation
from tests.conftest import client_for, rows

from .test_pipeline import ear_infection, log

pytestmark = pytest.mark.django_db


def invite(clinician, team, **body):
    response = client_for(clinician).post(f"/api/v1/care-teams/{team.id}/invitations/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["code"]


def test_a_family_joins_a_team_with_a_code_read_aloud(child, owner, clinician, team):
    assert client_for(clinician).get(f"/api/v1/profiles/{child.id}/").status_code == 404
    code = invite(clinician, team)
    assert len(code) == 8 and not set(code) & set("01OIL")
    spoken = f" {code[:4].lower()}-{code[4:]} "
    joined = client_for(owner).post(
        f"/api/v1/profiles/{child.id}/care-links/", {"code": spoken}, format="json"
    )
    assert joined.status_code == 201
    assert joined.json()["team_name"] == team.name and joined.json()["active"] is True
    assert client_for(clinician).get(f"/api/v1/profiles/{child.id}/").status_code == 200
    assert [t["name"] for t in rows(client_for(clinician).get("/api/v1/care-teams/"))] == [team.name]


def test_a_code_works_once(child, owner, teammate, clinician, team):
    from tests.factories import ProfileFactory

    code = invite(clinician, team)
    assert (
        client_for(owner)
        .post(f"/api/v1/profiles/{child.id}/care-links/", {"code": code}, format="json")
        .status_code
        == 201
    )
    other = ProfileFactory(managed_by=[teammate])
    again = client_for(teammate).post(
        f"/api/v1/profiles/{other.id}/care-links/", {"code": code}, format="json"
    )
    assert again.status_code == 400
    assert CareLink.objects.count() == 1


def test_an_expired_code_is_refused(child, owner, clinician, team, time_machine):
    code = invite(clinician, team, expires_at=(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat())
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2))
    response = client_for(owner).post(
        f"/api/v1/profiles/{child.id}/care-links/", {"code": code}, format="json"
    )
    assert response.status_code == 400
    assert "code" in response.json()["errors"]


def test_wrong_codes_are_rate_limited(child, owner, clinician, team):
    client = client_for(owner)
    for _ in range(10):
        assert (
            client.post(
                f"/api/v1/profiles/{child.id}/care-links/", {"code": "ZZZZ9999"}, format="json"
            ).status_code
            == 400
        )
    code = invite(clinician, team)
    blocked = client.post(f"/api/v1/profiles/{child.id}/care-links/", {"code": code}, format="json")
    assert blocked.status_code == 429
    assert not CareLink.objects.exists()


def test_only_the_teams_clinicians_issue_codes(team, clinician, owner, other_team_clinician):
    assert (
        client_for(owner).post(f"/api/v1/care-teams/{team.id}/invitations/", {}, format="json").status_code
        == 403
    )
    assert (
        client_for(other_team_clinician)
        .post(f"/api/v1/care-teams/{team.id}/invitations/", {}, format="json")
        .status_code
        == 404
    )
    too_late = (dt.datetime.now(dt.UTC) + dt.timedelta(days=90)).isoformat()
    response = client_for(clinician).post(
        f"/api/v1/care-teams/{team.id}/invitations/", {"expires_at": too_late}, format="json"
    )
    assert response.status_code == 400
    assert not CareTeamInvitation.objects.exists()


def test_strangers_cannot_see_or_change_care_links(linked_child, stranger, owner):
    link = linked_child.care_links.get()
    client = client_for(stranger)
    assert client.get(f"/api/v1/profiles/{linked_child.id}/care-links/").status_code == 404
    assert client.delete(f"/api/v1/profiles/{linked_child.id}/care-links/{link.id}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/profiles/{linked_child.id}/care-links/", {"code": "ABCD2345"}, format="json"
        ).status_code
        == 404
    )
    link.refresh_from_db()
    assert link.is_active


def test_a_clinician_cannot_revoke_or_join_for_the_family(linked_child, clinician):
    link = linked_child.care_links.get()
    assert (
        client_for(clinician).delete(f"/api/v1/profiles/{linked_child.id}/care-links/{link.id}/").status_code
        == 403
    )


RULES = "/api/v1/care-teams/{}/rules/"


def test_the_team_reads_and_tunes_its_thresholds(team, clinician):
    client = client_for(clinician)
    current = client.get(RULES.format(team.id)).json()
    ear = next(r for r in current["rules"] if r["rule"] == "recurrent_ear_infections")
    assert (ear["child"], ear["adult"]) == (
        {"threshold": 4, "window_days": 365},
        {"threshold": 2, "window_days": 365},
    )
    assert len(current["rules"]) == 11 and current["escalation_delay_minutes"] == 15
    body = {
        "escalation_delay_minutes": 10,
        "rules": [
            {"rule": "recurrent_ear_infections", "enabled": True, "child": {"threshold": 3, "window_days": 180},
             "adult": {"threshold": 2, "window_days": 365}},
            {"rule": "persistent_thrush", "enabled": False, "child": {"threshold": 2, "window_days": 365},
             "adult": {"threshold": 2, "window_days": 365}},
        ],
    }  # fmt: skip
    updated = client.put(RULES.format(team.id), body, format="json").json()
    ear = next(r for r in updated["rules"] if r["rule"] == "recurrent_ear_infections")
    thrush = next(r for r in updated["rules"] if r["rule"] == "persistent_thrush")
    assert ear["child"] == {"threshold": 3, "window_days": 180} and thrush["enabled"] is False
    assert updated["escalation_delay_minutes"] == 10
    # PUT replaces: what is left out goes back to the defaults.
    reset = client.put(RULES.format(team.id), {"rules": []}, format="json").json()
    assert next(r for r in reset["rules"] if r["rule"] == "persistent_thrush")["enabled"] is True


@pytest.mark.parametrize(
    "rule",
    [
        {"rule": "recurrent_ear_infections", "enabled": True, "child": {"threshold": 0, "window_days": 365}, "adult": {"threshold": 2, "window_days": 365}},
        {"rule": "recurrent_ear_infections", "enabled": True, "child": {"threshold": 2, "window_days": -5}, "adult": {"threshold": 2, "window_days": 365}},
        {"rule": "no_such_rule", "enabled": True, "child": {"threshold": 2, "window_days": 365}, "adult": {"threshold": 2, "window_days": 365}},
        {"rule": "severe_infection", "enabled": True, "child": {"threshold": 3, "window_days": 14}, "adult": {"threshold": 1, "window_days": 14}},
        {"rule": "recurrent_ear_infections", "enabled": True, "child": {"threshold": 2}, "adult": {"threshold": 2, "window_days": 365}},
        # Backfilled entries must never page: urgent rules look back two weeks at most.
        {"rule": "severe_infection", "enabled": True, "child": {"threshold": 1, "window_days": 14}, "adult": {"threshold": 1, "window_days": 3650}},
    ],
)  # fmt: skip
def test_invalid_thresholds_are_refused_and_change_nothing(team, clinician, rule):
    client = client_for(clinician)
    before = client.get(RULES.format(team.id)).json()
    assert client.put(RULES.format(team.id), {"rules": [rule]}, format="json").status_code == 400
    assert client.get(RULES.format(team.id)).json() == before


def test_only_the_teams_clinicians_see_its_rules(team, owner, other_team_clinician):
    assert client_for(owner).get(RULES.format(team.id)).status_code == 403
    assert client_for(other_team_clinician).get(RULES.format(team.id)).status_code == 404
    assert (
        client_for(other_team_clinician).put(RULES.format(team.id), {"rules": []}, format="json").status_code
        == 404
    )


# --- the 12-month summary -------------------------------------------------------------------------


def test_the_summary_counts_the_last_twelve_months(child, owner, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
    client = client_for(owner)
    for onset in ("2025-06-01", "2025-06-02", "2025-09-01", "2026-01-01", "2026-05-30"):
        log(client, child, {"kind": "otitis_media", "onset": onset, "severity": "mild"})
    log(
        client,
        child,
        {
            "kind": "pneumonia",
            "onset": "2026-02-01",
            "severity": "moderate",
            "hospitalized": True,
            "iv_antibiotics": True,
        },
    )
    log(
        client,
        child,
        {
            "kind": "antibiotic",
            "name": "Amoxicillin",
            "route": "oral",
            "started_on": "2026-01-01",
            "ended_on": "2026-01-10",
        },
        "treatments",
    )
    log(
        client,
        child,
        {
            "kind": "antibiotic",
            "name": "Amoxicillin",
            "route": "oral",
            "started_on": "2026-01-05",
            "ended_on": "2026-01-14",
        },
        "treatments",
    )
    log(
        client,
        child,
        {
            "kind": "antibiotic",
            "name": "Azithromycin",
            "route": "oral",
            "started_on": "2025-12-01",
            "ended_on": "2025-12-30",
            "prophylactic": True,
        },
        "treatments",
    )
    log(
        client,
        child,
        {
            "analyte": "IgM",
            "value": 18,
            "unit": "mg/dL",
            "reference_low": 40,
            "reference_high": 230,
            "collected_on": "2026-03-01",
        },
        "labs",
    )
    log(
        client,
        child,
        {
            "analyte": "IgM",
            "value": 25,
            "unit": "mg/dL",
            "reference_low": 40,
            "reference_high": 230,
            "collected_on": "2025-03-01",
        },
        "labs",
    )
    log(client, child, {"vaccine": "PCV20", "given_on": "2026-04-01"}, "vaccinations")

    summary = client.get(f"/api/v1/profiles/{child.id}/summary").json()
    assert summary["period"] == {"from": "2025-06-02", "to": "2026-06-01"}
    assert summary["infections"]["by_kind"] == {
        "otitis_media": 4,
        "pneumonia": 1,
    }  # 2025-06-01 is 366 days back
    assert summary["serious_infections"] == 1 and summary["hospitalizations"] == 1
    assert summary["iv_antibiotic_courses"] == 1
    assert summary["antibiotic_days"] == {"treatment": 14, "prophylaxis": 30}
    assert (
        summary["latest_labs"]["IgM"]["value"] == 18 and summary["latest_labs"]["IgM"]["below_range"] is True
    )
    assert summary["vaccinations"] == [{"vaccine": "PCV20", "given_on": "2026-04-01"}]
    ear = next(t for t in summary["thresholds"] if t["rule"] == "recurrent_ear_infections")
    assert ear["met"] is True and ear["threshold"] == 4 and len(ear["evidence"]) == 4

    time_machine.move_to(dt.datetime(2026, 6, 3, 12, tzinfo=dt.UTC))  # 2025-06-02 falls out of the window
    later = client.get(f"/api/v1/profiles/{child.id}/summary").json()
    assert later["infections"]["by_kind"]["otitis_media"] == 3
    assert next(t for t in later["thresholds"] if t["rule"] == "recurrent_ear_infections")["met"] is False


def test_the_summary_takes_the_same_number_of_queries_however_long_the_diary(child, owner):
    client = client_for(owner)
    url = f"/api/v1/profiles/{child.id}/summary"
    log(client, child, ear_infection(10))
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for d in range(20, 300, 10):
        log(client, child, ear_infection(d))
        log(
            client,
            child,
            {
                "kind": "antibiotic",
                "name": "Amoxicillin",
                "route": "oral",
                "started_on": str(timezone.localdate() - dt.timedelta(days=d)),
            },
            "treatments",
        )
        log(
            client,
            child,
            {
                "analyte": "IgG",
                "value": 900,
                "unit": "mg/dL",
                "collected_on": str(timezone.localdate() - dt.timedelta(days=d)),
            },
            "labs",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_linked_clinician_reads_the_summary_and_it_is_logged(linked_child, clinician, owner, team):
    assert client_for(clinician).get(f"/api/v1/profiles/{linked_child.id}/summary").status_code == 200
    log_entries = rows(client_for(owner).get(f"/api/v1/profiles/{linked_child.id}/access-log/"))
    assert any(e["team_name"] == team.name and e["object_type"] == "Profile" for e in log_entries)


def test_a_threshold_change_answers_at_once_and_one_task_evaluates_every_linked_profile(
    team, clinician, owner, django_capture_on_commit_callbacks, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from care import evaluation as care_evaluation
    from care.models import TeamEvaluation, TeamEvaluationPart
    from diary.models import EvaluationRequest
    from tests.factories import ProfileFactory, link_to_team

    def body(child: int) -> dict:
        return {"rules": [{"rule": "recurrent_ear_infections", "enabled": True,
                           "child": {"threshold": child, "window_days": 365}, "adult": {"threshold": 2, "window_days": 365}}]}  # fmt: skip

    client = client_for(clinician)

    def put_and_count(child: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.put(RULES.format(team.id), body(child), format="json").status_code == 200
        return len(queries)

    for _ in range(2):
        link_to_team(ProfileFactory(managed_by=[owner]), team)
    few = put_and_count(3)
    for _ in range(10):
        link_to_team(ProfileFactory(managed_by=[owner]), team)
    assert put_and_count(2) == few  # 12 profiles cost the request what 2 do: nothing per profile
    assert not EvaluationRequest.objects.exists()  # the request only asked, once per change
    assert TeamEvaluation.objects.filter(team=team, processed_at__isnull=True).count() == 2
    # Once the change commits, one task splits it into parts, each evaluating its profiles straight
    # from the links: every linked profile is evaluated, with no outbox row of its own.
    TeamEvaluation.objects.all().delete()
    evaluated = []
    real = care_evaluation.profiles_evaluate

    def recorded(*, births, **kwargs):
        evaluated.extend(births)
        return real(births=births, **kwargs)

    monkeypatch.setattr(care_evaluation, "profiles_evaluate", recorded)
    with django_capture_on_commit_callbacks(execute=True):
        client.put(RULES.format(team.id), body(3), format="json")
    assert not TeamEvaluation.objects.filter(processed_at__isnull=True).exists()
    assert not TeamEvaluationPart.objects.filter(processed_at__isnull=True).exists()
    assert not EvaluationRequest.objects.exists()
    assert sorted(evaluated) == sorted(team.care_links.values_list("profile_id", flat=True))


def test_the_summary_shows_the_thresholds_in_force_for_the_team(team, clinician, owner, linked_child):
    body = {"rules": [{"rule": "recurrent_ear_infections", "enabled": True,
                       "child": {"threshold": 3, "window_days": 200}, "adult": {"threshold": 2, "window_days": 365}}]}  # fmt: skip
    assert client_for(clinician).put(RULES.format(team.id), body, format="json").status_code == 200

    def ear(user):
        summary = client_for(user).get(f"/api/v1/profiles/{linked_child.id}/summary").json()
        row = next(t for t in summary["thresholds"] if t["rule"] == "recurrent_ear_infections")
        return row["threshold"], row["window_days"]

    assert ear(clinician) == (3, 200)
    assert ear(owner) == (3, 200)  # one linked team: its thresholds
    link = linked_child.care_links.get()
    client_for(owner).delete(f"/api/v1/profiles/{linked_child.id}/care-links/{link.id}/")
    assert ear(owner) == (4, 365)  # no team: the defaults
