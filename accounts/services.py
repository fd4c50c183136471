from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import CareTeam, CareTeamMember, Role, User


class ClinicianError(Exception):
    pass


@transaction.atomic
def clinician_add(*, email: str, team_name: str, password: str | None) -> tuple[User, CareTeam]:
    """Create (or reuse) a verified clinician account and put it in the named team."""
    email = email.strip().lower()
    team, _ = CareTeam.objects.get_or_create(name=team_name.strip())
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if not password:
            raise ClinicianError("A password is required for a new clinician account.")
        user = User.objects.create_user(email, password, role=Role.CLINICIAN)
    elif user.role != Role.CLINICIAN:
        raise ClinicianError(f"{email} already has a {user.role} account; use another address.")
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    CareTeamMember.objects.get_or_create(team=team, user=user)
    return user, team
