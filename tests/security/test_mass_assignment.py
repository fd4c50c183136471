"""Mass assignment: every read-only or privileged field of every writable serializer, sent in
a write that is otherwise valid, never persists.

The fields come from the serializers and models themselves: each serializer's read-only
fields, plus every column of the row it writes that the serializer does not let you write
(the owner, the version, timestamps, a user's role flags...). Every write route of the API
must appear in WRITES; a new one fails the coverage test until it has a row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers
from rest_framework.views import APIView

from accounts.models import User
from accounts.serializers import MeSerializer
from care.models import Alert, PushSubscription, TeamRuleSetting
from care.serializers import PushSubscriptionSerializer, ResolveSerializer, TeamRulesSerializer
from diary.models import CareLink, CareTeamInvitation, Profile
from diary.serializers import InvitationCreateSerializer, JoinWithCodeSerializer, ProfileSerializer
from diary.urls import ENTRY_TYPES
from reports.models import ShareLink
from reports.serializers import ShareLinkCreateSerializer
from tests.diary.conftest import VALID

from .world import World, build_world

pytestmark = pytest.mark.django_db
FORGED_UUID = uuid.UUID("0badc0de-0000-4000-8000-000000000000")
FORGED_TIME = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Write:
    route: str
    method: str
    character: str
    serializer: type[serializers.Serializer]
    model: type[models.Model]
    body: Callable[[World], dict]
    url: Callable[[World], str]
    # The row to inspect afterwards (None: the write made no row, which is fine).
    row: Callable[[World, dict], models.Model | None]


def child(world: World) -> str:
    return f"/api/v1/profiles/{world.kwargs['profile_id']}/"


def profile_row(world, body):
    return Profile.objects.filter(pk=body.get("id") or world.kwargs["profile_id"]).first()


def entry_writes() -> list[Write]:
    writes = []
    for segment, model, serializer, _ in ENTRY_TYPES:
        writes.append(
            Write(
                f"{segment}-list",
                "POST",
                "caregiver",
                serializer,
                model,
                body=lambda w, s=segment: {**VALID[s], "id": str(uuid.uuid4())},
                url=lambda w, s=segment: f"{child(w)}{s}/",
                row=lambda w, body, m=model: m.objects.filter(pk=body["id"]).first(),
            )
        )
        writes.append(
            Write(
                f"{segment}-detail",
                "PATCH",
                "caregiver",
                serializer,
                model,
                body=lambda w: {"notes": "an honest edit"},
                url=lambda w, s=segment: f"{child(w)}{s}/{w.entry_ids[s]}/",
                row=lambda w, body, m=model, s=segment: m.objects.get(pk=w.entry_ids[s]),
            )
        )
    return writes


WRITES: list[Write] = [
    Write(
        "profile-list",
        "POST",
        "caregiver",
        ProfileSerializer,
        Profile,
        body=lambda w: {
            "id": str(uuid.uuid4()),
            "display_name": "New",
            "date_of_birth": "2020-02-02",
            "relationship": "child",
        },
        url=lambda w: "/api/v1/profiles/",
        row=profile_row,
    ),
    Write(
        "profile-detail",
        "PATCH",
        "caregiver",
        ProfileSerializer,
        Profile,
        body=lambda w: {"display_name": "Ada L."},
        url=child,
        row=profile_row,
    ),
    Write(
        "me",
        "PATCH",
        "patient",
        MeSerializer,
        User,
        body=lambda w: {"display_name": "Sam B."},
        url=lambda w: "/api/v1/me",
        row=lambda w, body: User.objects.get(pk=w.users["patient"].pk),
    ),
    Write(
        "team-rules",
        "PUT",
        "clinician",
        TeamRulesSerializer,
        TeamRuleSetting,
        body=lambda w: {
            "rules": [
                {
                    "rule": "recurrent_ear_infections",
                    "enabled": True,
                    "child": {"threshold": 3, "window_days": 365},
                    "adult": {"threshold": 2, "window_days": 365},
                }
            ]
        },
        url=lambda w: f"/api/v1/care-teams/{w.kwargs['team_id']}/rules/",
        row=lambda w, body: TeamRuleSetting.objects.filter(rule="recurrent_ear_infections").first(),
    ),
    Write(
        "alert-resolve",
        "POST",
        "clinician",
        ResolveSerializer,
        Alert,
        body=lambda w: {"note": "seen"},
        url=lambda w: f"/api/v1/alerts/{w.kwargs['alert_id']}/resolve",
        row=lambda w, body: Alert.objects.get(pk=w.kwargs["alert_id"]),
    ),
    Write(
        "team-invitations",
        "POST",
        "clinician",
        InvitationCreateSerializer,
        CareTeamInvitation,
        body=lambda w: {},
        url=lambda w: f"/api/v1/care-teams/{w.kwargs['team_id']}/invitations/",
        row=lambda w, body: CareTeamInvitation.objects.order_by("-created_at").first(),
    ),
    Write(
        "care-links",
        "POST",
        "caregiver",
        JoinWithCodeSerializer,
        CareLink,
        body=lambda w: {"code": "OTHERCDE"},
        url=lambda w: f"{child(w)}care-links/",
        row=lambda w, body: CareLink.objects.order_by("-created_at").first(),
    ),
    Write(
        "profile-join",
        "POST",
        "stranger",
        JoinWithCodeSerializer,
        Profile,
        body=lambda w: {"code": "NOSUCHCD"},
        url=lambda w: "/api/v1/profiles/join",
        row=profile_row,
    ),
    Write(
        "push-subscriptions",
        "POST",
        "patient",
        PushSubscriptionSerializer,
        PushSubscription,
        body=lambda w: {
            "endpoint": "https://fcm.googleapis.com/fcm/send/new-device",
            "keys": {"p256dh": "k", "auth": "a"},
        },
        url=lambda w: "/api/v1/push-subscriptions/",
        row=lambda w, body: PushSubscription.objects.filter(endpoint=body["endpoint"]).first(),
    ),
    Write(
        "share-links",
        "POST",
        "caregiver",
        ShareLinkCreateSerializer,
        ShareLink,
        body=lambda w: {"expires_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()},
        url=lambda w: f"{child(w)}share-links/",
        row=lambda w, body: ShareLink.objects.order_by("-created_at").first(),
    ),
    *entry_writes(),
]
# Writes whose request has no body of fields to forge (a DELETE, an acknowledge, a code made).
WITHOUT_FIELDS = {
    ("profile-detail", "DELETE"),
    ("profile-managers", "POST"),
    ("profile-manager-detail", "DELETE"),
    ("care-link-detail", "DELETE"),
    ("alert-acknowledge", "POST"),
    ("notification-read", "POST"),
    ("push-subscriptions", "DELETE"),
    ("share-link-detail", "DELETE"),
    ("account", "DELETE"),  # erasure: its body is the password alone, and success erases the account
    *((f"{segment}-detail", "DELETE") for segment, *_ in ENTRY_TYPES),
}


def api_write_routes() -> set[tuple[str, str]]:
    """(route name, method) of every DRF view of the API that accepts a write."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and (prefix + str(entry.pattern)).startswith("api/v1/"):
                view = getattr(entry.callback, "view_class", None) or getattr(entry.callback, "cls", None)
                if view is None or not issubclass(view, APIView):
                    continue
                instance = view(**(getattr(entry.callback, "view_initkwargs", None) or {}))
                for method in ("post", "put", "patch", "delete"):
                    if hasattr(instance, method) and method in instance.http_method_names:
                        yield entry.name, method.upper()

    return set(walk(get_resolver().url_patterns))


