"""Triage: what needs action comes first, resolved alerts have their own view, filters narrow
the list, each row explains itself, and the page can tell when something new arrives."""

import datetime as dt

import pytest
from django.utils import timezone

from care import alerts, notifications
from care.models import Notification
from diary.models import InfectionEpisode
from tests.factories import CareTeamFactory, ProfileFactory, link_to_team

from .conftest import raise_alerts, red_flag_symptoms, severe_episode, signed_in, today

pytestmark = pytest.mark.django_db


def ear_infections(profile, n: int):
    for i in range(n):
        InfectionEpisode.objects.create(
            profile=profile,
            kind="otitis_media",
            onset=today() - dt.timedelta(days=30 * (i + 1)),
            severity="mild",
        )


@pytest.fixture
def triage(linked_child, adult, clinician):
    """An acknowledged urgent, an open routine, an open urgent and a resolved urgent alert."""
    severe_episode(adult, kind="sepsis", onset=today() - dt.timedelta(days=3))
    [acknowledged] = raise_alerts(adult)
    alerts.alert_acknowledge(alert=acknowledged, user=clinician)
    ear_infections(linked_child, 4)
    [routine] = raise_alerts(linked_child)
    red_flag_symptoms(linked_child)
    [urgent] = raise_alerts(linked_child)
    severe_episode(adult, kind="pneumonia", onset=today() - dt.timedelta(days=1))
    [resolved] = raise_alerts(adult)
    alerts.alert_resolve(alert=resolved, user=clinician, note="Seen")
    return {"urgent": urgent, "routine": routine, "acknowledged": acknowledged, "resolved": resolved}


def positions(html: str, alerts) -> list[int]:
    return [html.index(f"/clinic/alerts/{alert.pk}/") for alert in alerts]


def test_needs_action_lists_open_urgent_then_open_routine_then_acknowledged(clinician, triage):
    html = signed_in(clinician).get("/clinic/").content.decode()
    order = positions(html, [triage["urgent"], triage["routine"], triage["acknowledged"]])
    assert order == sorted(order)
    assert f"/clinic/alerts/{triage['resolved'].pk}/" not in html


def test_resolved_alerts_have_their_own_view(clinician, triage):
    html = signed_in(clinician).get("/clinic/?view=resolved").content.decode()
    assert f"/clinic/alerts/{triage['resolved'].pk}/" in html
    assert all(f"/clinic/alerts/{triage[k].pk}/" not in html for k in ("urgent", "routine", "acknowledged"))


def test_a_row_says_who_which_rule_the_threshold_and_when(clinician, triage):
    html = signed_in(clinician).get("/clinic/").content.decode()
    row = html[html.index(f"/clinic/alerts/{triage['routine'].pk}/") :]
    row = row[: row.index("</li>")]
    assert "Ada: Recurrent ear infections" in row
    assert "4 episodes within 365 days" in row
    newest_ear = today() - dt.timedelta(days=30)
    assert f'datetime="{newest_ear.isoformat()}"' in row  # when the infection happened
    assert f'datetime="{timezone.localtime(triage["routine"].created_at).isoformat()}"' in row  # when raised


def test_the_title_counts_open_urgent_alerts(clinician, triage):
    html = signed_in(clinician).get("/clinic/").content.decode()
    assert "<title>(1 urgent) Alert inbox" in html


def test_filters_by_rule_patient_and_team(clinician, triage, adult, linked_child):
    client = signed_in(clinician)
    by_rule = client.get("/clinic/?rule=recurrent_ear_infections").content.decode()
    assert positions(by_rule, [triage["routine"]]) and f"/clinic/alerts/{triage['urgent'].pk}/" not in by_rule
    by_patient = client.get(f"/clinic/?patient={adult.pk}").content.decode()
    assert f"/clinic/alerts/{triage['acknowledged'].pk}/" in by_patient
    assert f"/clinic/alerts/{triage['urgent'].pk}/" not in by_patient

    second = CareTeamFactory(name="Adult Immunology")
    second.memberships.create(user=clinician)
    other_profile = ProfileFactory(display_name="Bea")
    link_to_team(other_profile, second)
    severe_episode(other_profile)
    [bea_alert] = raise_alerts(other_profile)
    by_team = client.get(f"/clinic/?team={second.pk}").content.decode()
    assert f"/clinic/alerts/{bea_alert.pk}/" in by_team
    assert f"/clinic/alerts/{triage['urgent'].pk}/" not in by_team
    # A filter naming something out of reach is ignored, never an error.
    assert (
        client.get("/clinic/?team=not-a-uuid&patient=00000000-0000-0000-0000-000000000000").status_code == 200
    )


def test_the_polled_status_changes_when_a_new_urgent_alert_arrives(clinician, linked_child):
    client = signed_in(clinician)
    before = client.get("/clinic/inbox/status.json").json()
    assert before["open_urgent"] == 0
    red_flag_symptoms(linked_child)
    raise_alerts(linked_child)
    after = client.get("/clinic/inbox/status.json").json()
    assert after["open_urgent"] == 1 and after["needs_action"] == 1
    assert after["version"] != before["version"]
    assert "Ada" not in str(after)  # no patient data in the polled answer


def test_notifications_become_read_on_post_never_on_get(clinician, alert):
    notifications.alert_notify(alert=alert, kind="alert")
    client = signed_in(clinician)
    assert "1 unread notification" in client.get("/clinic/").content.decode()
    client.get(f"/clinic/alerts/{alert.pk}/")
    assert Notification.objects.get(recipient=clinician, alert=alert).read_at is None
    assert client.get("/clinic/notifications/read").status_code == 405
    client.post("/clinic/notifications/read")
    assert Notification.objects.get(recipient=clinician, alert=alert).read_at is not None
    assert "No unread notifications" in client.get("/clinic/").content.decode()
