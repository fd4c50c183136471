"""The reports and data-rights screens against the real server and PostgreSQL, at phone width, as a
parent uses them: Download PDF, Share with a doctor (note, expiry, QR code, the doctor's read-only
page in a browser without a session, revoking), who has seen the diary, Export my data, and
Delete my account (a wrong password, then the right one)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pprint import pformat
from urllib.parse import unquote

import pytest
import segno
from django.core import mail
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from accounts.models import User
from diary.models import AccessLogEntry, CareLink, InfectionEpisode, Profile, ProfileManager
from diary.services import access_record
from reports.erasure import CONFIRMATION_SUBJECT
from reports.models import ShareLink
from tests.browser import AXE_SCRIPT, axe_violations
from tests.conftest import require
from tests.factories import PASSWORD, CareTeamFactory, ProfileFactory, UserFactory, clinician_in
from tests.reports.conftest import seed_diary
from tests.reports.test_pdf import pdf_text

from .conftest import new_phone_page, screenshot_if_it_fails, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG_PASSWORD = "not my password"


def downloaded_pdf_text(download) -> str:
    return pdf_text(download.value.path().read_bytes())[0]


def qr_encodes(png: bytes, text: str) -> bool:
    """Whether a screenshot of a QR code is the symbol of `text`. Nothing here decodes QR codes,
    so the symbol is read module by module and compared with segno's for the text, at each
    error level (the same text and level always make the same symbol)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    dark = image.point(lambda v: 255 if v < 128 else 0)
    left, top, right, bottom = dark.getbbox() or (0, 0, 0, 0)
    for error in "lmqh":
        expected = segno.make_qr(text, error=error).matrix
        size = len(expected)
        step_x, step_y = (right - left) / size, (bottom - top) / size
        seen = [
            [
                image.getpixel((int(left + (x + 0.5) * step_x), int(top + (y + 0.5) * step_y))) < 128
                for x in range(size)
            ]
            for y in range(size)
        ]
        if seen == [[bool(module) for module in row] for row in expected]:
            return True
    return False


def a_family(settings, live_server):
    """Sam manages Mia alone and Leo with Alex; a second, unrelated family has Zed."""
    settings.SIGMD_SITE_URL = live_server.url  # the links the server makes point at this server
    sam = UserFactory(role="caregiver", display_name="Sam")
    alex = UserFactory(role="caregiver", display_name="Alex")
    mia = ProfileFactory(display_name="Mia", managed_by=[sam])
    leo = ProfileFactory(display_name="Leo", managed_by=[sam, alex])
    mias = seed_diary(mia, tag="mia")
    seed_diary(leo, tag="leo")
    stranger = UserFactory(role="caregiver", email="zed.parent@example.net", display_name="Zed's parent")
    zed = ProfileFactory(display_name="Zed", managed_by=[stranger])
    seed_diary(zed, tag="zed")
    return sam, alex, mia, leo, mias, stranger, zed


def open_profile(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Whose diary").get_by_role(
        "button", name=re.compile(f"^{name}")
    ).click()
    expect(page.get_by_role("heading", name=f"{name}'s diary")).to_be_visible()
    page.locator("#current-profile").click()


