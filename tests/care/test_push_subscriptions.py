"""A push endpoint is accepted only on a known push service, and never moved to someone else."""

import pytest

from care.models import PushSubscription
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
KEYS = {"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA", "auth": "tBHItJI5svbpez7KI4CCXg"}
URL = "/api/v1/push-subscriptions/"


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc:APA91b",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA",
        "https://web.push.apple.com/QGuQyavXutnMH",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
    ],
)
def test_the_big_push_services_are_accepted(endpoint, clinician):
    response = client_for(clinician).post(URL, {"endpoint": endpoint, "keys": KEYS}, format="json")
    assert response.status_code == 201, response.json()
    assert PushSubscription.objects.get().endpoint == endpoint


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://push.example/abc",
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://fcm.googleapis.com.evil.example/abc",
        "https://evilfcm.googleapis.com.example/abc",
        "https://user:pw@fcm.googleapis.com/abc",
        "https://fcm.googleapis.com:8443/abc",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/abc",
    ],
)
def test_anything_else_is_refused_and_nothing_is_stored(endpoint, clinician):
    response = client_for(clinician).post(URL, {"endpoint": endpoint, "keys": KEYS}, format="json")
    assert response.status_code == 400
    assert "endpoint" in response.json()["errors"]
    assert not PushSubscription.objects.exists()


def test_another_users_endpoint_is_not_moved(clinician, stranger):
    body = {"endpoint": "https://fcm.googleapis.com/fcm/send/device-1", "keys": KEYS}
    assert client_for(clinician).post(URL, body, format="json").status_code == 201
    taken = client_for(stranger).post(URL, body, format="json")
    assert taken.status_code == 409 and taken.json()["code"] == "endpoint_taken"
    assert PushSubscription.objects.get().user == clinician


def test_registering_again_refreshes_the_keys(clinician):
    body = {"endpoint": "https://fcm.googleapis.com/fcm/send/device-1", "keys": KEYS}
    client = client_for(clinician)
    assert client.post(URL, body, format="json").status_code == 201
    again = client.post(URL, {**body, "keys": {**KEYS, "auth": "new-auth-secret"}}, format="json")
    assert again.status_code == 200
    assert PushSubscription.objects.get().auth == "new-auth-secret"


def test_anonymous_cannot_register(api):
    body = {"endpoint": "https://fcm.googleapis.com/fcm/send/device-1", "keys": KEYS}
    assert api.post(URL, body, format="json").status_code == 401
    assert not PushSubscription.objects.exists()
