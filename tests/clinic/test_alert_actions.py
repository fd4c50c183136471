"""Acting on an alert over the web, CSRF and all: acknowledge with an optional note, resolve
with a required note and a confirmation; nothing typed is lost; the family's contact and the
alert's history are on the page."""

import pytest
from django.test import Client

from care import alerts, notifications
from care.models import Notification
from diary.models import AccessLogEntry

from .conftest import csrf_token_in, signed_in, today

pytestmark = pytest.mark.django_db


def csrf_client(user) -> Client:
    return signed_in(user, client=Client(enforce_csrf_checks=True))


def token_from(client: Client, path: str) -> str:
    return csrf_token_in(client.get(path).content.decode())


def test_acknowledge_with_a_note_needs_the_csrf_token(clinician, alert):
    client = csrf_client(clinician)
    path = f"/clinic/alerts/{alert.pk}/"
    assert client.post(f"{path}acknowledge", {"note": "Calling now"}).status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"
    notifications.alert_notify(alert=alert, kind="alert")
    response = client.post(
        f"{path}acknowledge",
        {"note": "Calling the family now", "csrfmiddlewaretoken": token_from(client, path)},
    )
    assert response["Location"] == path
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.acknowledgement_note) == (
        "acknowledged",
        clinician,
        "Calling the family now",
    )
    assert Notification.objects.get(recipient=clinician, alert=alert).read_at is not None
    html = client.get(path).content.decode()
    assert "Calling the family now" in html and "Acknowledged by dr.okafor@hospital.org" in html
    assert AccessLogEntry.objects.filter(actor=clinician, action="update", profile=alert.profile).exists()


def test_resolve_needs_a_note_then_a_confirmation(clinician, alert):
    client = csrf_client(clinician)
    path = f"/clinic/alerts/{alert.pk}/"
    refused = client.post(f"{path}resolve", {"note": "", "csrfmiddlewaretoken": token_from(client, path)})
    assert refused.status_code == 400
    assert "Write what was done before resolving the alert." in refused.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"

    token = token_from(client, path)
    asked = client.post(
        f"{path}resolve", {"note": "Seen in clinic, recovering", "csrfmiddlewaretoken": token}
    )
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Resolve this alert?" in html and "Seen in clinic, recovering" in html
    alert.refresh_from_db()
    assert alert.status == "open"  # only asked, nothing changed
    back = client.post(
        f"{path}resolve", {"note": "Seen in clinic, recovering", "back": "1", "csrfmiddlewaretoken": token}
    )
    assert back.status_code == 200 and "Seen in clinic, recovering</textarea>" in back.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"

    done = client.post(
        f"{path}resolve",
        {"note": "Seen in clinic, recovering", "confirmed": "on", "csrfmiddlewaretoken": token},
    )
    assert done["Location"] == path
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_by, alert.resolution_note) == (
        "resolved",
        clinician,
        "Seen in clinic, recovering",
    )
    html = client.get(path).content.decode()
    assert "Resolved by dr.okafor@hospital.org" in html and "Seen in clinic, recovering" in html
    assert 'action="/clinic/alerts/' not in html  # nothing left to do


def test_a_refused_form_keeps_what_was_typed(clinician, alert):
    client = signed_in(clinician)
    long_note = "Spoke to mum. " * 200  # over the 2,000 characters a note may hold
    ack = client.post(f"/clinic/alerts/{alert.pk}/acknowledge", {"note": long_note})
    assert ack.status_code == 400 and "Spoke to mum." in ack.content.decode()
    alerts.alert_resolve(alert=alert, user=clinician, note="Done elsewhere")
    late = client.post(f"/clinic/alerts/{alert.pk}/resolve", {"note": "My own note", "confirmed": "on"})
    assert late.status_code == 409
    assert "already resolved" in late.content.decode() and "My own note" in late.content.decode()


def test_an_urgent_alert_shows_how_to_reach_the_family(clinician, alert, owner, teammate, linked_child):
    owner.display_name = "Grace Adeyemi"
    owner.save()
    linked_child.contact_phone = "+44 20 7946 0000"
    linked_child.save()
    html = signed_in(clinician).get(f"/clinic/alerts/{alert.pk}/").content.decode()
    contact = html[html.index("Contact the family") :]
    assert "Grace Adeyemi" in contact and "owner@example.org" in contact and "teammate@example.org" in contact
    assert 'href="tel:+442079460000"' in contact


def test_the_history_says_what_happened_and_who_did_it(clinician, second_clinician, alert):
    notifications.alert_notify(alert=alert, kind="alert")
    alerts.alert_acknowledge(alert=alert, user=second_clinician)
    alerts.alert_resolve(alert=alert, user=clinician, note="Admitted, on IV antibiotics")
    html = signed_in(clinician).get(f"/clinic/alerts/{alert.pk}/").content.decode()
    history = html[html.index('id="history-title"') :]
    steps = [
        "Raised by the alert rules",
        "In-app notice to",
        "Acknowledged by nurse.ade@hospital.org",
        "Resolved by dr.okafor@hospital.org",
    ]
    assert [history.index(step) for step in steps] == sorted(history.index(step) for step in steps)
    assert "Admitted, on IV antibiotics" in history


def test_the_alert_page_explains_the_rule_in_force_and_shows_the_evidence(clinician, alert):
    html = signed_in(clinician).get(f"/clinic/alerts/{alert.pk}/").content.decode()
    assert "Ada: Severe infection" in html
    assert "any one entry within 14 days" in html
    assert f'<dd><time datetime="{today().isoformat()}">' in html  # when the meningitis began
    assert "Meningitis" in html and "Neisseria meningitidis" in html