def test_a_parent_takes_the_diary_to_the_doctor_then_takes_their_data_and_leaves(
    page: Page, browser, live_server, settings, request
):
    sam, alex, mia, leo, mias, stranger, zed = a_family(settings, live_server)
    sign_in(page, sam.email)

    # Download PDF: the visit summary for the immunologist.
    open_profile(page, "Mia")
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Download PDF").click()
    expect(page.get_by_text("PDF downloaded.")).to_be_visible()
    assert pdf.value.suggested_filename.endswith(".pdf")
    text = downloaded_pdf_text(pdf)
    assert "Visit summary: Mia" in text
    assert "Leo" not in text and "Zed" not in text

    # Share with a doctor: a link for a week with a note, its QR code, listed at once.
    page.get_by_role("link", name="Share with a doctor").click()
    expect(page.get_by_role("heading", name="Share with a doctor", level=1)).to_be_focused()
    expect(page.get_by_text("None yet.")).to_be_visible()
    page.get_by_label("Note (optional)").fill("For Dr Patel, 12 March")
    page.get_by_label("The link works for").select_option("7")
    page.get_by_role("button", name="Make a link").click()
    card = page.locator("#new-share-link")
    qr = card.get_by_role("img", name="QR code of the link")
    expect(qr).to_be_visible()
    share_url = card.locator(".share-url").inner_text()
    assert share_url.startswith(f"{live_server.url}/share/")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "<svg" in unquote(qr.get_attribute("src") or "")
    # On the screen as it is, not hidden by the tab bar, and the QR code of the link shown.
    shown = qr.bounding_box()
    assert shown is not None
    tabs = page.locator(".tabs").bounding_box()
    assert tabs is not None and shown["y"] >= 0 and shown["y"] + shown["height"] <= tabs["y"]
    assert qr_encodes(page.screenshot(clip=shown), share_url), "the QR code is not the link shown under it"
    listed = page.locator("#share-link-list li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("For Dr Patel, 12 March")
    expect(listed).to_contain_text("Works until")
    (link,) = ShareLink.objects.filter(profile=mia)
    assert link.note == "For Dr Patel, 12 March"
    assert dt.timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= dt.timedelta(days=7)

    # The doctor opens the link in a browser of their own, signed in to nothing.
    doctor = new_phone_page(browser, live_server.url)
    with doctor.context, screenshot_if_it_fails(doctor, request.node.name + "-doctor"):
        shared = doctor.goto(share_url)
        assert shared is not None and shared.status == 200
        expect(doctor.get_by_role("heading", name="Mia", level=1)).to_be_visible()
        expect(doctor.get_by_role("heading", name="Infections: 5")).to_be_visible()
        expect(doctor.locator("main")).to_contain_text("Ear infection (otitis media)")
        # Read-only, and nothing but the PDF to follow: no form, no field, no button, one link.
        expect(doctor.locator("form, input, textarea, select, button")).to_have_count(0)
        expect(doctor.locator("a")).to_have_count(1)
        for elsewhere in ("Leo", "Zed", "ear mia", sam.email, alex.email):
            expect(doctor.locator("body")).not_to_contain_text(elsewhere)
        with doctor.expect_download() as doctors_pdf:
            doctor.get_by_role("link", name="Download the visit summary (PDF)").click()
        assert "Visit summary: Mia" in downloaded_pdf_text(doctors_pdf)
        # The link opens no account: the diary and its API are shut to this browser.
        assert doctor.request.get(f"/api/v1/profiles/{mia.pk}/").status in {401, 403}
        assert doctor.request.get("/api/v1/profiles/").status in {401, 403}
        doctor.goto("/app/")
        expect(doctor.get_by_role("heading", name="Log in", exact=True)).to_be_visible()
        assert not doctor.errors

        # The family sees that a shared link read the summary and downloaded its PDF.
        page.get_by_role("link", name="Back to the profile").click()
        page.get_by_role("link", name="Who has seen this diary").click()
        rows = page.locator(".access-log tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("A shared link")
        expect(rows.nth(0)).to_contain_text("Downloaded the PDF summary")
        expect(rows.nth(1)).to_contain_text("A shared link")
        expect(rows.nth(1)).to_contain_text("Read the summary")
        expect(rows.nth(1).locator("time")).to_contain_text("today at")

        # Revoked: the doctor's page and its PDF are gone at once.
        page.get_by_role("link", name="Back to the profile").click()
        page.get_by_role("link", name="Share with a doctor").click()
        page.get_by_role("button", name="Revoke the link “For Dr Patel, 12 March”").click()
        page.get_by_role("button", name="Yes, revoke it").click()
        expect(page.locator("#share-link-list li")).to_contain_text("Revoked")
        gone = doctor.goto(share_url)
        assert gone is not None and gone.status == 404
        expect(doctor.locator("body")).not_to_contain_text("Mia")
        assert doctor.request.get(share_url + "report.pdf").status == 404

        # Export my data: everything of Sam's, nothing of the other family's.
        page.get_by_role("link", name="Account").click()
        with page.expect_download() as exported:
            page.get_by_role("button", name="Export my data").click()
        expect(page.get_by_text("Your data is downloaded.")).to_be_visible()
        assert exported.value.suggested_filename.endswith(".json")
        raw = exported.value.path().read_text()
        document = json.loads(raw)
        assert document["account"]["email"] == sam.email
        profiles = {p["profile"]["display_name"]: p for p in document["profiles"]}
        assert set(profiles) == {"Mia", "Leo"}
        assert {row["id"] for row in profiles["Mia"]["infections"]} == {str(e.pk) for e in mias["episodes"]}
        assert {row["notes"] for row in profiles["Mia"]["infections"]} == {"ear mia", "pneumonia mia"}
        assert [s["note"] for s in profiles["Mia"]["share_links"]] == ["For Dr Patel, 12 March"]
        for theirs in (stranger.email, str(stranger.pk), str(zed.pk), "Zed", "ear zed", "pneumonia zed"):
            assert theirs not in raw

        # Delete my account: a wrong password is refused and deletes nothing.
        page.get_by_role("link", name="Delete my account").click()
        expect(page.get_by_role("heading", name="Delete my account")).to_be_focused()
        expect(page.locator("main")).to_contain_text("A profile another parent also manages stays with them")
        entries = InfectionEpisode.objects.count()
        page.get_by_label("Your password, to confirm").fill(WRONG_PASSWORD)
        page.get_by_role("button", name="Delete my account for good").click()
        expect(page.get_by_role("alert")).to_contain_text("The password is not right.")
        assert User.objects.filter(pk=sam.pk).exists()
        assert set(Profile.objects.values_list("display_name", flat=True)) == {"Mia", "Leo", "Zed"}
        assert InfectionEpisode.objects.count() == entries
        assert not mail.outbox

        # With the right one the account is erased and Sam is signed out.
        page.get_by_label("Your password, to confirm").fill(PASSWORD)
        page.get_by_role("button", name="Delete my account for good").click()
        expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
        assert page.evaluate("indexedDB.databases().then(dbs => dbs.length)") == 0
        assert page.request.get("/api/v1/me").status in {401, 403}
        page.goto("/app/")
        expect(page.get_by_role("heading", name="Log in", exact=True)).to_be_visible()
        assert not User.objects.filter(pk=sam.pk).exists()
        assert not Profile.objects.filter(pk=mia.pk).exists()
        assert [m.to for m in mail.outbox] == [[sam.email]]
        assert mail.outbox[0].subject.endswith(CONFIRMATION_SUBJECT)
        # Mia's record of who read her diary stays, detached and without her.
        assert AccessLogEntry.objects.filter(object_id=str(link.pk)).count() == 2

        # Leo stays, whole, with Alex.
        assert list(ProfileManager.objects.filter(profile=leo).values_list("user", flat=True)) == [alex.pk]
        assert InfectionEpisode.objects.filter(profile=leo).count() == 5
        sign_in(doctor, alex.email)
        expect(doctor.get_by_role("heading", name="Leo's diary")).to_be_visible()
        assert not doctor.errors


def test_the_access_log_names_the_clinician_and_the_team(page: Page):
    user = UserFactory(role="caregiver")
    child = ProfileFactory(display_name="Noor", managed_by=[user])
    team = CareTeamFactory(name="Children's immunology")
    CareLink.objects.create(profile=child, team=team)
    clinician = clinician_in(team, display_name="Dr Ivy")
    access_record(actor=clinician, profile=child, action="read")
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Noor's diary")).to_be_visible()
    page.locator("#current-profile").click()
    page.get_by_role("link", name="Who has seen this diary").click()
    rows = page.locator(".access-log tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).not_to_contain_text(clinician.email)  # by name and team, never an e-mail
    expect(rows.first).to_contain_text("Dr Ivy, Children's immunology")
    expect(rows.first).to_contain_text("Read the profile")
    expect(rows.first.locator("time")).to_contain_text("today at")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_reports_screens_meet_wcag_2_2_aa(browser, live_server, request, color_scheme, settings):
    require(AXE_SCRIPT.exists(), "run npm ci for axe-core")
    settings.SIGMD_SITE_URL = live_server.url
    user = UserFactory(role="caregiver")
    child = ProfileFactory(display_name="Pam", managed_by=[user])
    access_record(actor=clinician_in(CareTeamFactory()), profile=child, action="read")
    page = new_phone_page(browser, live_server.url, bypass_csp=True, color_scheme=color_scheme)
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
        expect(page.locator("#share-link-list li")).to_have_count(1)
        check("/profile/doctor (with a new link)")
        page.goto("/app/#/profile/access-log")
        expect(page.locator(".access-log tbody tr")).to_have_count(1)
        check("/profile/access-log")
        page.goto("/app/#/account/delete")
        page.get_by_role("button", name="Delete my account for good").click()
        expect(page.get_by_role("alert")).not_to_be_empty()
        check("/account/delete (no password)")
    assert not violations, f"axe found WCAG 2.2 AA violations:\n{pformat(violations, width=110)}"
