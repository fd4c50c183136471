"""The account's data export: everything the account holds and every profile it manages, as
one JSON document produced piece by piece (one profile at a time), so a long diary is streamed
rather than built in memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from accounts.models import CareTeamMember, User
from care.models import PushSubscription
from care.selectors import alerts_visible_to
from diary.access import profiles_managed_by
from diary.models import ManagerInvitation, Profile

from .fhir import profile_bundle
from .models import ShareLink

FORMAT = "sigmd-account-export/1"
# Never exported: secrets, and what only identifies a row inside the database.
SECRET_FIELDS = frozenset({"password", "token_hash", "secret", "data", "p256dh", "auth"})


def entry_types() -> list[tuple[str, type[models.Model]]]:
    """Every kind of diary entry, named as in the API's paths."""
    from diary.urls import ENTRY_TYPES

    return [(segment, model) for segment, model, *_ in ENTRY_TYPES]


def row(obj: models.Model, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every stored field of a row (foreign keys as ids), minus secrets."""
    return {
        f.attname if f.is_relation else f.name: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.name not in SECRET_FIELDS | exclude
    }


def rows(queryset: models.QuerySet, **kwargs: Any) -> list[dict[str, Any]]:
    return [row(obj, **kwargs) for obj in queryset]


def account_part(user: User) -> dict[str, Any]:
    return {
        "account": row(user, exclude=frozenset({"is_superuser", "last_login"})),
        "email_addresses": rows(EmailAddress.objects.filter(user=user).order_by("pk")),
        # Which second factors exist, never their secrets.
        "authenticators": [
            {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "push_subscriptions": rows(PushSubscription.objects.filter(user=user).order_by("pk")),
        "care_team_memberships": [
            {"team": m.team.name, "team_id": m.team_id, "joined_at": m.joined_at}
            for m in CareTeamMember.objects.filter(user=user).select_related("team")
        ],
    }


def profile_part(profile: Profile, user: User) -> dict[str, Any]:
    part: dict[str, Any] = {
        "profile": row(profile),
        # The other parent is named, not exported: their account is theirs.
        "managers": [
            {"id": m.pk, "display_name": m.display_name, "is_you": m.pk == user.pk}
            for m in profile.managers.order_by("date_joined")
        ],
    }
    for segment, model in entry_types():
        part[segment] = rows(model._default_manager.filter(profile=profile).order_by("created_at", "pk"))
    part["alerts"] = rows(
        alerts_visible_to(user).filter(profile=profile).order_by("created_at"),
        exclude=frozenset({"dedup_key"}),
    )
    part["care_links"] = [
        {**row(link), "team_name": link.team.name}
        for link in profile.care_links.select_related("team").order_by("created_at")
    ]
    part["share_links"] = rows(ShareLink.objects.filter(profile=profile).order_by("created_at"))
    part["manager_invitations"] = rows(
        ManagerInvitation.objects.filter(profile=profile).order_by("created_at"), exclude=frozenset({"code"})
    )
    # As the family's access log shows it: by name and team, never an e-mail or IP address.
    part["access_log"] = rows(
        profile.access_log.order_by("at"), exclude=frozenset({"actor", "actor_email", "ip_address"})
    )
    part["fhir"] = profile_bundle(profile, alerts=alerts_visible_to(user), include_audit=True)
    return part


def dumps(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def account_export_chunks(user: User) -> Iterator[str]:
    """The export as JSON text in pieces: the account, then one profile at a time."""
    head = {"format": FORMAT, "exported_at": timezone.now(), **account_part(user)}
    yield dumps(head)[:-1] + ', "profiles": ['
    for i, profile in enumerate(list(profiles_managed_by(user).order_by("created_at"))):
        yield ("," if i else "") + dumps(profile_part(profile, user))
    yield "]}"
