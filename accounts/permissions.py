from __future__ import annotations

from types import SimpleNamespace

from allauth.account.authentication import get_authentication_records
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from rest_framework import exceptions, permissions

# Set in a session that enrolled an authenticator: entering the new app's code there proves
# the second factor just as signing in with it would.
MFA_PASSED_SESSION_KEY = "sigmd_mfa_passed_user"


def request_session(request: HttpRequest) -> SessionBase | None:
    """The session this request runs in: the `X-Session-Token`'s (DRF puts it in
    `request.auth`), else the browser's cookie session."""
    token_session = getattr(request, "auth", None)
    if isinstance(token_session, SessionBase):
        return token_session
    return getattr(request, "session", None)


def session_record_mfa_passed(session: SessionBase, user) -> None:
    """Record that this session proved the second factor outside allauth's sign-in flow (it set
    up a TOTP app by entering the app's code). allauth's own sign-in records it by itself."""
    session[MFA_PASSED_SESSION_KEY] = str(user.pk)


def session_passed_mfa(request: HttpRequest) -> bool:
    """Whether *this* session or token passed the second factor (not merely whether the user
    has one): allauth records every authentication method used within a session."""
    user = getattr(request, "user", None)
    session = request_session(request)
    if user is None or not user.is_authenticated or session is None:
        return False
    records = get_authentication_records(SimpleNamespace(session=session), user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    return session.get(MFA_PASSED_SESSION_KEY) == str(user.pk)


class TwoFactorRequired(exceptions.PermissionDenied):
    default_detail = (
        "Clinicians must set up two-factor authentication (an authenticator app, TOTP) before "
        "they can see patient data: POST /_allauth/{client}/v1/account/authenticators/totp."
    )
    default_code = "mfa_required"


class TwoFactorNotPassed(exceptions.PermissionDenied):
    default_detail = (
        "This session was opened without your authenticator code. Sign out and sign in again "
        "with your password and the code from your authenticator app to see patient data."
    )
    default_code = "mfa_required"


class MaySeeHealthData(permissions.IsAuthenticated):
    """Signed in, and a clinician only in a session that passed TOTP (checked on every request)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.user.is_clinician:
            if not request.user.has_totp():
                raise TwoFactorRequired()
            if not session_passed_mfa(request):
                raise TwoFactorNotPassed()
        return True


class IsClinician(MaySeeHealthData):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.is_clinician
