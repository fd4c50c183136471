"""WCAG 2.2 AA on every screen of the diary, checked by axe-core in light and dark mode."""

from __future__ import annotations

import datetime as dt
from pprint import pformat

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from care.models import Alert
from diary.models import (
    InfectionEpisode,
    Infusion,
    LabResult,
    Measurement,
    Profile,
    SymptomEntry,
    Treatment,
    Vaccination,
)
from tests.browser import AXE_SCRIPT, axe_violations
from tests.conftest import require
from tests.factories import CareTeamFactory, ProfileFactory, UserFactory, clinician_in, link_to_team

from .conftest import new_phone_page, screenshot_if_it_fails, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_diary_with_one_of_everything():
    """A caregiver with two children; the first has entries, an alert its team saw, a care link."""
    user = UserFactory(role="caregiver")
    gus = ProfileFactory(display_name="Gus", sex="male", managed_by=[user])
    ProfileFactory(display_name="Hana", managed_by=[user])
    today = timezone.localdate()
    InfectionEpisode.objects.create(
        profile=gus, kind="otitis_media", onset=today - dt.timedelta(days=40), severity="mild"
    )
    InfectionEpisode.objects.create(
        profile=gus,
        kind="pneumonia",
        onset=today - dt.timedelta(days=90),
        severity="severe",
        hospitalized=True,
    )
    SymptomEntry.objects.create(
        profile=gus, recorded_at=timezone.now() - dt.timedelta(days=41), symptoms=["ear_pain"]
    )
    Treatment.objects.create(
        profile=gus,
        kind="antibiotic",
        name="amoxicillin",
        route="oral",
        started_on=today - dt.timedelta(days=40),
    )
    Vaccination.objects.create(profile=gus, vaccine="PCV20", given_on=today - dt.timedelta(days=200))
    LabResult.objects.create(
        profile=gus,
        analyte="IgM",
        value=18,
        unit="mg/dL",
        reference_low=40,
        collected_on=today - dt.timedelta(days=300),
    )
    # The immune record: IgG results over two years (one below its lab's range), a titre before
    # and after a vaccine, infusions, and growth measurements.
    for days, value in [(700, 7.9), (350, 5.1), (20, 6.4)]:
        LabResult.objects.create(
            profile=gus,
            analyte="IgG",
            value=value,
            unit="g/L",
            reference_low=5.5,
            reference_high=12.0,
            collected_on=today - dt.timedelta(days=days),
        )
    pcv = Vaccination.objects.get(profile=gus)
    for days, timing, value in [(201, "pre", 0.3), (170, "post", 1.9)]:
        LabResult.objects.create(
            profile=gus,
            analyte="pneumococcal_titer",
            value=value,
            unit="ug/mL",
            collected_on=today - dt.timedelta(days=days),
            serotype="14",
            timing=timing,
            vaccination=pcv,
        )
    for days, reactions in [(21, ["none_reported"]), (7, ["site_swelling", "headache"])]:
        Infusion.objects.create(
            profile=gus,
            given_on=today - dt.timedelta(days=days),
            product="Hizentra",
            route="subcutaneous",
            dose_g=8,
            lot_number=f"P{days}",
            sites=2,
            reactions=reactions,
        )
    for days, weight, height in [(300, 17.8, 106.0), (30, 19.1, 110.5)]:
        Measurement.objects.create(
            profile=gus, measured_on=today - dt.timedelta(days=days), weight_kg=weight, height_cm=height
        )
    team = CareTeamFactory(name="Children's immunology")
    link_to_team(gus, team)
    Alert.objects.create(
        profile=gus,
        team=team,
        rule="severe_infection",
        priority="urgent",
        status="acknowledged",
        summary="Severe infection was logged in the last 14 days.",
        threshold=1,
        window_days=14,
        age_band="child",
        dedup_key=f"a11y-{gus.pk}",
        acknowledged_at=timezone.now(),
        acknowledged_by=clinician_in(team, display_name="Dr Ivy"),
    )
    return user


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_every_screen_meets_wcag_2_2_aa(browser, live_server, request, color_scheme):
    require(AXE_SCRIPT.exists(), "run npm ci for axe-core")
    newcomer = UserFactory(role="patient")
    user = a_diary_with_one_of_everything()

    # The CSP forbids inline scripts, and add_script_tag injects axe inline.
    page = new_phone_page(browser, live_server.url, bypass_csp=True, color_scheme=color_scheme)
    violations: dict[str, list] = {}

    def check(screen: str, heading: str) -> None:
        page.goto(f"/app/#{screen}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        if found := axe_violations(page):
            violations[screen] = found

    with page.context, screenshot_if_it_fails(page, request.node.name):
        page.goto("/app/")
        for screen, heading in [
            ("/login", "Log in"),
            ("/signup", "Create an account"),
            ("/verify", "Check your e-mail"),
            ("/password-reset", "Reset your password"),
            ("/reset-code", "Choose a new password"),
            ("/mfa", "Enter your authenticator code"),
            ("/learn", "Learn"),
        ]:
            check(screen, heading)

        sign_in(page, newcomer.email)
        check("/onboarding", "Who is this diary for?")
        check("/profiles/new", "Add a profile")
        page.get_by_role("link", name="Account").click()
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()

        sign_in(page, user.email)
        expect(page.get_by_role("heading", name="Gus's diary")).to_be_visible()
        gus = Profile.objects.get(display_name="Gus")
        pneumonia = InfectionEpisode.objects.get(profile=gus, kind="pneumonia")
        infusion = Infusion.objects.filter(profile=gus).first()
        measurement = Measurement.objects.filter(profile=gus).first()
        for screen, heading in [
            ("/diary", "Gus's diary"),
            ("/log/infection", "Log an infection"),
            ("/log/symptoms", "Log symptoms"),
            ("/log/treatment", "Log a treatment"),
            ("/log/vaccination", "Log a vaccination"),
            ("/log/lab", "Log a lab result"),
            ("/log/infusion", "Log an infusion"),
            ("/log/measurement", "Weight and height"),
            ("/chart", "Infections in the last 12 months"),
            ("/chart/immune", "Immunoglobulins and therapy"),
            ("/chart/growth", "Growth"),
            ("/alerts", "Alerts"),
            ("/care", "Care team"),
            ("/profiles", "Profiles"),
            ("/profiles/join", "Join a diary with a code"),
            ("/profile", "Gus's profile"),
            (f"/profile/{gus.pk}/edit", "Edit Gus's profile"),
            (f"/entry/infections/{pneumonia.pk}", "Edit infection"),
            (f"/entry/infusions/{infusion.pk}", "Edit infusion"),
            (f"/entry/measurements/{measurement.pk}", "Edit weight and height"),
            ("/account", "Account"),
            ("/account/delete", "Delete my account"),
        ]:
            check(screen, heading)

        # An entry waiting in the outbox, and the guidance notice after a saved one.
        page.context.set_offline(True)
        page.goto("/app/#/log/vaccination")
        page.get_by_role("button", name="Save vaccination").click()
        expect(page.locator(".sync-pending")).to_have_count(1)
        violations.update({"/diary (offline entry)": v} if (v := axe_violations(page)) else {})
        page.context.set_offline(False)

        # The lab form with a titre's fields showing.
        page.goto("/app/#/log/lab")
        page.get_by_label("Test").select_option("pneumococcal_titer")
        expect(page.get_by_role("group", name="Pneumococcal titre")).to_be_visible()
        violations.update({"/log/lab (a titre)": v} if (v := axe_violations(page)) else {})

        # The urgent screen.
        page.goto("/app/#/log/symptoms")
        page.get_by_label("Blue or grey lips").check()
        page.get_by_label("How unwell").select_option("9")
        page.get_by_role("button", name="Save symptoms").click()
        expect(page.get_by_role("dialog")).to_be_visible()
        violations.update({"urgent screen": v} if (v := axe_violations(page)) else {})
        assert not violations, f"axe found WCAG 2.2 AA violations:\n{pformat(violations, width=110)}"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_repair_screens_meet_wcag_2_2_aa(browser, live_server, request, color_scheme):
    """A change the server refused, one that met a newer version, and the alerts that name entries."""
    require(AXE_SCRIPT.exists(), "run npm ci for axe-core")
    user = a_diary_with_one_of_everything()
    gus = Profile.objects.get(display_name="Gus")
    ear = InfectionEpisode.objects.get(profile=gus, kind="otitis_media")
    Alert.objects.filter(profile=gus).update(evidence=[{"type": "episode", "id": str(ear.pk)}])
    page = new_phone_page(browser, live_server.url, bypass_csp=True, color_scheme=color_scheme)
    violations: dict[str, list] = {}

    def check(name: str) -> None:
        if found := axe_violations(page):
            violations[name] = found

    with page.context, screenshot_if_it_fails(page, request.node.name):
        page.route(
            "**/api/v1/profiles/*/infections/*/",
            lambda route: (
                route.fulfill(status=412, json={"detail": "stale"})
                if route.request.method == "PATCH"
                else route.fallback()
            ),
        )
        page.route(
            "**/api/v1/profiles/*/vaccinations/",
            lambda route: (
                route.fulfill(status=400, json={"given_on": ["Not a date."]})
                if route.request.method == "POST"
                else route.fallback()
            ),
        )
        sign_in(page, user.email)
        expect(page.get_by_role("heading", name="Gus's diary")).to_be_visible()
        page.goto("/app/#/alerts")
        expect(page.locator(".alerts > li a")).to_have_count(1)
        check("/alerts (with the entries that raised them)")

        page.goto(f"/app/#/entry/infections/{ear.pk}")
        page.get_by_label("Moderate", exact=True).check()
        page.get_by_role("button", name="Save changes").click()
        page.locator(".timeline li").filter(has_text="Compare and choose").get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Changed on another device")
        check("/conflict")

        page.goto("/app/#/log/vaccination")
        page.get_by_role("button", name="Save vaccination").click()
        check("/diary (a refused change)")
        page.locator(".timeline li").filter(has_text="Vaccination").get_by_role(
            "link", name="Fix and send again"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Fix and send again")
        check("/fix")
        page.goto("/app/#/goodbye")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your account is deleted")
        check("/goodbye")
    assert not violations, f"axe found WCAG 2.2 AA violations:\n{pformat(violations, width=110)}"
