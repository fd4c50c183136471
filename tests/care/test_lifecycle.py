"""Acknowledge, resolve, escalate, deliver — with who may do what."""

import datetime as dt
import smtplib
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from care import notifications, tasks
from care.models import Alert, Delivery, PushSubscription
from care.tasks import deliver
from tests.conftest import client_for, rows

from .test_pipeline import log

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def escalate() -> list[str]:
    """Run the beat's escalation task; the ids of the alerts it escalated."""
    before = set(Alert.objects.filter(escalated_at__isnull=False).values_list("pk", flat=True))
    tasks.escalate_unacknowledged_alerts()
    after = set(Alert.objects.filter(escalated_at__isnull=False).values_list("pk", flat=True))
    return [str(pk) for pk in after - before]


def digest(day: dt.date) -> list[int]:
    """Make the day's digests and send them, as the beat's task does; the new deliveries."""
    deliveries = notifications.routine_digests_send(day=day)
    tasks.deliveries_dispatch(deliveries)
    return deliveries


@pytest.fixture
def urgent_alert(commit, adult, owner, clinician, second_clinician):
    commit(log, client_for(owner), adult, {"kind": "meningitis", "onset": str(TODAY), "severity": "severe"})
    return Alert.objects.get()


def test_a_clinician_acknowledges_then_resolves(urgent_alert, clinician, owner):
    client = client_for(clinician)
    acked = client.post(f"/api/v1/alerts/{urgent_alert.id}/acknowledge")
    assert acked.status_code == 200
    assert acked.json()["status"] == "acknowledged" and acked.json()["acknowledged_at"]
    # The family sees that the team has seen it, and when.
    mine = rows(client_for(owner).get("/api/v1/alerts/"))[0]
    assert mine["status"] == "acknowledged" and mine["acknowledged_at"] == acked.json()["acknowledged_at"]
    resolved = client.post(
        f"/api/v1/alerts/{urgent_alert.id}/resolve", {"note": "seen in clinic"}, format="json"
    )
    assert resolved.json()["status"] == "resolved" and resolved.json()["resolution_note"] == "seen in clinic"
    assert client.post(f"/api/v1/alerts/{urgent_alert.id}/acknowledge").status_code == 409
    assert client.post(f"/api/v1/alerts/{urgent_alert.id}/resolve", {}, format="json").status_code == 409


def test_patients_and_caregivers_cannot_acknowledge_or_resolve(urgent_alert, owner):
    client = client_for(owner)
    assert client.post(f"/api/v1/alerts/{urgent_alert.id}/acknowledge").status_code == 403
    assert client.post(f"/api/v1/alerts/{urgent_alert.id}/resolve", {}, format="json").status_code == 403
    urgent_alert.refresh_from_db()
    assert urgent_alert.status == "open"


def test_strangers_and_other_teams_get_404(urgent_alert, stranger, other_team_clinician):
    for user in (stranger, other_team_clinician):
        client = client_for(user)
        assert rows(client.get("/api/v1/alerts/")) == []
        assert client.post(f"/api/v1/alerts/{urgent_alert.id}/acknowledge").status_code == 404
        assert client.post(f"/api/v1/alerts/{urgent_alert.id}/resolve", {}, format="json").status_code == 404
    assert client_for(stranger).post(f"/api/v1/alerts/{uuid.uuid4()}/acknowledge").status_code == 404


def test_resolve_refuses_unknown_fields(urgent_alert, clinician):
    response = client_for(clinician).post(
        f"/api/v1/alerts/{urgent_alert.id}/resolve", {"status": "open"}, format="json"
    )
    assert response.status_code == 400
    urgent_alert.refresh_from_db()
    assert urgent_alert.status == "open"


def test_revoking_consent_cuts_the_team_off_at_once(urgent_alert, adult, owner, clinician):
    doctor = client_for(clinician)
    assert doctor.get(f"/api/v1/profiles/{adult.id}/").status_code == 200
    link = adult.care_links.get()
    assert client_for(owner).delete(f"/api/v1/profiles/{adult.id}/care-links/{link.id}/").status_code == 204
    assert doctor.get(f"/api/v1/profiles/{adult.id}/").status_code == 404
    assert doctor.get(f"/api/v1/profiles/{adult.id}/infections/").status_code == 404
    assert rows(doctor.get("/api/v1/alerts/")) == []
    assert doctor.post(f"/api/v1/alerts/{urgent_alert.id}/acknowledge").status_code == 404


