"""Schemathesis drives every operation of the OpenAPI schema with generated input: bad input must
get a 4xx, never a 5xx, and responses must match the schema's status codes."""

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, settings

from sigmd_portal.wsgi import application
from tests.factories import ProfileFactory, UserFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def caregiver_token(db):
    from rest_framework.test import APIClient

    from tests.conftest import PASSWORD

    user = UserFactory(email="fuzz@example.org", role="caregiver")
    profile = ProfileFactory(managed_by=[user])
    login = APIClient().post(
        "/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD}, format="json"
    )
    return login.json()["meta"]["session_token"], profile


# Real commits: the raw WSGI app closes the connection after each request, as in production.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case, caregiver_token):
    token, profile = caregiver_token
    cache.clear()  # keep the rate limits out of the way of the fuzzer
    if "profile_id" in (case.path_parameters or {}):
        case.path_parameters["profile_id"] = str(profile.id)  # reach the validation, not just the 404
    response = case.call(headers={"X-Session-Token": token})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )
