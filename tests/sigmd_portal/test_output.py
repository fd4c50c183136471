"""The planned output (sigmd_portal/output.py) answers exactly what DRF's own rendering does,
for every entry type: lists, one entry, and the answer to a write with its guidance."""

import pytest
from rest_framework import serializers

from sigmd_portal.output import PlannedOutputMixin
from tests.conftest import client_for
from tests.diary.conftest import ENTRY_TYPES, VALID
from tests.diary.full_diary import fill_diary

pytestmark = pytest.mark.django_db


def drf_rendering(self, instance):
    return serializers.Serializer.to_representation(self, instance)


def bodies(client, urls: list[str]) -> list[bytes]:
    responses = [client.get(url) for url in urls]
    assert all(r.status_code == 200 for r in responses)
    return [r.content for r in responses]


@pytest.mark.parametrize("kind", ENTRY_TYPES)
def test_lists_and_entries_read_as_drf_renders_them(kind, child, owner, monkeypatch):
    fill_diary(child, by=owner, n=30)
    client = client_for(owner)
    listed = f"/api/v1/profiles/{child.id}/{kind}/"
    created = client.post(listed, VALID[kind], format="json")
    assert created.status_code == 201
    first = client.get(f"{listed}?page_size=10").json()
    urls = [f"{listed}?page_size=200", first["next"], f"{listed}{created.json()['id']}/"]
    planned = bodies(client, urls)
    monkeypatch.setattr(PlannedOutputMixin, "to_representation", drf_rendering)
    assert bodies(client, urls) == planned
    # The answer to a write (with guidance for the types that carry it) too.
    replayed = client.post(listed, {**VALID[kind], "id": created.json()["id"]}, format="json")
    assert replayed.status_code == 200 and replayed.content == created.content


def test_a_datetime_reads_in_utc_with_a_z(child, owner):
    client = client_for(owner)
    body = {**VALID["symptoms"], "recorded_at": "2020-01-01T09:30:00+01:00"}
    created = client.post(f"/api/v1/profiles/{child.id}/symptoms/", body, format="json").json()
    listed = client.get(f"/api/v1/profiles/{child.id}/symptoms/").json()["results"][0]
    assert created["recorded_at"] == listed["recorded_at"] == "2020-01-01T08:30:00Z"
    assert listed["created_at"].endswith("Z")


def test_a_write_in_a_browser_session_names_who_wrote_it(api, owner, child):
    # In a session (the clinic's and the PWA's cookie), the entry's author is request.user: a
    # lazy object standing in for the user, not a User.
    api.force_login(owner)
    listed = f"/api/v1/profiles/{child.id}/symptoms/"
    created = api.post(listed, VALID["symptoms"], format="json")
    assert created.status_code == 201
    assert created.json()["created_by"] == {"id": str(owner.id), "display_name": owner.display_name}
    read = api.get(f"{listed}{created.json()['id']}/").json()
    assert {k: v for k, v in created.json().items() if k != "guidance"} == read
