"""The one module that reaches into allauth's internals.

allauth's non-headless views are off (HEADLESS_ONLY): the PWA signs in through `/_allauth/`,
the clinic through its own server pages. Those pages use allauth's public forms (LoginForm,
mfa AuthenticateForm, ActivateTOTPForm) and need a handful of allauth's internal helpers to
find the login that waits for its second factor, to record a re-authentication, and to create
authenticators. Every such import lives here, so an allauth upgrade is checked in one file
(tests/accounts/test_allauth_imports.py keeps it that way).
"""

from __future__ import annotations

import base64
import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.account.internal.flows.reauthentication import reauthenticate_by_password
from allauth.account.stages import LoginStage, LoginStageController
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa import signals as mfa_signals
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.stages import AuthenticateStage
from allauth.mfa.totp.internal.auth import (
    TOTP,
    clear_totp_secret,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from .models import User

# --- signing in ---------------------------------------------------------------------------------


def pending_second_factor(request: HttpRequest) -> LoginStage | None:
    """The login that passed its password and now waits for the authenticator code, if any."""
    return LoginStageController.enter(request, AuthenticateStage.key)


def complete_second_factor(stage: LoginStage) -> HttpResponse:
    """Finish the waiting login (after AuthenticateForm.save() recorded the code): allauth logs
    the user in and runs its post-login hooks."""
    return stage.exit()


def last_authenticated_at(request: HttpRequest) -> float | None:
    """When this session last proved who its user is (password or code), as a Unix time."""
    records = get_authentication_records(request, request.user)
    return max((record["at"] for record in records), default=None)


def authenticated_recently(request: HttpRequest) -> bool:
    """Within allauth's re-authentication timeout (ACCOUNT_REAUTHENTICATION_TIMEOUT, 5 minutes)."""
    at = last_authenticated_at(request)
    return at is not None and time.time() - at < account_settings.REAUTHENTICATION_TIMEOUT


def record_password_reauthentication(request: HttpRequest) -> None:
    """After allauth's ReauthenticateForm accepted the password."""
    reauthenticate_by_password(request)


def session_second_factor_records(request: HttpRequest) -> list[dict[str, Any]]:
    """The second factors this session passed (what allauth recorded at sign-in)."""
    return [r for r in get_authentication_records(request, request.user) if r.get("method") == "mfa"]


# --- setting up an authenticator app ------------------------------------------------------------


def totp_setup_details(user: User, secret: str) -> dict[str, Any]:
    """What the setup page shows: the key in groups of four, the otpauth link, its QR code."""
    adapter = get_mfa_adapter()
    url = adapter.build_totp_url(user, secret)
    return {
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "totp_url": url,
        # An image, not inline SVG markup: the CSP allows data: images and no inline styles.
        "qr_code": "data:image/svg+xml;base64,"
        + base64.b64encode(adapter.build_totp_svg(url).encode()).decode(),
    }


@transaction.atomic
def totp_activate(request: HttpRequest, *, secret: str) -> list[str]:
    """Turn the authenticator on (after ActivateTOTPForm checked a code from it) with recovery
    codes, and return those codes. Proving the code is this session's second factor too."""
    user = request.user
    totp = TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user)
    clear_totp_secret(request)
    record_authentication(request, user, "mfa", id=totp.instance.pk, type=Authenticator.Type.TOTP)
    # As allauth's own views do: the user's other sessions and tokens end (accounts.signals).
    mfa_signals.authenticator_added.send(
        sender=Authenticator, request=request, user=user, authenticator=totp.instance
    )
    return codes.get_unused_codes()


def totp_authenticator_add(user: User, *, secret: str) -> bool:
    """Give the user an authenticator app with a known secret (the demo clinician, tests); False
    if they have one already."""
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return False
    TOTP.activate(user, secret)
    return True


def recovery_codes_activate(user: User) -> list[str]:
    """Give the user a fresh set of recovery codes (stored as an encrypted seed); the codes."""
    return RecoveryCodes.activate(user).get_unused_codes()


def new_totp_secret() -> str:
    return generate_totp_secret()


def totp_secret_of(user: User) -> str:
    """The stored secret of the user's authenticator app (decrypted by allauth's MFA adapter)."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def totp_code(secret: str) -> str:
    """The code an authenticator app shows for this secret now (tests, demo instructions)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
