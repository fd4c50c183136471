"""Permissions-Policy and Cross-Origin-Resource-Policy on every response."""

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/healthz", "/api/v1/me", "/learn/"])
def test_every_response_forbids_device_features_and_cross_origin_embedding(path):
    response = Client().get(path)
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
