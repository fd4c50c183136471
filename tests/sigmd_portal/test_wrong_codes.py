"""Wrong invitation and sharing codes are limited per account, per address and across the
whole code space: a new account or a new address buys no new guesses."""

import pytest

from sigmd_portal.throttles import InvitationCodeThrottle
from tests.conftest import client_for
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def guess(user, *, address: str, code: str = "WRONG234") -> int:
    client = client_for(user)
    return client.post(
        "/api/v1/profiles/join", {"code": code}, format="json", REMOTE_ADDR=address
    ).status_code


def test_new_accounts_from_one_address_share_its_budget(settings):
    settings.SIGMD_WRONG_CODES_PER_ADDRESS = 3
    answers = [guess(UserFactory(role="caregiver"), address="198.51.100.7") for _ in range(5)]
    assert answers == [400, 400, 400, 429, 429]
    assert guess(UserFactory(role="caregiver"), address="198.51.100.8") == 400  # another address


def test_the_whole_code_space_has_one_budget(settings):
    settings.SIGMD_WRONG_CODES_IN_TOTAL = 4
    answers = [guess(UserFactory(role="caregiver"), address=f"198.51.100.{n}") for n in range(6)]
    assert answers == [400, 400, 400, 400, 429, 429]


def test_a_right_code_costs_nothing(settings, owner, teammate):
    settings.SIGMD_WRONG_CODES_PER_ACCOUNT = 2
    profile = ProfileFactory(managed_by=[owner])
    code = client_for(owner).post(f"/api/v1/profiles/{profile.id}/managers/").json()["code"]
    assert guess(teammate, address="198.51.100.1") == 400
    assert guess(teammate, address="198.51.100.1", code=code) == 201
    assert guess(teammate, address="198.51.100.1") == 400  # the right code gave its slot back
    assert guess(teammate, address="198.51.100.1") == 429


def test_a_refused_attempt_does_not_use_up_the_shared_budget(settings, stranger):
    settings.SIGMD_WRONG_CODES_PER_ACCOUNT = 1
    settings.SIGMD_WRONG_CODES_IN_TOTAL = 3
    assert guess(stranger, address="198.51.100.1") == 400
    for _ in range(5):
        assert guess(stranger, address="198.51.100.1") == 429
    others = [guess(UserFactory(role="caregiver"), address=f"198.51.100.{n}") for n in range(2, 4)]
    assert others == [400, 400]


def test_the_invitation_code_throttle_counts_every_attempt(monkeypatch, owner, child):
    monkeypatch.setattr(
        InvitationCodeThrottle, "THROTTLE_RATES", {"invitation_code": "3/hour", "user": "600/min"}
    )
    client = client_for(owner)
    answers = [
        client.post(
            f"/api/v1/profiles/{child.id}/care-links/", {"code": "WRONG234"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert answers == [400, 400, 400, 429]
    assert (
        client.get(f"/api/v1/profiles/{child.id}/care-links/").status_code == 200
    )  # reading is not throttled
