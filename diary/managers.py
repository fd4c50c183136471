"""Who manages a profile, and what one manager may decide alone.

- A profile several people manage (both parents) cannot be deleted by one of them: they leave
  the diary, or ask the other manager (409 `other_managers`). Leaving is always possible while
  someone else manages the profile; its only manager deletes it instead.
- Removing another manager tells them by e-mail (no health data: no name, no diagnosis).
- A profile left with no manager (an account erased, a user deleted) loses its care links at
  once: nobody is left to revoke the consent, so it ends with them.
- Deleting a profile deletes its history rows too; the access log is kept, pseudonymised
  (see `access_log_pseudonymise`), as the record of who saw the data.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import User

from .errors import ManagerConflict, RuleViolation, StaleVersion
from .models import AccessLogEntry, CareLink, Entry, Profile, ProfileManager
from .services import etag_matches

log = logging.getLogger(__name__)


def profile_pseudonym(profile_id: Any) -> str:
    """A stable stand-in for a deleted profile's id: the rows of one profile stay together for
    an operator, without naming it. Keyed with the secret key, so it cannot be recomputed from
    a guessed id by anyone who lacks it."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"profile:{profile_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def access_log_pseudonymise(*, profile_id: Any) -> int:
    """Detach the access log from a profile about to be deleted; the rows are kept."""
    return AccessLogEntry.objects.filter(profile_id=profile_id).update(
        profile=None, profile_pseudonym=profile_pseudonym(profile_id)
    )


def entry_models() -> list[type[models.Model]]:
    """Every concrete entry type, those added later included."""
    return [model for model in Entry.__subclasses__() if not model._meta.abstract]


def history_erase(*, profile_id: Any) -> None:
    """Delete the change history of a profile and of all its entries (django-simple-history
    keeps a copy of every version, notes and names included)."""
    # `history` is added by django-simple-history at class creation, which stubs cannot see.
    Profile.history.filter(id=profile_id).delete()  # type: ignore[attr-defined]
    for model in entry_models():
        model.history.filter(profile_id=profile_id).delete()  # type: ignore[attr-defined]


@transaction.atomic
def profile_delete(*, profile: Profile, user: User, if_match: str | None) -> None:
    """Delete a profile the caller manages and holds locked, with its entries and history."""
    if ProfileManager.objects.filter(profile=profile).exclude(user=user).exists():
        raise ManagerConflict(
            "Someone else manages this diary too: leave the diary, or ask the other manager."
        )
    if not etag_matches(profile, if_match):
        raise StaleVersion()
    profile_id = profile.pk
    access_log_pseudonymise(profile_id=profile_id)
    profile.delete()
    history_erase(profile_id=profile_id)


@transaction.atomic
def manager_remove(*, profile: Profile, user_id: Any, by: User) -> None:
    """`by` leaves the profile (user_id is their own) or removes another manager."""
    links = list(ProfileManager.objects.select_for_update().filter(profile=profile).select_related("user"))
    removed = next((link for link in links if link.user_id == user_id), None)
    if removed is None:
        raise Http404("No such manager.")
    if len(links) == 1:
        raise RuleViolation("You are this diary's only manager: delete the profile instead.", field="user")
    removed.delete()
    if removed.user_id != by.pk:
        person = removed.user
        transaction.on_commit(lambda: manager_removed_notify(user=person), robust=True)


def manager_removed_notify(*, user: User) -> None:
    """Tell someone another manager removed them from a diary. Nothing about the profile:
    an e-mail can be read by anyone who sees the inbox."""
    send_mail(
        "You were removed from a diary",
        "Another manager removed you from a diary you shared on SIgMD Portal. You no longer see "
        "it or get its alerts.\n\n"
        "If this was a mistake, talk to the other manager: they can share the diary with you "
        f"again from the app.\n\n{settings.SIGMD_SITE_URL}/app/\n",
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


def care_links_revoke_if_orphaned(*, profile_id: Any) -> int:
    """End the consent of a profile nobody manages any more; returns the links revoked."""
    if ProfileManager.objects.filter(profile_id=profile_id).exists():
        return 0
    revoked = CareLink.objects.filter(profile_id=profile_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        log.info("profile %s has no manager left: %d care link(s) revoked", profile_id, revoked)
    return revoked
