"""Sessions and `X-Session-Token`s (the same Django sessions): finding, ending, ageing them.

Clinicians are signed out after `SIGMD_CLINICIAN_IDLE_SECONDS` without a request and after
`SIGMD_CLINICIAN_MAX_AGE_SECONDS` in any case; families keep a sliding window of
`SIGMD_FAMILY_SESSION_DAYS`, renewed by use.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import import_module

from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from .models import Role, User

SIGNED_IN_AT_KEY = "sigmd_signed_in_at"
SEEN_AT_KEY = "sigmd_seen_at"
ROLE_KEY = "sigmd_role"
# Record activity at most this often: one session write a minute, not one per request.
TOUCH_EVERY_SECONDS = 60


def session_store(session_key: str | None = None) -> SessionBase:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


# The `X-Session-Token` session this request has already loaded (SessionLifetimeMiddleware).
_REQUEST_TOKEN_SESSION: ContextVar[tuple[str, SessionBase] | None] = ContextVar(
    "sigmd_request_token_session", default=None
)


@contextmanager
def token_session_of_request(token: str, session: SessionBase) -> Iterator[None]:
    """While the request runs, looking its token up again answers this loaded session."""
    reset = _REQUEST_TOKEN_SESSION.set((token, session))
    try:
        yield
    finally:
        _REQUEST_TOKEN_SESSION.reset(reset)


def token_session(token: str) -> SessionBase | None:
    """The live session behind a session token, or None: loaded once per request however many
    parts of it ask (the lifetime middleware, allauth, the API's authentication)."""
    loaded = _REQUEST_TOKEN_SESSION.get()
    if loaded is not None and loaded[0] == token:
        session = loaded[1]
    else:
        session = session_store(token)
        session.get(SESSION_KEY)  # loads it; a session not found (or ended) loses its key
    return session if session.session_key else None


class TokenStrategy(SessionTokenStrategy):
    """allauth's session tokens (the session key), looked up with one load per request: allauth's
    own strategy asks whether the session exists and then loads it, two reads."""

    def lookup_session(self, session_token: str) -> SessionBase | None:
        return token_session(session_token)


def session_keys_of(user: User) -> list[str]:
    """Keys of the user's live sessions, browser and token alike. Session data is signed, not
    indexed, so this reads every live session: fine for the rare events that need it."""
    model = session_store().get_model_class()  # type: ignore[attr-defined]  # db and cached_db stores
    user_id = str(user.pk)
    return [
        row.session_key
        for row in model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if row.get_decoded().get(SESSION_KEY) == user_id
    ]


def sessions_end(*, user: User, keep: str | None = None) -> int:
    """Sign the user out everywhere (except the session `keep`); returns how many ended."""
    ended = 0
    for key in session_keys_of(user):
        if key != keep:
            session_store(key).delete(key)
            ended += 1
    return ended


def _lifetime_seconds(role: str | None) -> int:
    if role == Role.CLINICIAN:
        return settings.SIGMD_CLINICIAN_IDLE_SECONDS
    return settings.SIGMD_FAMILY_SESSION_DAYS * 86400


def session_start(session: SessionBase, user: User) -> None:
    """Stamp a freshly signed-in session with its start, last use and the user's role."""
    now = timezone.now().timestamp()
    session[SIGNED_IN_AT_KEY] = now
    session[SEEN_AT_KEY] = now
    session[ROLE_KEY] = user.role
    session.set_expiry(_lifetime_seconds(user.role))


def session_expired(session: SessionBase) -> bool:
    """Apply the lifetime rules to a signed-in session: True when it has ended (and is now
    deleted); otherwise records the use (renewing the sliding window)."""
    user_id = session.get(SESSION_KEY)
    if user_id is None:
        return False
    now = timezone.now().timestamp()
    role = session.get(ROLE_KEY)
    if role is None:  # signed in before these rules existed
        role = User.objects.filter(pk=user_id).values_list("role", flat=True).first()
        session[ROLE_KEY] = role
    signed_in_at = session.setdefault(SIGNED_IN_AT_KEY, now)
    seen_at = session.get(SEEN_AT_KEY, signed_in_at)
    if role == Role.CLINICIAN and (
        now - seen_at > settings.SIGMD_CLINICIAN_IDLE_SECONDS
        or now - signed_in_at > settings.SIGMD_CLINICIAN_MAX_AGE_SECONDS
    ):
        session.flush()
        return True
    if SEEN_AT_KEY not in session or now - seen_at >= TOUCH_EVERY_SECONDS:
        session[SEEN_AT_KEY] = now
        session.set_expiry(_lifetime_seconds(role))
    return False
