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