def test_an_unacknowledged_urgent_alert_is_escalated_once_to_every_clinician(
    commit, urgent_alert, clinician, second_clinician, time_machine
):
    mail.outbox.clear()
    time_machine.move_to(urgent_alert.created_at + dt.timedelta(minutes=14))
    assert escalate() == []
    time_machine.shift(dt.timedelta(minutes=1, seconds=1))
    assert escalate() == [str(urgent_alert.id)]
    assert escalate() == []
    urgent_alert.refresh_from_db()
    assert urgent_alert.escalated_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([clinician.email, second_clinician.email])
    assert all("unacknowledged" in m.subject for m in mail.outbox)


def test_an_acknowledged_alert_is_not_escalated(commit, urgent_alert, clinician, time_machine):
    client_for(clinician).post(f"/api/v1/alerts/{urgent_alert.id}/acknowledge")
    time_machine.move_to(urgent_alert.created_at + dt.timedelta(hours=2))
    assert escalate() == []


def test_the_escalation_delay_is_a_team_setting(commit, urgent_alert, team, time_machine):
    team.escalation_delay_minutes = 5
    team.save()
    time_machine.move_to(urgent_alert.created_at + dt.timedelta(minutes=5, seconds=1))
    assert escalate() == [str(urgent_alert.id)]


def test_a_transient_smtp_failure_is_retried_and_sends_exactly_one_message(
    commit, adult, owner, clinician, monkeypatch
):
    from django.core.mail import send_mail as real_send_mail

    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("relay went away")
        return real_send_mail(*args, **kwargs)

    monkeypatch.setattr("care.transports.send_mail", flaky)
    commit(log, client_for(owner), adult, {"kind": "sepsis", "onset": str(TODAY), "severity": "severe"})
    delivery = Delivery.objects.get(recipient=clinician)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "relay went away" in delivery.last_error
    assert mail.outbox == []
    # The retry Celery schedules (in-process tasks don't wait for a countdown, so run it here).
    deliver.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [m.to for m in mail.outbox] == [[clinician.email]]
    # A redelivered or duplicated task sends nothing more.
    deliver.apply(args=[delivery.pk])
    assert len(mail.outbox) == 1


def test_a_routine_digest_goes_once_a_day_to_each_clinician(
    commit, linked_child, owner, clinician, time_machine
):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC))  # after the 07:00 digest
    for d in (300, 200, 100, 5):
        onset = str(dt.date(2026, 6, 1) - dt.timedelta(days=d))
        commit(
            log, client_for(owner), linked_child, {"kind": "otitis_media", "onset": onset, "severity": "mild"}
        )
    assert mail.outbox == []
    assert digest(dt.date(2026, 6, 1)) == []  # that one went out at 07:00
    time_machine.move_to(dt.datetime(2026, 6, 2, 7, 0, tzinfo=dt.UTC))
    assert len(digest(dt.date(2026, 6, 2))) == 1
    assert len(digest(dt.date(2026, 6, 2))) == 0
    assert [m.to for m in mail.outbox] == [[clinician.email]]
    assert "1 new routine alert" in mail.outbox[0].body
    time_machine.move_to(dt.datetime(2026, 6, 3, 7, 0, tzinfo=dt.UTC))
    assert digest(dt.date(2026, 6, 3)) == []  # never twice


def test_web_push_goes_out_without_health_data_and_gone_devices_are_dropped(
    commit, adult, owner, clinician, settings, monkeypatch
):
    import json

    from pywebpush import WebPushException

    settings.WEB_PUSH_ENABLED = True
    settings.VAPID_PRIVATE_KEY = "test-key"
    sent = []

    class Gone:
        status_code = 410

    def fake_webpush(subscription_info, data, **kwargs):  # the push service, at the edge of the world
        if "gone" in subscription_info["endpoint"]:
            raise WebPushException("gone", response=Gone())
        sent.append(json.loads(data))

    monkeypatch.setattr("pywebpush.webpush", fake_webpush)
    client = client_for(clinician)
    for endpoint in ("https://fcm.googleapis.com/fcm/send/live", "https://fcm.googleapis.com/fcm/send/gone"):
        body = {"endpoint": endpoint, "keys": {"p256dh": "BNc", "auth": "tBH"}}
        assert client.post("/api/v1/push-subscriptions/", body, format="json").status_code == 201
    commit(log, client_for(owner), adult, {"kind": "sepsis", "onset": str(TODAY), "severity": "severe"})
    assert len(sent) == 1
    assert "Sam" not in json.dumps(sent) and "sepsis" not in json.dumps(sent)
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        "https://fcm.googleapis.com/fcm/send/live"
    ]


