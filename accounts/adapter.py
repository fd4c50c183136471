from allauth.account.adapter import DefaultAccountAdapter

from .models import Role


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
