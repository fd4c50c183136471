"""50 guesses sent at once against every secret a stranger could guess — the password, a TOTP
code, the e-mail verification code, a care team's invitation code, a parent's sharing code —
and the limit holds exactly: no more guesses are checked than the limit allows."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.utils import timezone

from diary.models import Profile
from tests.conftest import PASSWORD
from tests.factories import ProfileFactory, UserFactory, add_totp, clinician_in

pytestmark = [pytest.mark.proof, pytest.mark.postgres, pytest.mark.redis]
PARALLEL = 50
APP = "/_allauth/app/v1"


def at_once(send: Callable[[requests.Session], requests.Response]) -> list[requests.Response]:
    """Send PARALLEL requests released together by a barrier, each on its own connection."""
    barrier = threading.Barrier(PARALLEL)

    def one(_: int) -> requests.Response:
        with requests.Session() as session:
            barrier.wait()
            return send(session)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(one, range(PARALLEL)))


def allauth_error(response: requests.Response) -> str:
    if response.status_code == 429:
        return "rate_limited"
    errors = response.json().get("errors") or [{}]
    return errors[0].get("code", str(response.status_code))


def report(name: str, outcomes: Counter, checked: int, limit: int) -> None:
    print(
        f"\nbrute force, {name}: {PARALLEL} parallel guesses, {checked} checked (limit {limit}); {dict(outcomes)}"
    )


@pytest.fixture
def server(live_server, require_postgres, require_redis):
    return live_server.url


def login(server: str, email: str) -> requests.Response:
    return requests.post(f"{server}{APP}/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)


def test_password_guesses(server):
    user = UserFactory(email="target@example.org", role="caregiver")
    answers = at_once(
        lambda s: s.post(
            f"{server}{APP}/auth/login", json={"email": user.email, "password": "wrong-guess-123"}, timeout=60
        )
    )
    outcomes = Counter(allauth_error(a) for a in answers)
    checked = outcomes["email_password_mismatch"]
    report("password", outcomes, checked, 5)
    assert checked == 5  # allauth: 5 failed logins per account per 5 minutes
    assert set(outcomes) <= {"email_password_mismatch", "too_many_login_attempts", "rate_limited"}


def test_totp_guesses(server, team):
    clinician = clinician_in(team, totp=False, email="dr.target@hospital.org")
    add_totp(clinician)
    pending = login(server, clinician.email)
    assert pending.status_code == 401
    token = pending.json()["meta"]["session_token"]
    answers = at_once(
        lambda s: s.post(
            f"{server}{APP}/auth/2fa/authenticate",
            json={"code": "000000"},
            headers={"X-Session-Token": token},
            timeout=60,
        )
    )
    outcomes = Counter(allauth_error(a) for a in answers)
    checked = outcomes["incorrect_code"]
    report("TOTP", outcomes, checked, 5)
    assert checked == 5
    assert set(outcomes) <= {"incorrect_code", "too_many_login_attempts"}


def test_email_code_guesses(server):
    signup = requests.post(
        f"{server}{APP}/auth/signup", json={"email": "new@example.org", "password": PASSWORD}, timeout=30
    )
    assert signup.status_code == 401
    token = signup.json()["meta"]["session_token"]
    answers = at_once(
        lambda s: s.post(
            f"{server}{APP}/auth/email/verify",
            json={"key": "WRONG1"},
            headers={"X-Session-Token": token},
            timeout=60,
        )
    )
    outcomes = Counter(allauth_error(a) for a in answers)
    checked = outcomes["incorrect_code"]
    report("e-mail code", outcomes, checked, 3)
    assert checked == 3  # allauth's maximum attempts at one code
    assert set(outcomes) <= {"incorrect_code", "too_many_attempts", "rate_limited"}


def api_error(response: requests.Response) -> str:
    return (
        "refused" if response.status_code == 429 else response.json().get("code", str(response.status_code))
    )


@pytest.fixture
def family(server):
    user = UserFactory(email="guesser@example.org", role="caregiver")
    child = ProfileFactory(managed_by=[user])
    answer = login(server, user.email)
    assert answer.status_code == 200
    return child, answer.json()["meta"]["session_token"]


@pytest.mark.parametrize(
    ("name", "path"),
    [("invitation code", "/api/v1/profiles/{child}/care-links/"), ("sharing code", "/api/v1/profiles/join")],
)
def test_invitation_and_sharing_code_guesses(server, family, settings, name, path):
    child, token = family
    url = server + path.format(child=child.id)
    answers = at_once(
        lambda s: s.post(url, json={"code": "WRONG234"}, headers={"X-Session-Token": token}, timeout=60)
    )
    outcomes = Counter(api_error(a) for a in answers)
    checked = outcomes["invalid"]
    limit = settings.SIGMD_WRONG_CODES_PER_ACCOUNT
    report(name, outcomes, checked, limit)
    assert checked == limit
    assert set(outcomes) == {"invalid", "refused"}


def test_password_reset_code_guesses(server):
    user = UserFactory(email="forgetful@example.org", role="caregiver")
    requested = requests.post(f"{server}{APP}/auth/password/request", json={"email": user.email}, timeout=30)
    assert requested.status_code == 401, requested.json()
    token = requested.json()["meta"]["session_token"]
    answers = at_once(
        lambda s: s.post(
            f"{server}{APP}/auth/password/reset",
            json={"key": "WRONG1", "password": "a new password 2026"},
            headers={"X-Session-Token": token},
            timeout=60,
        )
    )
    outcomes = Counter(allauth_error(a) for a in answers)
    checked = PARALLEL - outcomes["rate_limited"]
    report("password-reset code", outcomes, checked, 3)
    assert checked == 3
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.fixture
def throttle_window(time_machine) -> None:
    """Without Redis the throttles count in fixed windows (a whole minute, a whole hour): start at
    the beginning of an hour, so that no window ends while the test counts."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    time_machine.move_to(hour)


def test_share_link_token_guesses(server, settings, throttle_window):
    """Made-up tokens at /share/{token}/ from one address: each is counted before it is looked
    up, so no more are looked up than the share-link rate allows."""
    answers = at_once(lambda s: s.get(f"{server}/share/{secrets.token_urlsafe(32)}/", timeout=60))
    outcomes = Counter(
        {404: "looked up", 429: "refused"}.get(a.status_code, str(a.status_code)) for a in answers
    )
    checked = outcomes["looked up"]
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["share_link"].split("/")[0])
    report("share-link token", outcomes, checked, limit)
    assert checked == limit
    assert set(outcomes) == {"looked up", "refused"}


def test_erasure_password_guesses(server, family, throttle_window):
    """DELETE /api/v1/account asks for the password again: a stolen session guessing it."""
    child, token = family
    guess = {"json": {"password": "wrong-guess-123"}, "headers": {"X-Session-Token": token}, "timeout": 60}
    answers = at_once(lambda s: s.delete(f"{server}/api/v1/account", **guess))
    outcomes = Counter(api_error(a) for a in answers)
    checked = outcomes["invalid"]
    report("erasure password", outcomes, checked, 10)
    assert checked == 10  # reports.api.AccountEraseThrottle: 10 an hour per account
    assert set(outcomes) == {"invalid", "refused"}
    assert Profile.objects.filter(pk=child.pk).exists()