def test_push_subscriptions_belong_to_their_owner(clinician, stranger):
    body = {"endpoint": "https://fcm.googleapis.com/fcm/send/mine", "keys": {"p256dh": "BNc", "auth": "tBH"}}
    client_for(clinician).post("/api/v1/push-subscriptions/", body, format="json")
    assert (
        client_for(stranger)
        .delete("/api/v1/push-subscriptions/", {"endpoint": body["endpoint"]}, format="json")
        .status_code
        == 404
    )
    assert PushSubscription.objects.count() == 1
    assert (
        client_for(clinician)
        .delete("/api/v1/push-subscriptions/", {"endpoint": body["endpoint"]}, format="json")
        .status_code
        == 204
    )
    bad = client_for(clinician).post(
        "/api/v1/push-subscriptions/", {"endpoint": "http://insecure"}, format="json"
    )
    assert bad.status_code == 400


def test_each_clinician_has_an_in_app_inbox(
    urgent_alert, clinician, second_clinician, owner, other_team_clinician
):
    inbox = rows(client_for(clinician).get("/api/v1/notifications/?unread=1"))
    assert [(n["alert"], n["kind"], n["priority"]) for n in inbox] == [
        (str(urgent_alert.id), "alert", "urgent")
    ]
    assert client_for(clinician).post(f"/api/v1/notifications/{inbox[0]['id']}/read").status_code == 204
    assert rows(client_for(clinician).get("/api/v1/notifications/?unread=1")) == []
    assert len(rows(client_for(second_clinician).get("/api/v1/notifications/?unread=1"))) == 1
    # Someone else's notification is not found; families and strangers have no inbox.
    assert (
        client_for(other_team_clinician).post(f"/api/v1/notifications/{inbox[0]['id']}/read").status_code
        == 404
    )
    assert client_for(owner).get("/api/v1/notifications/").status_code == 403


def test_a_clinicians_look_at_alerts_and_changes_to_them_are_in_the_family_access_log(
    urgent_alert, clinician, owner
):
    doctor = client_for(clinician)
    doctor.get("/api/v1/alerts/")
    doctor.post(f"/api/v1/alerts/{urgent_alert.id}/acknowledge")
    doctor.post(f"/api/v1/alerts/{urgent_alert.id}/resolve", {"note": "called the family"}, format="json")
    log = rows(client_for(owner).get(f"/api/v1/profiles/{urgent_alert.profile_id}/access-log/"))
    assert [(e["action"], e["object_type"]) for e in reversed(log)] == [
        ("read", "Alert"),
        ("update", "Alert"),
        ("update", "Alert"),
    ]
    assert {e["team_name"] for e in log} == {urgent_alert.team.name}
    # The family reading its own alerts is not logged.
    client_for(owner).get("/api/v1/alerts/")
    assert len(rows(client_for(owner).get(f"/api/v1/profiles/{urgent_alert.profile_id}/access-log/"))) == 3


def test_after_revocation_the_team_is_neither_escalated_to_nor_messaged(
    commit, urgent_alert, adult, owner, time_machine
):
    mail.outbox.clear()
    pending = Delivery.objects.create(
        recipient=urgent_alert.team.memberships.first().user,
        channel="email",
        kind="escalation",
        alert=urgent_alert,
    )
    link = adult.care_links.get()
    client_for(owner).delete(f"/api/v1/profiles/{adult.id}/care-links/{link.id}/")
    time_machine.move_to(urgent_alert.created_at + dt.timedelta(hours=1))
    assert escalate() == []
    deliver.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert pending.status == "skipped"
    assert mail.outbox == []
