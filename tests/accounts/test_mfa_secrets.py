"""TOTP secrets and recovery-code seeds are stored encrypted under SIGMD_MFA_KEYS; existing
plaintext secrets are encrypted by a data migration; keys rotate."""

import datetime as dt
import importlib
from io import StringIO

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tests.factories import add_totp, totp_code

pytestmark = pytest.mark.django_db
migration = importlib.import_module("accounts.migrations.0002_mfa_secrets_encrypted")


def stored(user, kind):
    return Authenticator.objects.get(user=user, type=kind).data


def signs_in_with_totp(user, secret) -> bool:
    # One instant for making the code and checking it: a 30-second step may not pass in between.
    with time_machine.travel(timezone.now(), tick=False):
        return _signs_in_with_totp(user, secret)


def _signs_in_with_totp(user, secret) -> bool:
    client = APIClient()
    login = client.post(
        "/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD}, format="json"
    )
    token = login.json()["meta"]["session_token"]
    done = client.post(
        "/_allauth/app/v1/auth/2fa/authenticate",
        {"code": totp_code(secret)},
        format="json",
        HTTP_X_SESSION_TOKEN=token,
    )
    return done.status_code == 200


def test_the_totp_secret_is_not_stored_in_plaintext(clinician):
    secret = add_totp_again(clinician)
    data = stored(clinician, "totp")
    assert secret not in str(data)
    assert data["secret"].startswith("gAAAA")  # a Fernet token
    assert signs_in_with_totp(clinician, secret)


def add_totp_again(user) -> str:
    Authenticator.objects.filter(user=user).delete()
    return add_totp(user)


def test_recovery_code_seeds_are_encrypted(owner):
    from accounts.mfa import recovery_codes_activate

    add_totp(owner)
    codes = recovery_codes_activate(owner)
    seed = stored(owner, "recovery_codes")["seed"]
    assert seed.startswith("gAAAA")
    assert codes  # still usable: decrypted on the way out


def test_the_migration_encrypts_secrets_stored_before_it(clinician):
    secret = add_totp_again(clinician)
    row = Authenticator.objects.get(user=clinician, type="totp")
    from accounts.secrets import mfa_decrypt

    row.data = {"secret": mfa_decrypt(row.data["secret"])}  # as allauth stored it until now
    row.save()

    migration.encrypt_existing(apps, None)
    migration.encrypt_existing(apps, None)  # twice is harmless

    row.refresh_from_db()
    assert row.data["secret"] != secret
    assert mfa_decrypt(row.data["secret"]) == secret
    assert signs_in_with_totp(clinician, secret)


def test_keys_rotate_new_first_then_the_old_one_can_go(settings, clinician):
    secret = add_totp_again(clinician)
    old_key = settings.SIGMD_MFA_KEYS[0]
    new_key = Fernet.generate_key().decode()

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        settings.SIGMD_MFA_KEYS = [new_key, old_key]
        assert signs_in_with_totp(clinician, secret)  # the old key still decrypts
        call_command("rotate_mfa_keys", stdout=StringIO())

        settings.SIGMD_MFA_KEYS = [new_key]
        clock.shift(dt.timedelta(seconds=31))  # a TOTP code is accepted once: use the next one
        assert signs_in_with_totp(clinician, secret)
        assert not signs_in_with_totp_keys_only(old_key, clinician)


def signs_in_with_totp_keys_only(key, user) -> bool:
    from cryptography.fernet import InvalidToken

    try:
        Fernet(key).decrypt(stored(user, "totp")["secret"].encode())
    except InvalidToken:
        return False
    return True
