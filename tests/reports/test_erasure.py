"""Erasing an account: only with the password, everything of the account goes except the
allowlist of reports/erasure.py, and a co-manager's profile stays whole."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.test import Client

from accounts.models import User
from care.models import Alert, PushSubscription
from diary.models import AccessLogEntry, InfectionEpisode, Profile
from reports import erasure, services
from tests.conftest import PASSWORD, client_for
from tests.factories import ProfileFactory, link_to_team
from tests.reports.conftest import make_alert, seed_diary

URL = "/api/v1/account"


def erase(user, password=PASSWORD):
    return client_for(user).delete(URL, {"password": password}, format="json")


def rows_referring_to(model_cls: type[models.Model], pk) -> dict[str, int]:
    """Every row, in any table (history tables too), whose foreign key names this row."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is model_cls:
                n = model._default_manager.filter(**{field.attname: pk}).count()
                if n:
                    found[f"{model.__name__}.{field.name}"] = n
    return found


def rows_holding(text: str) -> dict[str, int]:
    """Every row with a text field equal to `text` (an e-mail address, a name)."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.is_relation:
                n = model._default_manager.filter(**{field.attname: text}).count()
                if n:
                    found[f"{model.__name__}.{field.name}"] = n
    return found


@pytest.fixture
def solo(owner, team):
    """A profile only the owner manages, linked to a care team, with a diary, an alert and a link."""
    profile = ProfileFactory(display_name="Ben", managed_by=[owner])
    seed_diary(profile, tag="ben")
    link_to_team(profile, team)
    make_alert(profile, team)
    return profile


@pytest.mark.parametrize("password", ["wrong", "", None])
def test_a_wrong_password_refuses_erasure_and_changes_nothing(owner, child, solo, password):
    body = {} if password is None else {"password": password}
    before = {m.__name__: m.objects.count() for m in (User, Profile, InfectionEpisode, Alert)}

    response = client_for(owner).delete(URL, body, format="json")

    assert response.status_code == 400
    assert {m.__name__: m.objects.count() for m in (User, Profile, InfectionEpisode, Alert)} == before
    assert not mail.outbox


def test_erasure_leaves_no_row_of_the_account_and_keeps_the_co_managers_profile_whole(
    owner, teammate, child, diary, solo, clinician, django_capture_on_commit_callbacks
):
    services.share_link_create(
        profile=child, created_by=owner, expires_at=child.created_at.replace(year=2100)
    )
    PushSubscription.objects.create(user=owner, endpoint="https://push.example/o", p256dh="k", auth="a")
    browser = Client()
    browser.force_login(owner)
    child_entries = InfectionEpisode.objects.filter(profile=child).count()
    owner_pk, address, solo_pk = owner.pk, owner.email, solo.pk

    with django_capture_on_commit_callbacks(execute=True):
        response = erase(owner)

    assert response.status_code == 204
    # The account, its sessions and everything that named it.
    assert not User.objects.filter(pk=owner_pk).exists()
    assert rows_referring_to(User, owner_pk) == {}
    assert rows_holding(address) == {}
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(owner_pk)]
    assert browser.get("/api/v1/me").status_code in {401, 403}
    # The profile only the owner managed, with its history rows, care links and alerts.
    assert not Profile.objects.filter(pk=solo_pk).exists()
    assert rows_referring_to(Profile, solo_pk) == {}
    assert not Profile.history.filter(id=solo_pk).exists()
    assert rows_holding("ear ben") == {}
    # Ada stays whole with her other parent.
    child.refresh_from_db()
    assert list(child.managers.all()) == [teammate]
    assert InfectionEpisode.objects.filter(profile=child).count() == child_entries
    assert client_for(teammate).get(f"/api/v1/profiles/{child.pk}/").status_code == 200
    # The care team sees the profile gone.
    assert client_for(clinician).get(f"/api/v1/profiles/{solo_pk}/").status_code == 404
    assert str(solo_pk) not in str(client_for(clinician).get("/api/v1/alerts/").json())
    # An e-mail confirms it.
    (message,) = mail.outbox
    assert message.to == [address]
    assert "erased" in message.subject


def test_a_readers_access_log_rows_are_pseudonymised_not_deleted(clinician, linked_child, teammate):
    client_for(clinician).get(f"/api/v1/profiles/{linked_child.pk}/")
    assert AccessLogEntry.objects.filter(actor=clinician).count() == 1

    response = erase(clinician)

    assert response.status_code == 204
    (row,) = AccessLogEntry.objects.filter(profile=linked_child)
    assert row.actor_id is None
    assert row.actor_email.startswith("erased-") and row.actor_email.endswith("@erased.invalid")
    assert clinician.email not in str(
        client_for(teammate).get(f"/api/v1/profiles/{linked_child.pk}/access-log/").json()
    )


def test_the_pseudonym_is_stable_and_reveals_no_address(clinician):
    assert erasure.pseudonym(clinician) == erasure.pseudonym(clinician)
    assert "hospital" not in erasure.pseudonym(clinician)


def test_unknown_fields_are_refused(owner):
    response = client_for(owner).delete(URL, {"password": PASSWORD, "keep": "everything"}, format="json")

    assert response.status_code == 400
    assert User.objects.filter(pk=owner.pk).exists()


def test_a_signed_out_visitor_erases_nothing(api):
    assert api.delete(URL, {"password": PASSWORD}, format="json").status_code in {401, 403}


def test_guessing_the_password_is_rate_limited(owner, throttle_window):
    answers = [erase(owner, password=f"guess {i}").status_code for i in range(11)]

    assert answers == [400] * 10 + [429]
    assert erase(owner).status_code == 429
    assert User.objects.filter(pk=owner.pk).exists()


def test_the_app_token_used_to_erase_stops_working(api, owner, child):
    login = api.post(
        "/_allauth/app/v1/auth/login", {"email": owner.email, "password": PASSWORD}, format="json"
    )
    token = login.json()["meta"]["session_token"]
    assert api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token).status_code == 200

    response = api.delete(URL, {"password": PASSWORD}, format="json", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 204
    assert api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token).status_code == 401
    assert not Session.objects.filter(session_key=token).exists()
