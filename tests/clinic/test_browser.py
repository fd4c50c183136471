"""The clinic in Chromium, as a clinician uses it: sign in with password and code, see a new
urgent alert arrive without reloading, act on it, read the patient's year; axe-core finds no
WCAG 2.2 AA failure on any page at 1280 and 768 px."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect, sync_playwright

from care import evaluation
from care.models import Alert
from diary.models import (
    CareTeamInvitation,
    InfectionEpisode,
    Infusion,
    LabResult,
    Measurement,
    SymptomEntry,
    Vaccination,
)
from tests.browser import CHROMIUM_ARGS, axe_violations
from tests.factories import (
    PASSWORD,
    CareTeamFactory,
    ProfileFactory,
    UserFactory,
    clinician_in,
    link_to_team,
    totp_code_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
ARTIFACTS = settings.BASE_DIR / "test-artifacts"


@pytest.fixture
def browser(chromium_path: str, monkeypatch) -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the test still uses the ORM.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server, request) -> Iterator[Page]:
    # axe-core is added as an inline script: its test lifts the CSP, the other test keeps it.
    context = browser.new_context(
        viewport=DESKTOP,
        base_url=live_server.url,
        bypass_csp="axe" in request.node.name,
        color_scheme=getattr(request, "param", "light"),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "Content Security Policy" in message.text
            and errors.append(message.text)
        ),
    )
    yield page
    if getattr(request.node, "rep_failed", False) or errors:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"clinic-{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture
def world():
    team = CareTeamFactory(name="Children's Immunology")
    clinician = clinician_in(team, email="dr.okafor@hospital.org", display_name="Dr Okafor")
    parent = UserFactory(email="parent@example.org", role="caregiver", display_name="Grace")
    child = ProfileFactory(display_name="Ada", managed_by=[parent], contact_phone="+44 20 7946 0000")
    link_to_team(child, team)
    today = timezone.localdate()
    for days_ago in (40, 100, 160, 220):
        InfectionEpisode.objects.create(
            profile=child,
            kind="otitis_media",
            onset=today - timezone.timedelta(days=days_ago),
            severity="mild",
        )
    LabResult.objects.create(
        profile=child,
        analyte="IgM",
        value=20,
        unit="mg/dL",
        reference_low=40,
        reference_high=230,
        collected_on=today - timezone.timedelta(days=30),
    )
    immune_record(child, today)
    with transaction.atomic():
        evaluation.profile_evaluate(profile=child, on=today, now=timezone.now())  # a routine alert is waiting
    CareTeamInvitation.objects.create(
        team=team,
        code="ABCD2345",
        created_by=clinician,
        expires_at=timezone.now() + timezone.timedelta(days=3),
    )
    return {"team": team, "clinician": clinician, "child": child}


def immune_record(child, today) -> None:
    """Infusions, a vaccine response, IgG below range and growth: every section of the patient
    page has something for axe to check (no red-flag reaction: it would raise an urgent alert)."""
    child.sex = "female"
    child.save(update_fields=["sex"])
    for days_ago in (60, 32, 4):
        Infusion.objects.create(
            profile=child,
            given_on=today - timezone.timedelta(days=days_ago),
            product="Hizentra",
            route="subcutaneous",
            dose_g=8,
            lot_number="P100123",
            reactions=["site_swelling"],
        )
    pcv = Vaccination.objects.create(
        profile=child, vaccine="PCV20", given_on=today - timezone.timedelta(days=90)
    )
    for timing, value, days_ago in (("pre", "0.5", 95), ("post", "2.4", 60)):
        LabResult.objects.create(
            profile=child,
            analyte="pneumococcal_titer",
            value=value,
            unit="ug/mL",
            collected_on=today - timezone.timedelta(days=days_ago),
            serotype="14",
            timing=timing,
            vaccination=pcv,
        )
    for value, days_ago in (("4.1", 400), ("6.2", 20)):
        LabResult.objects.create(
            profile=child,
            analyte="IgG",
            value=value,
            unit="g/L",
            reference_low="5.4",
            reference_high="16.1",
            collected_on=today - timezone.timedelta(days=days_ago),
        )
    for weight, height, days_ago in (("17.5", "108.0", 200), ("18.6", "111.5", 10)):
        Measurement.objects.create(
            profile=child,
            measured_on=today - timezone.timedelta(days=days_ago),
            weight_kg=weight,
            height_cm=height,
        )


def sign_in_at_the_clinic(page: Page, clinician) -> None:
    page.goto("/clinic/")
    expect(page.get_by_role("heading", name="Sign in to the clinic")).to_be_visible()
    page.get_by_label("Email").fill(clinician.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your authenticator code")).to_be_visible()
    page.get_by_label("Code").fill(totp_code_of(clinician))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Alert inbox", level=1)).to_be_visible()


def test_a_clinician_triages_a_new_urgent_alert_and_reads_the_patients_year(page: Page, world):
    sign_in_at_the_clinic(page, world["clinician"])
    assert re.search(r"/clinic/$", page.url)
    expect(page.get_by_role("link", name="Ada: Recurrent ear infections")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")

    SymptomEntry.objects.create(
        profile=world["child"],
        recorded_at=timezone.now(),
        symptoms=["stiff_neck", "fever"],
        temperature_c=39.5,
        severity=8,
    )
    with transaction.atomic():  # as the worker runs it
        evaluation.profile_evaluate(profile=world["child"], on=timezone.localdate(), now=timezone.now())
    urgent = Alert.objects.get(rule="red_flag_symptoms")
    new_row = page.get_by_role("link", name="Ada: Red-flag symptoms")
    expect(new_row).to_be_visible(timeout=40_000)  # the inbox polls every 15 s
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
    expect(page).to_have_title(re.compile(r"^\(1 urgent\) Alert inbox"))
    rows = page.locator(".alert-list > li h3 a").all_inner_texts()
    assert rows[0] == "Ada: Red-flag symptoms"  # open urgent first

    new_row.click()
    expect(page.get_by_role("heading", name="Contact the family")).to_be_visible()
    expect(page.get_by_role("link", name="+44 20 7946 0000")).to_be_visible()
    page.get_by_label("Note (optional)").fill("Called Grace, going to A&E")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged.")).to_be_visible()
    page.get_by_label("What was done (required)").fill("Seen in A&E, lumbar puncture clear")
    page.get_by_role("button", name="Resolve…").click()
    expect(page.get_by_role("heading", name="Resolve this alert?")).to_be_visible()
    page.get_by_role("button", name="Yes, resolve the alert").click()
    expect(page.get_by_text("Alert resolved.")).to_be_visible()
    urgent.refresh_from_db()
    assert (urgent.status, urgent.acknowledgement_note, urgent.resolution_note) == (
        "resolved",
        "Called Grace, going to A&E",
        "Seen in A&E, lumbar puncture clear",
    )

    page.get_by_role("navigation", name="Clinic").get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Ada").click()
    expect(page.get_by_role("heading", name="Ada", level=1)).to_be_visible()
    page.wait_for_load_state("load")  # the deferred chart scripts have run
    for canvas in (
        "chart-infections",
        "chart-antibiotics",
        "chart-lab-IgM",
        "chart-lab-IgG",
        "chart-growth-weight",
        "chart-growth-height",
    ):
        expect(page.locator(f"#{canvas}")).to_be_visible()
        assert page.evaluate("(id) => Boolean(Chart.getChart(document.getElementById(id)))", canvas), canvas
    for heading in ("Immunoglobulin therapy, last 12 months", "Vaccine responses", "Growth"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("heading", name="Diary, newest first")).to_be_visible()


@pytest.mark.parametrize("page", ["light", "dark"], indirect=True)
def test_every_clinic_page_passes_axe_at_desktop_and_tablet_width(page: Page, world):
    alert = Alert.objects.get(rule="recurrent_ear_infections")
    team, child = world["team"], world["child"]
    invitation = CareTeamInvitation.objects.get(team=team)
    page.goto("/clinic/sign-in/")
    signed_out = ["/clinic/sign-in/"]
    for size in (DESKTOP, TABLET):
        page.set_viewport_size(size)
        for path in signed_out:
            page.goto(path)
            assert axe_violations(page) == [], (path, size)
    sign_in_at_the_clinic(page, world["clinician"])
    pages = [
        "/clinic/",
        "/clinic/?view=resolved",
        f"/clinic/alerts/{alert.pk}/",
        "/clinic/patients/",
        f"/clinic/patients/{child.pk}/",
        f"/clinic/teams/{team.pk}/",
        f"/clinic/teams/{team.pk}/invitations/{invitation.pk}/",
    ]
    for size in (DESKTOP, TABLET):
        page.set_viewport_size(size)
        for path in pages:
            page.goto(path)
            assert axe_violations(page) == [], (path, size)
    # The confirmation after an action (the former `listitem` failure) and the confirmation step.
    page.goto(f"/clinic/alerts/{alert.pk}/")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("What was done (required)").fill("Reviewed at clinic")
    page.get_by_role("button", name="Resolve…").click()
    expect(page.get_by_role("heading", name="Resolve this alert?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Yes, resolve the alert").click()
    expect(page.get_by_text("Alert resolved.")).to_be_visible()
    assert axe_violations(page) == []
