"""Signal receivers of the diary: only for what happens through cascades no service sees."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .managers import care_links_revoke_if_orphaned
from .models import ProfileManager


@receiver(post_delete, sender=ProfileManager, dispatch_uid="diary.orphaned_profile_consent")
def manager_link_deleted(sender: Any, instance: ProfileManager, **kwargs: Any) -> None:
    # A user deleted (or an account erased) takes their manager links with them by cascade;
    # a profile left with nobody to revoke its consent must not stay readable by a care team.
    care_links_revoke_if_orphaned(profile_id=instance.profile_id)
