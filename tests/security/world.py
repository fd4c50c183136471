"""A small world for the security tests: eight characters and everything they may (or may
not) see. Every character signs in through allauth's browser client, as a phone or browser
would, so a clinician's session has really passed the second factor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import CareTeamMember
from care.models import Alert, Notification, PushSubscription
from diary.models import CareLink, CareTeamInvitation, Profile, ProfileManager
from diary.urls import ENTRY_TYPES
from education.models import Article
from tests.diary.conftest import VALID
from tests.factories import PASSWORD, CareTeamFactory, ProfileFactory, UserFactory, add_totp, totp_code

BROWSER = "/_allauth/browser/v1"

CHARACTERS = (
    "anonymous",
    "patient",
    "caregiver",
    "co_manager",
    "stranger",
    "clinician",
    "other_clinician",
    "clinician_without_totp",
)
FAMILIES = frozenset({"patient", "caregiver", "co_manager", "stranger"})
CLINICIANS = frozenset({"clinician", "other_clinician", "clinician_without_totp"})
SIGNED_IN = frozenset(CHARACTERS) - {"anonymous"}


@dataclass
class World:
    users: dict = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    kwargs: dict[str, str] = field(default_factory=dict)  # path parameter -> the target's id
    entry_ids: dict[str, str] = field(default_factory=dict)  # entry segment -> the target's entry
    # What each character may see, and every private value in the world.
    visible: dict[str, set[str]] = field(default_factory=dict)
    private: set[str] = field(default_factory=set)

    def own(self, characters, *values) -> None:
        for value in map(str, values):
            self.private.add(value)
            for name in characters:
                self.visible.setdefault(name, set()).add(value)

    def foreign_to(self, character: str) -> set[str]:
        return self.private - self.visible.get(character, set())


def new_client() -> Client:
    # A view that raises is answered 500 here, as in production, and judged like any answer.
    return Client(raise_request_exception=False)


def sign_in(user, secret: str | None = None) -> Client:
    client = new_client()
    login = client.post(
        f"{BROWSER}/auth/login", {"email": user.email, "password": PASSWORD}, content_type="application/json"
    )
    if secret is not None:
        assert login.status_code == 401, login.content
        second = client.post(
            f"{BROWSER}/auth/2fa/authenticate", {"code": totp_code(secret)}, content_type="application/json"
        )
        assert second.status_code == 200, second.content
    else:
        assert login.status_code == 200, login.content
    return client


def family_diary(world: World, profile: Profile, manager, who, *, target: bool = False) -> None:
    """Entries of every type for the profile, written through the API by its manager."""
    writer = sign_in(manager)
    for segment, *_ in ENTRY_TYPES:
        assert segment in VALID, f"add a valid body for {segment!r} to tests/diary/conftest.py VALID"
        created = writer.post(
            f"/api/v1/profiles/{profile.id}/{segment}/", VALID[segment], content_type="application/json"
        )
        assert created.status_code == 201, created.content
        world.own(who, created.json()["id"])
        if target:
            world.entry_ids[segment] = created.json()["id"]


def alert_for(profile, team) -> Alert:
    return Alert.objects.create(
        profile=profile,
        team=team,
        rule="severe_infection",
        priority="urgent",
        summary="A severe infection",
        threshold=1,
        window_days=14,
        age_band="child",
        dedup_key=f"world:{profile.pk}:{team.pk}",
    )


def build_world() -> World:
    world = World()
    team, other_team = CareTeamFactory(name="Children's Immunology"), CareTeamFactory(name="Adult Immunology")
    users = world.users
    users["patient"] = UserFactory(email="patient@example.org", role="patient", display_name="Sam")
    users["caregiver"] = UserFactory(email="parent@example.org", role="caregiver", display_name="Jo")
    users["co_manager"] = UserFactory(email="other.parent@example.org", role="caregiver")
    users["stranger"] = UserFactory(email="stranger@example.org", role="caregiver")
    secrets = {}
    for name, member_of, totp in (
        ("clinician", team, True),
        ("other_clinician", other_team, True),
        ("clinician_without_totp", team, False),
    ):
        users[name] = UserFactory(email=f"{name}@hospital.org", role="clinician", display_name=f"Dr {name}")
        CareTeamMember.objects.create(team=member_of, user=users[name])
        if totp:
            secrets[name] = add_totp(users[name])

    family = ("caregiver", "co_manager")
    child = ProfileFactory(display_name="Ada", date_of_birth=dt.date(2019, 5, 1))
    for name in family:
        ProfileManager.objects.create(profile=child, user=users[name])
    own_profile = ProfileFactory(display_name="Sam", relationship="self", date_of_birth=dt.date(1990, 1, 1))
    ProfileManager.objects.create(profile=own_profile, user=users["patient"])
    strangers_child = ProfileFactory(display_name="Bo", date_of_birth=dt.date(2021, 3, 3))
    ProfileManager.objects.create(profile=strangers_child, user=users["stranger"])

    link = CareLink.objects.create(profile=child, team=team)
    patient_link = CareLink.objects.create(profile=own_profile, team=team)
    stranger_link = CareLink.objects.create(profile=strangers_child, team=other_team)

    world.kwargs = {
        "profile_id": str(child.pk),
        "user_id": str(users["co_manager"].pk),
        "link_id": str(link.pk),
        "team_id": str(team.pk),
    }
    readers_of_child = {*family, "clinician"}
    readers_of_patient = {"patient", "clinician"}
    readers_of_strangers = {"stranger", "other_clinician"}
    world.own(
        readers_of_child, child.pk, link.pk, *(users[n].pk for n in family), *(users[n].email for n in family)
    )
    world.own(
        readers_of_patient, own_profile.pk, patient_link.pk, users["patient"].pk, users["patient"].email
    )
    world.own(
        readers_of_strangers,
        strangers_child.pk,
        stranger_link.pk,
        users["stranger"].pk,
        users["stranger"].email,
    )

    family_diary(world, child, users["caregiver"], readers_of_child, target=True)
    family_diary(world, own_profile, users["patient"], readers_of_patient)
    family_diary(world, strangers_child, users["stranger"], readers_of_strangers)

    alert, others_alert = alert_for(child, team), alert_for(strangers_child, other_team)
    world.own(readers_of_child, alert.pk)
    world.own(readers_of_strangers, others_alert.pk)
    note = Notification.objects.create(recipient=users["clinician"], alert=alert, kind="alert")
    Notification.objects.create(recipient=users["other_clinician"], alert=others_alert, kind="alert")
    invitation = CareTeamInvitation.objects.create(
        team=team,
        code="WORLDCDE",
        created_by=users["clinician"],
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    CareTeamInvitation.objects.create(
        team=other_team,
        code="OTHERCDE",
        created_by=users["other_clinician"],
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    world.own({"clinician", "clinician_without_totp"}, "WORLDCDE")
    world.own({"other_clinician"}, "OTHERCDE")
    PushSubscription.objects.create(
        user=users["clinician"], endpoint="https://fcm.googleapis.com/fcm/send/world", p256dh="k", auth="a"
    )
    world.own({"clinician"}, "https://fcm.googleapis.com/fcm/send/world")
    call_command("sync_education", stdout=StringIO())  # the real articles, as the site serves them
    article = Article.objects.get(slug="what-is-sigmd")
    world.kwargs.update(
        alert_id=str(alert.pk),
        notification_id=str(note.pk),
        invitation_id=str(invitation.pk),
        slug=article.slug,
    )

    from reports.models import ReportJob
    from reports.services import share_link_create

    share_link, token = share_link_create(
        profile=child, created_by=users["caregiver"], expires_at=timezone.now() + dt.timedelta(days=7)
    )
    job = ReportJob.objects.create(profile=child, requested_by=users["caregiver"], params={})
    world.own(readers_of_child, share_link.pk)
    world.kwargs.update(share_link_id=str(share_link.pk), job_id=str(job.pk), token=token)

    world.clients["anonymous"] = new_client()
    for name in SIGNED_IN:
        world.clients[name] = sign_in(users[name], secrets.get(name))
    return world
