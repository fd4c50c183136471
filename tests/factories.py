from typing import Any

import factory
from allauth.account.models import EmailAddress

from accounts.models import CareTeam, CareTeamMember, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    role = "patient"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class CareTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeam

    name = factory.Sequence(lambda n: f"Immunology team {n}")


def clinician_in(team: CareTeam, *, totp: bool = True, **kwargs) -> User:
    user: Any = UserFactory(role="clinician", **kwargs)
    CareTeamMember.objects.create(team=team, user=user)
    if totp:
        add_totp(user)
    return user


def add_totp(user: User) -> str:
    """Give the user an authenticator app; returns the secret for generating codes."""
    from accounts import mfa

    secret = mfa.new_totp_secret()
    mfa.totp_authenticator_add(user, secret=secret)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now; near the end of a 30-second period, the next
    period's, so a slow machine does not post a code that expired on the way."""
    import time

    from accounts import mfa

    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.05)
    return mfa.totp_code(secret)


def totp_code_of(user: User) -> str:
    from accounts import mfa

    return totp_code(mfa.totp_secret_of(user))


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "diary.Profile"
        skip_postgeneration_save = True

    display_name = factory.Sequence(lambda n: f"Child {n}")
    date_of_birth = factory.Faker("date_between", start_date="-10y", end_date="-2y")
    sex = "unknown"
    relationship = "child"

    @factory.post_generation
    def managed_by(obj, create, extracted, **kwargs):
        from diary.models import ProfileManager

        for user in extracted or []:
            ProfileManager.objects.create(profile=obj, user=user)


def link_to_team(profile, team):
    from diary.models import CareLink

    return CareLink.objects.create(profile=profile, team=team)
