"""The reports and data-rights screens: Download PDF, Share with a doctor (note, expiry, QR, list,
revoke), Export my data, Delete my account, and who has seen the diary. The endpoints come with
the reports engineer's branch: until the merge, these tests answer them with routed fixtures."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pprint import pformat

import pytest
from django.utils import timezone
from playwright.sync_api import Page, Route, expect

from diary.models import AccessLogEntry, CareLink
from diary.services import access_record
from tests.browser import AXE_SCRIPT, axe_violations
from tests.conftest import require
from tests.factories import CareTeamFactory, ProfileFactory, UserFactory, clinician_in

from .conftest import new_phone_page, screenshot_if_it_fails, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
QR = (
    "data:image/svg+xml;base64,"
    + "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxMCAxMCI+PHJlY3Qgd2lkdGg9IjQiIGhlaWdodD0iNCIvPjwvc3ZnPg=="
)


def a_signed_in_parent(page: Page, name: str = "Mia"):
    user = UserFactory(role="caregiver")
    child = ProfileFactory(display_name=name, managed_by=[user])
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name=f"{name}'s diary")).to_be_visible()
    return user, child


class FakeShareLinks:
    """GET, POST and DELETE of /profiles/{id}/share-links/ as API.md describes them."""

    def __init__(self) -> None:
        self.links: list[dict] = []
        self.posted: list[dict] = []

    def __call__(self, route: Route) -> None:
        method = route.request.method
        if method == "POST":
            body = route.request.post_data_json
            self.posted.append(body)
            link = {
                "id": str(uuid.uuid4()),
                "url": f"http://testserver/share/{uuid.uuid4().hex}{uuid.uuid4().hex}/",
                "note": body["note"],
                "expires_at": body["expires_at"],
                "revoked_at": None,
                "last_used_at": None,
            }
            self.links.insert(0, link)
            return route.fulfill(status=201, json={**link, "qr_svg": QR})
        if method == "DELETE":
            link_id = route.request.url.rstrip("/").rsplit("/", 1)[1]
            for link in self.links:
                if link["id"] == link_id:
                    link["revoked_at"] = timezone.now().isoformat()
            return route.fulfill(status=204)
        return route.fulfill(json={"next": None, "previous": None, "results": self.links})


def test_a_parent_downloads_the_visit_summary_pdf(page: Page):
    _, child = a_signed_in_parent(page)
    asked: list[str] = []

    def pdf(route: Route) -> None:
        asked.append(route.request.url)
        route.fulfill(body=PDF, content_type="application/pdf")

    page.route("**/api/v1/profiles/*/report.pdf*", pdf)
    page.locator("#current-profile").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.path().read_bytes() == PDF
    assert asked and f"/profiles/{child.pk}/report.pdf" in asked[0]
    expect(page.get_by_text("PDF downloaded.")).to_be_visible()


def test_a_parent_shares_a_link_with_a_doctor_sees_its_qr_code_and_revokes_it(page: Page):
    a_signed_in_parent(page)
    fake = FakeShareLinks()
    page.route("**/api/v1/profiles/*/share-links/**", fake)
    page.route("**/api/v1/profiles/*/share-links/", fake)
    page.locator("#current-profile").click()
    page.get_by_role("link", name="Share with a doctor").click()
    expect(page.get_by_role("heading", name="Share with a doctor", level=1)).to_be_focused()
    expect(page.get_by_text("None yet.")).to_be_visible()

    page.get_by_label("Note (optional)").fill("For Dr Patel, 12 March")
    page.get_by_label("The link works for").select_option("14")
    page.get_by_role("button", name="Make a link").click()
    card = page.locator("#new-share-link")
    expect(card.get_by_role("img", name="QR code of the link")).to_have_attribute("src", QR)
    expect(card).to_contain_text("/share/")
    (body,) = fake.posted
    assert body["note"] == "For Dr Patel, 12 March"
    expires = dt.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert dt.timedelta(days=13, hours=23) < expires - timezone.now() <= dt.timedelta(days=14)

    page.reload()
    listed = page.locator("#share-link-list li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("For Dr Patel, 12 March")
    expect(listed).to_contain_text("Works until")
    listed.get_by_role("button", name="Revoke the link").click()
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.locator("#share-link-list li")).to_contain_text("Revoked")
    assert fake.links[0]["revoked_at"]


def test_a_parent_exports_their_data(page: Page):
    a_signed_in_parent(page)
    page.route("**/api/v1/account/export", lambda route: route.fulfill(json={"account": {"email": "x"}}))
    page.get_by_role("link", name="Account").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export my data").click()
    assert download.value.suggested_filename.endswith(".json")
    assert json.loads(download.value.path().read_text()) == {"account": {"email": "x"}}


def test_a_parent_deletes_their_account_with_their_password(page: Page):
    a_signed_in_parent(page)
    tried: list[str] = []

    def erase(route: Route) -> None:
        if route.request.method != "DELETE":
            return route.fallback()
        password = route.request.post_data_json["password"]
        tried.append(password)
        if password != "the right one":
            return route.fulfill(status=400, json={"password": ["The password is not right."]})
        route.fulfill(status=204)

    page.route("**/api/v1/account", erase)
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Delete my account")).to_be_focused()
    expect(page.locator("main")).to_contain_text("A profile another parent also manages stays with them")
    page.get_by_label("Your password, to confirm").fill("a wrong one")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    page.get_by_label("Your password, to confirm").fill("the right one")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    assert tried == ["a wrong one", "the right one"]
    assert page.evaluate("indexedDB.databases().then(dbs => dbs.length)") == 0


def test_the_access_log_names_the_clinician_and_the_time(page: Page):
    _, child = a_signed_in_parent(page, "Noor")
    team = CareTeamFactory(name="Children's immunology")
    clinician = clinician_in(team, display_name="Dr Ivy")
    access_record(actor=clinician, profile=child, action="read")
    assert AccessLogEntry.objects.filter(profile=child).count() == 1
    page.locator("#current-profile").click()
    page.get_by_role("link", name="Who has seen this diary").click()
    rows = page.locator(".access-log tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).not_to_contain_text(clinician.email)  # by name and team, never an e-mail
    expect(rows.first).to_contain_text("Read the profile")
    expect(rows.first.locator("time")).to_contain_text("today at")


def test_the_access_log_says_a_shared_link_and_the_team(page: Page):
    from reports.models import ShareLink
    from reports.services import share_link_record_use

    _, child = a_signed_in_parent(page, "Omar")
    team = CareTeamFactory(name="Children's immunology")
    CareLink.objects.create(profile=child, team=team)
    access_record(actor=clinician_in(team, display_name="Dr Ivy"), profile=child, action="export")
    link = ShareLink.objects.create(
        profile=child, token_hash="x" * 64, expires_at=timezone.now() + dt.timedelta(days=7), note="Dr Patel"
    )
    share_link_record_use(link=link, action="read", ip=None)
    page.goto("/app/#/profile/access-log")
    shown = page.locator(".access-log tbody tr")
    expect(shown).to_have_count(2)
    expect(shown.nth(0)).to_contain_text("A shared link")
    expect(shown.nth(1)).to_contain_text("Dr Ivy, Children's immunology")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_reports_screens_meet_wcag_2_2_aa(browser, live_server, request, color_scheme):
    require(AXE_SCRIPT.exists(), "run npm ci for axe-core")
    user = UserFactory(role="caregiver")
    child = ProfileFactory(display_name="Pam", managed_by=[user])
    access_record(actor=clinician_in(CareTeamFactory()), profile=child, action="read")
    page = new_phone_page(browser, live_server.url, bypass_csp=True, color_scheme=color_scheme)
    fake = FakeShareLinks()
    page.route("**/api/v1/profiles/*/share-links/**", fake)
    page.route("**/api/v1/profiles/*/share-links/", fake)
    violations: dict[str, list] = {}

    def check(name: str) -> None:
        if found := axe_violations(page):
            violations[name] = found

    with page.context, screenshot_if_it_fails(page, request.node.name):
        sign_in(page, user.email)
        expect(page.get_by_role("heading", name="Pam's diary")).to_be_visible()
        page.goto("/app/#/profile/doctor")
        page.get_by_label("Note (optional)").fill("For the GP")
        page.get_by_role("button", name="Make a link").click()
        expect(page.locator("#new-share-link img")).to_be_visible()
        check("/profile/doctor (with a new link)")
        page.goto("/app/#/profile/access-log")
        expect(page.locator(".access-log tbody tr")).to_have_count(1)
        check("/profile/access-log")
        page.goto("/app/#/account/delete")
        page.get_by_role("button", name="Delete my account for good").click()
        expect(page.get_by_role("alert")).not_to_be_empty()
        check("/account/delete (no password)")
    assert not violations, f"axe found WCAG 2.2 AA violations:\n{pformat(violations, width=110)}"
