"""manage.py load_demo: demo accounts and a year of diaries, idempotent, DEBUG only."""

from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import CareTeam, CareTeamMember, User
from care.demo_data import DEMO_PASSWORD, DEMO_TOTP_SECRET
from diary.models import (
    ENTRY_MODELS,
    CareLink,
    EvaluationRequest,
    InfectionEpisode,
    LabResult,
    Profile,
    ProfileManager,
)
from tests.conftest import rows

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"
EMAILS = {
    "clinician@demo.sigmd.example": "clinician",
    "patient@demo.sigmd.example": "patient",
    "parent@demo.sigmd.example": "caregiver",
}
COUNTED = (
    User,
    EmailAddress,
    Authenticator,
    CareTeam,
    CareTeamMember,
    Profile,
    ProfileManager,
    CareLink,
    EvaluationRequest,
    *ENTRY_MODELS,
)


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def test_creates_the_accounts_profiles_and_diaries():
    output = load_demo()

    for email, role in EMAILS.items():
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
    team = CareTeam.objects.get(name="Demo Immunology Team")
    clinician = User.objects.get(email="clinician@demo.sigmd.example")
    assert list(team.members.all()) == [clinician]
    totp = Authenticator.objects.get(user=clinician, type=Authenticator.Type.TOTP)
    assert decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET

    sam = Profile.objects.get(managers__email="patient@demo.sigmd.example")
    assert (sam.relationship, sam.date_of_birth.year) == ("self", 1988)
    parent = User.objects.get(email="parent@demo.sigmd.example")
    children = {p.display_name: p for p in parent.managed_profiles.all()}
    assert set(children) == {"Maya", "Leo"}
    assert children["Maya"].date_of_birth.year == 2019 and children["Leo"].date_of_birth.year == 2023
    linked = set(
        CareLink.objects.filter(team=team, revoked_at__isnull=True).values_list("profile", flat=True)
    )
    assert linked == {sam.pk, children["Maya"].pk}

    assert LabResult.objects.get(profile=sam, analyte="IgM").below_range
    assert InfectionEpisode.objects.filter(profile=sam, kind="sinusitis").count() == 2
    assert InfectionEpisode.objects.filter(profile=children["Leo"], kind="otitis_media").count() == 1
    # Written through the services, as for any family's data, so the care app evaluates each new
    # diary: writes to a profile while its request waits fold into it (one request per profile).
    assert EvaluationRequest.objects.count() == Profile.objects.count()
    assert {r.profile_id for r in EvaluationRequest.objects.all()} == {
        sam.pk,
        *(p.pk for p in children.values()),
    }

    assert DEMO_PASSWORD in output and DEMO_TOTP_SECRET in output
    assert all(email in output for email in EMAILS)


def test_maya_has_four_ear_infections_in_the_last_year():
    load_demo()
    maya = Profile.objects.get(display_name="Maya")
    since = timezone.localdate() - timedelta(days=365)
    assert InfectionEpisode.objects.filter(profile=maya, kind="otitis_media", onset__gte=since).count() == 4
    pneumonia = InfectionEpisode.objects.get(profile=maya, kind="pneumonia")
    assert (pneumonia.severity, pneumonia.er_visit) == ("moderate", True)
    assert maya.treatments.filter(kind="antibiotic", route="oral", name="Amoxicillin").count() >= 4
    assert {v.vaccine for v in maya.vaccinations.all()} == {"PCV20", "influenza"}


def test_no_entry_is_dated_in_the_future():
    load_demo()
    today, now = timezone.localdate(), timezone.now()
    for model in ENTRY_MODELS:
        for entry in model._default_manager.all():
            when = getattr(entry, model.date_field)
            assert when <= (now if model.date_field == "recorded_at" else today), (model, entry.pk)
            for end in ("resolved_on", "ended_on"):
                if getattr(entry, end, None):
                    assert getattr(entry, end) <= today


def test_a_second_run_changes_nothing_and_says_so():
    load_demo()
    before = counts()
    output = load_demo()
    assert counts() == before
    assert "nothing changed" in output


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.filter(email__in=EMAILS).exists()


def test_the_demo_caregiver_logs_in_and_sees_both_children():
    load_demo()
    client = APIClient()
    login = client.post(
        f"{APP}/auth/login",
        {"email": "parent@demo.sigmd.example", "password": DEMO_PASSWORD},
        format="json",
    )
    assert login.status_code == 200, login.json()
    token = login.json()["meta"]["session_token"]
    listed = client.get("/api/v1/profiles/", HTTP_X_SESSION_TOKEN=token)
    assert listed.status_code == 200
    assert sorted(p["display_name"] for p in rows(listed)) == ["Leo", "Maya"]


def test_the_demo_clinician_signs_in_at_the_clinic_and_sees_the_linked_patients():
    from django.test import Client

    from tests.factories import totp_code

    load_demo()
    client = Client()
    first = client.post(
        "/clinic/sign-in/", {"login": "clinician@demo.sigmd.example", "password": DEMO_PASSWORD}
    )
    assert first["Location"] == "/clinic/sign-in/code/"
    assert client.post(first["Location"], {"code": totp_code(DEMO_TOTP_SECRET)})["Location"] == "/clinic/"
    patients = client.get("/clinic/patients/").content.decode()
    assert "Sam" in patients and "Maya" in patients and "Leo" not in patients
