"""A stranger gets 404 on every endpoint of this capability; a care team reads only what
API.md allows it, and only through an active consent link."""

from __future__ import annotations

import pytest

from diary.models import CareLink
from reports import services
from tests.conftest import client_for


def profile_urls(profile, link_id) -> list[tuple[str, str]]:
    base = f"/api/v1/profiles/{profile.pk}"
    return [
        ("get", f"{base}/report.pdf"),
        ("get", f"{base}/export/fhir"),
        ("get", f"{base}/share-links/"),
        ("post", f"{base}/share-links/"),
        ("get", f"{base}/share-links/{link_id}/"),
        ("delete", f"{base}/share-links/{link_id}/"),
        ("get", f"{base}/report-jobs/00000000-0000-0000-0000-000000000000"),
    ]


@pytest.fixture
def link(owner, child):
    link, _ = services.share_link_create(
        profile=child, created_by=owner, expires_at=child.created_at.replace(year=2100)
    )
    return link


def test_a_stranger_gets_404_on_every_endpoint(stranger, child, link):
    client = client_for(stranger)

    for method, url in profile_urls(child, link.pk):
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 404, (method, url, response.status_code)


def test_a_clinician_of_another_team_gets_404(child, link, team):
    from tests.factories import CareTeamFactory, clinician_in

    CareLink.objects.create(profile=child, team=team)
    outsider = clinician_in(CareTeamFactory(name="Elsewhere"), email="dr.else@elsewhere.org")
    client = client_for(outsider)

    for method, url in profile_urls(child, link.pk):
        assert getattr(client, method)(url, {}, format="json").status_code == 404, (method, url)


def test_a_revoked_care_link_ends_the_teams_reports_at_once(clinician, linked_child, owner):
    url = f"/api/v1/profiles/{linked_child.pk}/export/fhir"
    assert client_for(clinician).get(url).status_code == 200

    CareLink.objects.filter(profile=linked_child).update(revoked_at=linked_child.created_at)

    assert client_for(clinician).get(url).status_code == 404
    assert client_for(clinician).get(f"/api/v1/profiles/{linked_child.pk}/report.pdf").status_code == 404


def test_every_answer_with_health_data_is_no_store(owner, child):
    client = client_for(owner)

    for url in (
        f"/api/v1/profiles/{child.pk}/report.pdf",
        f"/api/v1/profiles/{child.pk}/export/fhir",
        f"/api/v1/profiles/{child.pk}/share-links/",
        "/api/v1/account/export",
    ):
        assert "no-store" in client.get(url)["Cache-Control"], url
