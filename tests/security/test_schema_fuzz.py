"""Schemathesis drives every operation of the OpenAPI schema with generated input, as a patient
and as a clinician, and runs all of its checks on every answer: no 5xx, status codes, content
types, headers and bodies as the schema documents them, invalid input rejected, valid input
accepted, authentication not ignored.
"""

import uuid

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.checks import CHECKS, load_all_checks, positive_data_acceptance

from accounts.models import CareTeamMember
from diary.urls import ENTRY_TYPES
from sigmd_portal.wsgi import application
from tests.conftest import PASSWORD
from tests.factories import CareTeamFactory, ProfileFactory, UserFactory, add_totp, link_to_team, totp_code

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
load_all_checks()
ALL_CHECKS = list(CHECKS.get_all())
APP = "/_allauth/app/v1"


def app_token(user, secret=None) -> str:
    client = APIClient()
    login = client.post(f"{APP}/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    token = login.json()["meta"]["session_token"]
    if secret is not None:
        for _ in range(2):  # a code made as its 30-second window ends may be stale: make another
            second = client.post(
                f"{APP}/auth/2fa/authenticate",
                {"code": totp_code(secret)},
                format="json",
                HTTP_X_SESSION_TOKEN=token,
            )
            if second.status_code == 200:
                break
        assert second.status_code == 200, second.json()
        token = second.json()["meta"].get("session_token", token)
    return token


@pytest.fixture
def characters(db):
    """(token, path parameters) of a patient with their own profile and of their clinician."""
    team = CareTeamFactory(name="Fuzz Immunology")
    patient = UserFactory(email="fuzz.patient@example.org", role="patient")
    profile = ProfileFactory(managed_by=[patient], relationship="self")
    link_to_team(profile, team)
    clinician = UserFactory(email="fuzz.doctor@hospital.org", role="clinician")
    CareTeamMember.objects.create(team=team, user=clinician)
    secret = add_totp(clinician)
    place = {"profile_id": str(profile.id), "team_id": str(team.id)}
    return {"patient": (app_token(patient), place), "clinician": (app_token(clinician, secret), place)}


# Writes whose validity depends on more than OpenAPI can say: the date today (nothing in the
# future), one field against another (an end not before its start), the database (a code that
# exists, one profile of your own), or who asks. Schema-valid input may fairly be refused there
# (400), so `positive_data_acceptance` is the one check they skip; every other check still runs.
RULES_BEYOND_THE_SCHEMA = {
    "PATCH /api/v1/me": "a clinician's role is fixed",
    "POST /api/v1/profiles/": "date of birth not in the future; one profile of your own",
    "PATCH /api/v1/profiles/{profile_id}/": "date of birth not in the future; one profile of your own",
    "POST /api/v1/profiles/join": "the code must exist",
    "POST /api/v1/profiles/{profile_id}/care-links/": "the code must exist",
    "POST /api/v1/care-teams/{team_id}/invitations/": "expires within 30 days from now",
    "PUT /api/v1/care-teams/{team_id}/rules/": "urgent rules keep a count of 1 and a window of 2-14 days",
    "POST /api/v1/push-subscriptions/": "an endpoint on a known push service",
    "DELETE /api/v1/account": "the password must be the account's own",
    "GET /api/v1/infusions/search": "one of lot or lot_number",
    "POST /api/v1/profiles/{profile_id}/share-links/": "expires within 30 days from now",
    "GET /api/v1/profiles/{profile_id}/report.pdf": "a period in order, of at most ten years",
    "GET /api/v1/profiles/{profile_id}/export/fhir": "only the family may include the access log",
    **{
        f"{method} /api/v1/profiles/{{profile_id}}/{segment}/{suffix}": "dates not in the future, in order"
        for segment, *_ in ENTRY_TYPES
        for method, suffix in (("POST", ""), ("PATCH", "{entry_id}/"))
    },
}


def is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def call_and_check(case, token: str, place: dict) -> None:
    cache.clear()  # keep the rate limits out of the way of the fuzzer
    for name, value in place.items():
        # Reach the validation, not only the 404 — but keep an id generated malformed on purpose.
        if name in (case.path_parameters or {}) and is_uuid(case.path_parameters[name]):
            case.path_parameters[name] = value
    operation = f"{case.method.upper()} {case.path}"
    skipped = [positive_data_acceptance] if operation in RULES_BEYOND_THE_SCHEMA else []
    case.call_and_validate(headers={"X-Session-Token": token}, checks=ALL_CHECKS, excluded_checks=skipped)


# Real commits: the raw WSGI app closes the connection after each request, as in production.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_a_patient_as_its_schema_says(case, characters):
    call_and_check(case, *characters["patient"])


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_a_clinician_as_its_schema_says(case, characters):
    call_and_check(case, *characters["clinician"])
