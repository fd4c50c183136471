from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import PermissionDenied

from sigmd_portal.client_ip import client_ip

from .models import Role
from .secrets import mfa_decrypt, mfa_encrypt


class AccountAdapter(DefaultAccountAdapter):
    """Signup makes patients; onboarding (PATCH /api/v1/me) may switch to caregiver."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.role = Role.PATIENT
        user.is_staff = False
        user.is_superuser = False
        if commit:
            user.save()
        return user

    def get_client_ip(self, request):
        # allauth's rate limits count per client address, the same address the API uses.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client's address")
        return ip


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted (see accounts/secrets.py)."""

    def encrypt(self, text: str) -> str:
        return mfa_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_decrypt(encrypted_text)
