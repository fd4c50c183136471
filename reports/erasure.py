"""Erasing an account, with the password re-entered.

What goes: the account and everything hanging off it (e-mail addresses, second factors, push
subscriptions, sessions and app tokens, team memberships, in-app notifications), and every
profile that only this account manages, with its entries, their django-simple-history rows,
care links (so care teams see the profile gone), alerts and share links.

What stays (the allowlist; tests/reports/test_erasure.py checks nothing else does):
- profiles with another manager stay whole with them; rows there that named the erased
  account as their author (history rows, care links, share links, invitations) keep the row with
  the author emptied (the foreign keys are SET_NULL);
- access-log rows in which the account was the reader (a clinician) are pseudonymised, not
  deleted: the family keeps the record that someone read their data; the access log of an erased
  profile is kept detached from it under a pseudonym (diary.managers.access_log_pseudonymise);
- alerts that the account acknowledged or resolved stay with the care team, without the name.
"""

from __future__ import annotations

import hashlib
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from diary.access import profiles_managed_by
from diary.managers import access_log_pseudonymise, history_erase
from diary.models import AccessLogEntry, Profile

CONFIRMATION_SUBJECT = "Your SIgMD Portal account has been erased"
CONFIRMATION_BODY = """Your SIgMD Portal account and the diaries that only you managed have been erased.

Diaries you shared with another parent or carer stay with them. Records that someone read a
diary stay in that diary's access log without your name.

If you did not ask for this, reply to this e-mail at once.
"""


class WrongPassword(Exception):
    pass


def pseudonym(user: User) -> str:
    """A stable stand-in for an erased reader: the same person stays recognisable as one
    person in an access log, without the address."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{user.pk}".encode()).hexdigest()[:12]
    return f"erased-{digest}@erased.invalid"


def sessions_end(user: User) -> int:
    """End every browser session and app token (allauth keeps both in the session store)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def profiles_only_managed_by(user: User):
    # Counted over all of each profile's managers, not over the join that found the user's own link.
    return (
        Profile.objects.filter(pk__in=profiles_managed_by(user).values("pk"))
        .annotate(manager_count=Count("manager_links"))
        .filter(manager_count=1)
    )


@transaction.atomic
def account_erase(*, user: User, password: str) -> None:
    if not password or not user.check_password(password):
        raise WrongPassword()
    user = User.objects.select_for_update().get(pk=user.pk)
    address = user.email
    doomed = list(profiles_only_managed_by(user).values_list("pk", flat=True))
    # As deleting a profile does (diary.managers): its access log kept, pseudonymised; its
    # history rows (which the delete itself adds to) removed after it.
    for profile_id in doomed:
        access_log_pseudonymise(profile_id=profile_id)
    Profile.objects.filter(pk__in=doomed).delete()
    for profile_id in doomed:
        history_erase(profile_id=profile_id)
    AccessLogEntry.objects.filter(actor=user).update(actor=None, actor_email=pseudonym(user))
    sessions_end(user)
    user.delete()
    transaction.on_commit(
        lambda: send_mail(CONFIRMATION_SUBJECT, CONFIRMATION_BODY, None, [address]), robust=True
    )
