"""The one place that decides who may see a profile.

Every view, export and task looks profiles up through these querysets, so another person's
profile is simply not found (404) — by construction, never "fetch, then check".
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import CareTeamMember, User

from .errors import ReadOnly
from .models import CareLink, Entry, Profile

E = TypeVar("E", bound=Entry)


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


def access_profile(user: User, profile_id: Any, *, managed: bool = False, lock: bool = False) -> Profile:
    """The profile, if the user may read it (or, with `managed`, change it); 404 otherwise.

    With `lock` the row is locked for the rest of the caller's transaction, in the same query
    that checks access. A linked clinician asking to change a profile they may read gets 403
    (read only): they know it exists, so saying why reveals nothing.
    """
    profiles = profiles_managed_by(user) if managed else profiles_visible_to(user)
    if lock:
        profiles = profiles.select_for_update(of=("self",))
    profile = profiles.filter(pk=profile_id).first()
    if profile is not None:
        return profile
    if managed and user.is_clinician and profiles_visible_to(user).filter(pk=profile_id).exists():
        raise ReadOnly()
    raise Http404("No such profile.")


def access_entry(
    user: User,
    profile_id: Any,
    model: type[E],
    entry_id: Any,
    *,
    managed: bool = False,
    lock: bool = False,
) -> E:
    """One entry of one profile, if the user may read it (or change it); 404 otherwise.

    The entry comes with its profile (`entry.profile`, no second query); `lock` locks the
    entry's row only, in the same query.
    """
    profiles = profiles_managed_by(user) if managed else profiles_visible_to(user)
    entries = model._default_manager.select_related("profile").filter(
        profile_id=profile_id, profile__in=profiles.values("pk")
    )
    if lock:
        entries = entries.select_for_update(of=("self",))
    entry = entries.filter(pk=entry_id).first()
    if entry is not None:
        return entry
    if managed and user.is_clinician:
        access_profile(user, profile_id)  # 404 unless they may read the profile
        if model._default_manager.filter(profile_id=profile_id, pk=entry_id).exists():
            raise ReadOnly()
    raise Http404("No such entry.")
