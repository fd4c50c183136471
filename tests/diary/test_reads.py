"""What reads cost: the summary and the entry lists take a fixed number of queries, however
much the diary holds — and the summary's one read agrees with the separate reads the clinic
and the PDF make."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from care import rules
from care.models import TeamRuleSetting
from care.selectors import team_in_force, thresholds_met
from care.serializers import SummarySerializer
from diary.selectors import profile_summary
from tests.conftest import client_for
from tests.factories import CareTeamFactory, clinician_in, link_to_team

from .conftest import ENTRY_TYPES, VALID
from .full_diary import fill_diary

pytestmark = pytest.mark.django_db


def summary_url(profile) -> str:
    return f"/api/v1/profiles/{profile.id}/summary"


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("entries", [0, 60])
def test_the_summary_takes_at_most_six_queries_empty_or_full(
    child, owner, entries, django_assert_max_num_queries
):
    fill_diary(child, by=owner, n=entries)
    client = client_for(owner)
    with django_assert_max_num_queries(6):
        body = client.get(summary_url(child)).json()
    assert body["infections"]["total"] == (55 if entries else 0)  # the year's 55 of 60
    assert len(body["trends"]["IgG"]) == (8 if entries else 0)


def test_the_summary_costs_the_same_with_a_year_of_every_kind_of_entry(linked_child, owner, clinician):
    empty = {who: queries_of(client_for(who), summary_url(linked_child)) for who in (owner, clinician)}
    fill_diary(linked_child, by=owner, n=60)
    full = {who: queries_of(client_for(who), summary_url(linked_child)) for who in (owner, clinician)}
    assert full == empty
    assert full[owner] <= 6


def separately(user, profile) -> dict:
    """The summary as the clinic and the PDF read it: the summary, then the thresholds."""
    today = timezone.localdate()
    summary = profile_summary(profile, today=today)
    summary["age_band"] = rules.age_band(profile.date_of_birth, today)
    summary["thresholds"] = thresholds_met(profile, today, team=team_in_force(user, profile))
    return json.loads(JSONRenderer().render(SummarySerializer(summary).data))


def test_the_summary_agrees_with_the_reads_the_clinic_and_the_pdf_make(linked_child, owner, clinician, team):
    fill_diary(linked_child, by=owner, n=60)
    other = CareTeamFactory()
    link_to_team(linked_child, other)
    colleague = clinician_in(other)
    for own_team, threshold in ((team, 2), (other, 5)):
        TeamRuleSetting.objects.create(
            team=own_team, rule="recurrent_ear_infections", enabled=True,
            child_threshold=threshold, child_window_days=200, adult_threshold=2, adult_window_days=365,
        )  # fmt: skip
    ear = {}
    for user in (owner, clinician, colleague):
        body = client_for(user).get(summary_url(linked_child)).json()
        assert body == separately(user, linked_child)
        ear[user] = next(t for t in body["thresholds"] if t["rule"] == "recurrent_ear_infections")
    # Each clinician sees their own team's threshold; the family, with two teams, the defaults.
    assert [ear[user]["threshold"] for user in (owner, clinician, colleague)] == [4, 2, 5]
    assert ear[clinician]["met"] and ear[clinician]["evidence"]


@pytest.mark.parametrize("kind", ENTRY_TYPES)
def test_a_list_page_costs_the_same_whatever_it_holds(kind, child, owner, teammate):
    listed = f"/api/v1/profiles/{child.id}/{kind}/"
    assert client_for(owner).post(listed, VALID[kind], format="json").status_code == 201
    one = queries_of(client_for(owner), listed)
    # Pages full of entries of every shape (titres on vaccinations, growth on measurements),
    # logged by both parents.
    fill_diary(child, by=owner, n=120)
    fill_diary(child, by=teammate, n=30)
    client = client_for(owner)
    first = client.get(listed).json()
    assert len(first["results"]) == 50 and first["next"]
    pages = [listed, first["next"], f"{listed}?page_size=200"]
    assert [queries_of(client, url) for url in pages] == [one] * 3
