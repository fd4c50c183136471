from rest_framework import exceptions, permissions


class TwoFactorRequired(exceptions.PermissionDenied):
    default_detail = (
        "Clinicians must set up two-factor authentication (an authenticator app, TOTP) before "
        "they can see patient data: POST /_allauth/{client}/v1/account/authenticators/totp."
    )
    default_code = "mfa_required"


class MaySeeHealthData(permissions.IsAuthenticated):
    """Signed in, and a clinician only once TOTP is set up (checked on every request)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.user.is_clinician and not request.user.has_totp():
            raise TwoFactorRequired()
        return True


class IsClinician(MaySeeHealthData):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.is_clinician


def session_passed_mfa(request) -> bool:
    """Whether this request's session passed the second factor.

    Placeholder with today's user-level check (the user has TOTP set up, and allauth asks
    for the code at every sign-in of such a user): the auth engineer's per-session version
    replaces it at merge, and the clinic calls only this name."""
    user = request.user
    return bool(user.is_authenticated and user.has_totp())
