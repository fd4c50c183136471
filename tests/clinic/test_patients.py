"""Patients at a glance: the teams' patients, searchable and sortable; one patient's year in
charts against the team's thresholds in force; every look in the access log."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from care.models import TeamRuleSetting
from diary.models import AccessLogEntry, InfectionEpisode, LabResult, SymptomEntry, Treatment
from tests.conftest import client_for
from tests.factories import ProfileFactory

from .conftest import signed_in, today

pytestmark = pytest.mark.django_db


def episode(profile, kind: str, days_ago: int, **fields):
    return InfectionEpisode.objects.create(
        profile=profile, kind=kind, onset=today() - dt.timedelta(days=days_ago), severity="mild", **fields
    )


def names_in_order(html: str) -> list[str]:
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r'<th scope="row"><a href="/clinic/patients/[^"]+/">([^<]+)</a>', table)


@pytest.fixture
def patients(linked_child, adult):
    episode(linked_child, "otitis_media", 20)
    episode(linked_child, "otitis_media", 80)
    episode(linked_child, "sinusitis", 400)  # outside the 12 months
    episode(adult, "pneumonia", 5)
    SymptomEntry.objects.create(profile=adult, recorded_at=timezone.now(), symptoms=["cough"], severity=2)
    return linked_child, adult


def test_the_list_shows_the_teams_patients_with_their_numbers(clinician, patients, child):
    unlinked = ProfileFactory(display_name="Nobody Linked")
    html = signed_in(clinician).get("/clinic/patients/").content.decode()
    assert names_in_order(html) == ["Ada", "Sam"]
    assert unlinked.display_name not in html
    ada_row = html[html.index(">Ada</a>") :].split("</tr>")[0]
    assert "Child" in ada_row and "<td>2</td>" in ada_row  # two infections in 12 months
    assert f'datetime="{(today() - dt.timedelta(days=20)).isoformat()}"' in ada_row
    sam_row = html[html.index(">Sam</a>") :].split("</tr>")[0]
    assert "Adult" in sam_row and f'datetime="{today().isoformat()}"' in sam_row


def test_the_list_searches_and_sorts_on_the_server(clinician, patients):
    client = signed_in(clinician)
    assert names_in_order(client.get("/clinic/patients/?q=sa").content.decode()) == ["Sam"]
    assert names_in_order(client.get("/clinic/patients/?sort=-name").content.decode()) == ["Sam", "Ada"]
    assert names_in_order(client.get("/clinic/patients/?sort=infections").content.decode()) == ["Ada", "Sam"]
    assert names_in_order(client.get("/clinic/patients/?sort=last_entry").content.decode()) == ["Sam", "Ada"]
    assert names_in_order(client.get("/clinic/patients/?sort=nonsense").content.decode()) == ["Ada", "Sam"]


def chart_data(html: str) -> dict:
    return json.loads(
        re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )


def test_the_patient_page_carries_the_numbers_its_charts_draw(clinician, linked_child):
    episode(linked_child, "otitis_media", 0)
    episode(linked_child, "otitis_media", 1)
    Treatment.objects.create(
        profile=linked_child,
        kind="antibiotic",
        name="Amoxicillin",
        route="oral",
        started_on=today().replace(day=1),
        ended_on=today().replace(day=1) + dt.timedelta(days=4),
    )
    LabResult.objects.create(
        profile=linked_child,
        analyte="IgM",
        value=25,
        unit="mg/dL",
        reference_low=40,
        reference_high=230,
        collected_on=today() - dt.timedelta(days=90),
    )
    LabResult.objects.create(
        profile=linked_child,
        analyte="IgM",
        value="0.3",
        unit="g/L",
        reference_low="0.4",
        reference_high="2.3",
        collected_on=today(),
    )
    html = signed_in(clinician).get(f"/clinic/patients/{linked_child.pk}/").content.decode()
    data = chart_data(html)
    assert data["months"][-1] == today().strftime("%b %Y") and len(data["months"]) == 12
    [ears] = data["infections"]
    assert ears["label"] == "Ear infection (otitis media)"
    assert sum(ears["counts"]) == 2
    expected_days = min(5, (today() - today().replace(day=1)).days + 1)
    assert data["antibiotic_days"]["treatment"][-1] == expected_days
    igm = next(lab for lab in data["labs"] if lab["analyte"] == "IgM")
    assert [(r["value"], r["low"], r["high"]) for r in igm["results"]] == [(0.25, 0.4, 2.3), (0.3, 0.4, 2.3)]
    assert 'src="/static/vendor/chart.umd.min.js"' in html and "<script>" not in html
    assert f"/api/v1/profiles/{linked_child.pk}/report.pdf" in html
    assert f"/api/v1/profiles/{linked_child.pk}/export/fhir" in html


def test_thresholds_met_today_are_the_teams_not_the_defaults(clinician, linked_child, team):
    for days_ago in (10, 50):
        episode(linked_child, "otitis_media", days_ago)
    TeamRuleSetting.objects.create(
        team=team,
        rule="recurrent_ear_infections",
        enabled=True,
        child_threshold=2,
        child_window_days=365,
        adult_threshold=2,
        adult_window_days=365,
    )
    html = signed_in(clinician).get(f"/clinic/patients/{linked_child.pk}/").content.decode()
    row = html[html.index('<th scope="row">Recurrent ear infections</th>') :].split("</tr>")[0]
    assert "2 episodes in 365 days" in row  # in force
    assert "4 episodes in 365 days" in row  # the default beside it
    assert "<strong>Met</strong>" in row
    # The chart counts each month's window against the same threshold.
    [ears] = [r for r in chart_data(html)["rule_windows"] if r["rule"] == "recurrent_ear_infections"]
    assert (ears["threshold"], ears["window_days"], ears["counts"][-1]) == (2, 365, 2)


def test_every_look_at_a_patient_is_in_the_access_log(clinician, linked_child):
    client = signed_in(clinician)
    client.get(f"/clinic/patients/{linked_child.pk}/", REMOTE_ADDR="10.1.2.3")
    client.get(f"/clinic/patients/{linked_child.pk}/", REMOTE_ADDR="10.1.2.3")
    logs = AccessLogEntry.objects.filter(profile=linked_child, actor=clinician, object_type="Profile")
    assert logs.count() == 2 and {(log.action, log.ip_address) for log in logs} == {("read", "10.1.2.3")}


def test_a_profile_not_linked_to_the_team_is_404(clinician, child):
    assert signed_in(clinician).get(f"/clinic/patients/{child.pk}/").status_code == 404


def test_managers_give_a_contact_phone_through_the_profile_api(owner, stranger, clinician, linked_child):
    url = f"/api/v1/profiles/{linked_child.pk}/"
    response = client_for(owner).patch(url, {"contact_phone": "+44 20 7946 0000"}, format="json")
    assert response.status_code == 200 and response.json()["contact_phone"] == "+44 20 7946 0000"
    bad = client_for(owner).patch(url, {"contact_phone": "call me maybe"}, format="json")
    assert bad.status_code == 400
    assert client_for(stranger).patch(url, {"contact_phone": "1234"}, format="json").status_code == 404
    assert client_for(clinician).patch(url, {"contact_phone": "1234"}, format="json").status_code in (
        403,
        404,
        405,
    )
    linked_child.refresh_from_db()
    assert linked_child.contact_phone == "+44 20 7946 0000"
