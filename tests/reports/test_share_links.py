"""A link for the doctor: read-only, expiring, revocable, logged, and showing nothing else."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote, urlparse

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from diary.models import AccessLogEntry
from reports import services
from reports.models import ReportJob, ShareLink
from tests.conftest import client_for
from tests.reports.conftest import add_lab


def links_url(profile) -> str:
    return f"/api/v1/profiles/{profile.pk}/share-links/"


def create(user, profile, days: float = 7, note: str = "for Dr Patel, 12 March"):
    expires = (timezone.now() + dt.timedelta(days=days)).isoformat()
    return client_for(user).post(links_url(profile), {"expires_at": expires, "note": note}, format="json")


@pytest.fixture
def link(owner, child, diary):
    response = create(owner, child)
    assert response.status_code == 201
    return response.json()


def path_of(link: dict) -> str:
    return urlparse(link["url"]).path


def test_a_manager_creates_a_link_with_its_qr_code(link):
    assert re.fullmatch(r"/share/[A-Za-z0-9_-]{43}/", path_of(link))
    assert link["note"] == "for Dr Patel, 12 March"
    assert link["qr_svg"].startswith("data:image/svg+xml")
    assert "<svg" in unquote(link["qr_svg"])


def test_the_token_is_stored_only_as_a_digest_and_never_shown_again(owner, child, link):
    token = path_of(link).split("/")[2]

    stored = ShareLink.objects.get(pk=link["id"])
    assert token not in stored.token_hash
    listed = client_for(owner).get(links_url(child)).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [link["id"]]
    assert rows[0]["url"] is None and rows[0]["qr_svg"] is None
    assert token not in str(listed)


@pytest.mark.parametrize(
    "body",
    [
        {"expires_at": "in a week"},
        {"note": "no expiry"},
        {"expires_at": "2020-01-01T00:00:00Z"},
        {"expires_at": "+31 days"},
        {"expires_at": "+7 days", "note": "x" * 201},
        {"expires_at": "+7 days", "profile": "someone else's"},
    ],
)
def test_a_bad_link_is_refused_and_nothing_is_made(owner, child, body):
    if body.get("expires_at", "").startswith("+"):
        days = int(body["expires_at"].split()[0])
        body = {**body, "expires_at": (timezone.now() + dt.timedelta(days=days)).isoformat()}

    response = client_for(owner).post(links_url(child), body, format="json")

    assert response.status_code == 400
    assert not ShareLink.objects.exists()


def test_thirty_days_is_the_longest_a_link_can_last(owner, child):
    assert create(owner, child, days=29.9).status_code == 201
    assert create(owner, child, days=30.1).status_code == 400


def test_the_page_shows_the_name_age_summary_and_pdf_and_nothing_else(child, link):
    response = Client().get(path_of(link))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    assert "<h1>Ada</h1>" in html
    assert "Infections: 5" in html
    assert "Ear infection (otitis media)" in html
    # The only thing to follow is the PDF: no links to the diary, the app or anything else.
    assert re.findall(r'href="([^"]*)"', html) == ["/static/site.css", "report.pdf"]
    assert "<script" not in html


def test_the_pdf_is_offered_through_the_link(link):
    response = Client().get(path_of(link) + "report.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_every_use_is_in_the_access_log_as_a_shared_link(owner, child, link):
    Client().get(path_of(link))
    Client().get(path_of(link) + "report.pdf")

    uses = AccessLogEntry.objects.filter(profile=child).order_by("at")
    assert [(u.actor_id, u.action, u.object_type) for u in uses] == [
        (None, "read", "ShareLink"),
        (None, "export", "ShareLink"),
    ]
    log = client_for(owner).get(f"/api/v1/profiles/{child.pk}/access-log/").json()
    log = log["results"] if isinstance(log, dict) else log
    assert len(log) == 2
    assert ShareLink.objects.get(pk=link["id"]).last_used_at is not None


def test_a_link_expires(link):
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        assert Client().get(path_of(link)).status_code == 404
        assert Client().get(path_of(link) + "report.pdf").status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_a_revoked_link_is_a_404_at_once(owner, child, link):
    response = client_for(owner).delete(links_url(child) + f"{link['id']}/")

    assert response.status_code == 204
    assert Client().get(path_of(link)).status_code == 404
    assert Client().get(path_of(link) + "report.pdf").status_code == 404
    assert client_for(owner).get(links_url(child) + f"{link['id']}/").json()["revoked_at"]


def test_a_made_up_token_is_a_404(db):
    assert Client().get("/share/" + "A" * 43 + "/").status_code == 404


def test_the_page_cannot_be_written_to(link):
    assert Client().post(path_of(link), {}).status_code == 405


def test_care_teams_and_strangers_cannot_see_or_make_links(clinician, stranger, linked_child, owner):
    made = create(owner, linked_child).json()

    for outsider in (clinician, stranger):
        client = client_for(outsider)
        assert client.get(links_url(linked_child)).status_code == 404
        assert create(outsider, linked_child).status_code == 404
        assert client.get(links_url(linked_child) + f"{made['id']}/").status_code == 404
        assert client.delete(links_url(linked_child) + f"{made['id']}/").status_code == 404
    assert ShareLink.objects.get(pk=made["id"]).revoked_at is None


def test_a_link_of_another_profile_is_not_found_under_yours(owner, child, other_family):
    parent, zed, _ = other_family
    theirs = create(parent, zed).json()

    assert client_for(owner).delete(links_url(child) + f"{theirs['id']}/").status_code == 404


def test_a_large_pdf_is_made_by_the_worker_while_a_page_asks_the_doctor_to_wait(
    child, link, monkeypatch, commit
):
    monkeypatch.setattr(services, "REPORT_INLINE_MAX_ROWS", 3)
    pdf_url = path_of(link) + "report.pdf"

    with commit():
        waiting = Client().get(pdf_url)
    again = Client().get(pdf_url)

    assert waiting.status_code == 202
    assert b'http-equiv="refresh"' in waiting.content
    assert again.status_code == 200
    assert again.content.startswith(b"%PDF")
    # One report made, and only its delivery is a use in the access log.
    assert ReportJob.objects.filter(share_link_id=link["id"]).count() == 1
    assert list(AccessLogEntry.objects.values_list("action", flat=True)) == ["export"]


def test_lab_values_are_printed_as_on_the_lab_report(owner, child):
    add_lab(child, "IgM", "20", "mg/dL", ("40", "230"))
    link = create(owner, child).json()

    html = Client().get(path_of(link)).content.decode()

    assert "20 mg/dL (below range)" in html
    assert "40–230" in html
    assert "E+" not in html
