"""Every list is a cursor page: {"next", "previous", "results"}, 50 by default, at most 200."""

import datetime as dt

import pytest

from diary.models import InfectionEpisode
from tests.conftest import client_for, rows

pytestmark = pytest.mark.django_db


def infections(profile, count):
    today = dt.date(2026, 11, 30)
    InfectionEpisode.objects.bulk_create(
        InfectionEpisode(
            profile=profile, kind="otitis_media", severity="mild", onset=today - dt.timedelta(days=n)
        )
        for n in range(count)
    )


def test_entries_come_newest_first_fifty_to_a_page_and_next_leads_on(child, owner):
    infections(child, 120)
    client = client_for(owner)
    first = client.get(f"/api/v1/profiles/{child.id}/infections/")
    page = first.json()
    assert set(page) == {"next", "previous", "results"} and page["previous"] is None
    onsets = [e["onset"] for e in page["results"]]
    assert len(onsets) == 50 and onsets == sorted(onsets, reverse=True) and onsets[0] == "2026-11-30"
    seen = list(onsets)
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [e["onset"] for e in page["results"]]
    assert len(seen) == len(set(seen)) == 120
    assert seen == sorted(seen, reverse=True)


def test_entries_of_the_same_day_are_neither_lost_nor_repeated_across_pages(child, owner):
    InfectionEpisode.objects.bulk_create(
        InfectionEpisode(profile=child, kind="sinusitis", severity="mild", onset=dt.date(2026, 1, 1))
        for _ in range(75)
    )
    client = client_for(owner)
    page = client.get(f"/api/v1/profiles/{child.id}/infections/?page_size=20").json()
    seen = [e["id"] for e in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [e["id"] for e in page["results"]]
    assert len(seen) == len(set(seen)) == 75


def test_page_size_is_the_clients_choice_up_to_200(child, owner):
    infections(child, 230)
    client = client_for(owner)
    assert len(rows(client.get(f"/api/v1/profiles/{child.id}/infections/?page_size=10"))) == 10
    assert len(rows(client.get(f"/api/v1/profiles/{child.id}/infections/?page_size=1000"))) == 200


def test_a_forged_cursor_is_a_clean_404(child, owner):
    response = client_for(owner).get(f"/api/v1/profiles/{child.id}/infections/?cursor=bm9wZQ")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "detail"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/profiles/",
        "/api/v1/alerts/",
        "{profile}managers/",
        "{profile}care-links/",
        "{profile}access-log/",
    ],
)
def test_every_family_list_is_a_page(path, child, owner):
    response = client_for(owner).get(path.format(profile=f"/api/v1/profiles/{child.id}/"))
    assert response.status_code == 200
    assert set(response.json()) == {"next", "previous", "results"}


@pytest.mark.parametrize("path", ["/api/v1/care-teams/", "/api/v1/notifications/", "/api/v1/alerts/"])
def test_every_clinician_list_is_a_page(path, clinician):
    response = client_for(clinician).get(path)
    assert response.status_code == 200
    assert set(response.json()) == {"next", "previous", "results"}


def test_an_unknown_or_misspelt_query_parameter_is_a_400_not_everything(child, owner):
    client = client_for(owner)
    response = client.get("/api/v1/alerts/?statu=open")
    assert response.status_code == 400 and "statu" in response.json()["errors"]
    assert client.get(f"/api/v1/profiles/{child.id}/?expand=all").status_code == 400
    assert client.get("/api/v1/alerts/?status=open&page_size=5").status_code == 200


def test_a_filter_of_the_wrong_kind_is_a_400(owner):
    client = client_for(owner)
    assert client.get("/api/v1/alerts/?status=").status_code == 400
    assert client.get("/api/v1/alerts/?status=closed").status_code == 400
    assert client.get("/api/v1/alerts/?profile=not-an-id").status_code == 400
    assert client.get("/api/v1/alerts/?page_size=abc").status_code == 400
    assert client.get("/api/v1/alerts/?page_size=0").status_code == 400