def test_every_write_of_the_api_is_examined():
    examined = {(w.route, w.method) for w in WRITES} | WITHOUT_FIELDS
    writes = api_write_routes()
    assert len(writes) > 20, writes  # the walk found the API
    missing = sorted(writes - examined)
    assert not missing, f"write routes with no mass-assignment row (add one to WRITES): {missing}"


# --- the forged values --------------------------------------------------------------------------


def privileged_fields(write: Write) -> dict[str, object]:
    """Every field the write must not set, with a forged value for it."""
    fields = write.serializer().fields
    writable = {name for name, field in fields.items() if not field.read_only}
    names = {name for name, field in fields.items() if field.read_only}
    for column in write.model._meta.concrete_fields:
        if column.name not in writable and column.attname not in writable:
            names |= {column.name, column.attname}
    for m2m in write.model._meta.many_to_many:
        names.add(m2m.name)
    return {name: forged_value(write.model, name) for name in sorted(names)}


def forged_value(model: type[models.Model], name: str) -> object:
    try:
        column = model._meta.get_field(name)
    except Exception:
        column = next((f for f in model._meta.concrete_fields if f.attname == name), None)
    if isinstance(column, models.BooleanField):
        return True
    if isinstance(column, models.IntegerField | models.DecimalField):
        return 999
    if isinstance(column, models.DateTimeField):
        return FORGED_TIME.isoformat()
    if isinstance(column, models.DateField):
        return "2001-01-01"
    if isinstance(column, models.ForeignKey | models.UUIDField | models.ManyToManyField):
        return [str(FORGED_UUID)] if isinstance(column, models.ManyToManyField) else str(FORGED_UUID)
    if name == "role":
        return "clinician"
    return "forged-value"


def persisted(row: models.Model, name: str, forged: object) -> bool:
    model = type(row)
    try:
        column = model._meta.get_field(name)
    except Exception:
        column = next((f for f in model._meta.concrete_fields if f.attname == name), None)
    if column is None or not (column.concrete or column.many_to_many):
        return False  # computed or another table's (e.g. `guidance`, a reverse relation): not stored here
    if column.many_to_many:
        return str(FORGED_UUID) in {str(pk) for pk in getattr(row, name).values_list("pk", flat=True)}
    stored = getattr(row, column.attname)
    if isinstance(column, models.BooleanField):
        return False  # a forged True could be the honest default; other fields tell the story
    if isinstance(stored, dt.datetime):
        return stored == FORGED_TIME
    return str(stored) == str(forged)


def test_no_privileged_field_ever_persists(capsys):
    world = build_world()
    tried, refused, ignored, problems = 0, 0, 0, []
    for write in WRITES:
        for name, forged in privileged_fields(write).items():
            body = {**write.body(world), name: forged}
            if name == "id" and write.method == "POST":
                continue  # a client-chosen id is the offline contract, not a privilege
            client = world.clients[write.character]
            response = client.generic(
                write.method, write.url(world), data=_json(body), content_type="application/json"
            )
            tried += 1
            assert response.status_code < 500, (write.route, name, response.content[:300])
            refused += response.status_code == 400
            ignored += 200 <= response.status_code < 300
            row = write.row(world, body)
            if row is not None and persisted(row, name, forged):
                problems.append(f"{write.method} {write.route}: {name}={forged!r} persisted")
    with capsys.disabled():
        print(
            f"\nmass assignment: {tried} privileged fields tried on {len(WRITES)} writes; "
            f"{refused} refused (400), {ignored} ignored, {len(problems)} persisted"
        )
    assert not problems, "\n".join(problems)


def _json(body: dict) -> str:
    import json

    return json.dumps(body)
