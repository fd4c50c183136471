"""Shared fixtures: the three characters (owner, teammate, stranger) and service gates.

Service-backed tests skip with a reason when the service is not configured, and fail
instead when CI=true, so CI can never pass by skipping.
"""

from __future__ import annotations

import datetime
import os
import pathlib
import re
import shutil
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test.utils import override_settings
from rest_framework.test import APIClient

from sigmd_portal.celery import app as celery_app

from .factories import CareTeamFactory, ProfileFactory, UserFactory, clinician_in, link_to_team

IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse battery staple"


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture
def require_postgres() -> None:
    require(settings.USING_POSTGRES, "needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def require_redis() -> None:
    require(bool(settings.REDIS_URL), "needs Redis: set REDIS_URL=redis://...")


@pytest.fixture
def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    require(os.path.exists(path), "needs Debian's chromium (apt-get install chromium)")
    return path


@pytest.fixture(autouse=True)
def _isolated(settings) -> Iterator[None]:
    # Counters of rate limits and throttles must not leak from one test into the next.
    cache.clear()
    # Hashing passwords for real costs a fraction of a second per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in-process unless a test asks for the real worker below.
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture(scope="session")
def _session_worker(django_db_setup, django_db_blocker):
    # One worker for the whole run: starting and stopping one per test races the publisher's pool.
    if not settings.REDIS_URL:
        yield None
        return
    with (
        django_db_blocker.unblock(),
        start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker,
    ):
        yield worker


@pytest.fixture
def celery_worker(require_redis, _session_worker, transactional_db) -> Iterator[object]:
    """A real Celery worker thread consuming from the real Redis broker."""
    celery_app.conf.task_always_eager = False
    yield _session_worker
    celery_app.conf.task_always_eager = True


def reset_publisher() -> None:
    """Make the publisher look its pools up again, for the broker URL now configured."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def client_for(user) -> APIClient:
    """An API client signed in as the user; a clinician's session has passed TOTP."""
    client = APIClient()
    client.force_authenticate(user)
    if user.is_clinician:
        pass_second_factor(client, user)
    return client


def pass_second_factor(client, user) -> None:
    """Mark the test client's session as one that passed the second factor, as signing in with
    the authenticator code does (accounts.permissions.session_passed_mfa)."""
    from accounts.permissions import session_record_mfa_passed

    session = client.session
    session_record_mfa_passed(session, user)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.org", role="caregiver")


@pytest.fixture
def teammate(db):
    """A second manager of the owner's profiles (the other parent)."""
    return UserFactory(email="teammate@example.org", role="caregiver")


@pytest.fixture
def stranger(db):
    return UserFactory(email="stranger@example.org", role="caregiver")


def last_code() -> str:
    """The verification code from the newest e-mail in the outbox."""
    body = mail.outbox[-1].body
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{6})\s*$", body, re.MULTILINE)
    assert match, body
    return match.group(1)


@pytest.fixture
def child(owner, teammate):
    """A child managed by both parents (owner and teammate)."""
    return ProfileFactory(
        display_name="Ada", date_of_birth=datetime.date(2019, 5, 1), managed_by=[owner, teammate]
    )


@pytest.fixture
def team(db):
    return CareTeamFactory(name="Children's Immunology")


@pytest.fixture
def clinician(team):
    return clinician_in(team, email="dr.okafor@hospital.org")


@pytest.fixture
def linked_child(child, team):
    link_to_team(child, team)
    return child


def rows(response) -> list:
    """The rows of one page of an API list (every list is a cursor page)."""
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


# --- static files in the production shape ------------------------------------------------------
# DEBUG off and collectstatic with the production storage: hashed names, module imports rewritten,
# gzip and Brotli copies, served by WhiteNoise. The other tests serve the plain names (DEBUG mode).
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "sigmd_portal.storage.StaticStorage"},
}
# Only the API docs load these; compressing their bundles takes half a minute.
NOT_LOADED_BY_OUR_PAGES = ["drf_spectacular_sidecar", "rest_framework"]


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> pathlib.Path:
    root = tmp_path_factory.mktemp("static")
    ignored = [arg for app in NOT_LOADED_BY_OUR_PAGES for arg in ("--ignore", app)]
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", "--noinput", *ignored, verbosity=0)
    return root


@pytest.fixture
def production_static(collected_static, settings) -> pathlib.Path:
    """Static files as production serves them; a client or server made from now on uses them."""
    assert not settings.DEBUG  # hashed URLs only with DEBUG off, as in production
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = PRODUCTION_STORAGES
    return collected_static
