"""The one place that decides who may see a profile.

Every view, export and task looks profiles up through these querysets, so another person's
profile is simply not found (404) — by construction, never "fetch, then check".
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import CareTeamMember, User

from .models import CareLink, Profile


def profiles_managed_by(user: User) -> QuerySet[Profile]:
    """Profiles the user may read and write: the ones they manage."""
    if not user.is_authenticated or user.is_clinician:
        return Profile.objects.none()
    return Profile.objects.filter(manager_links__user=user)


def profiles_visible_to(user: User) -> QuerySet[Profile]:
    """Profiles the user may read: their own, or — for a clinician with TOTP set up — those
    linked with active consent to one of the clinician's care teams."""
    if not user.is_authenticated:
        return Profile.objects.none()
    if not user.is_clinician:
        return profiles_managed_by(user)
    if not user.has_totp():
        return Profile.objects.none()
    linked = CareLink.objects.filter(
        revoked_at__isnull=True,
        team__in=CareTeamMember.objects.filter(user=user).values("team"),
    ).values("profile")
    return Profile.objects.filter(pk__in=linked)


def is_manager(user: User, profile: Profile) -> bool:
    return profiles_managed_by(user).filter(pk=profile.pk).exists()
