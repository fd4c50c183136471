"""Sharing the diary with a care team, and seeing what the team did with an alert."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from care.models import Alert
from diary.models import CareLink
from diary.services import invitation_create
from tests.factories import CareTeamFactory, ProfileFactory, UserFactory, clinician_in, link_to_team

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def alert_for(profile, team, **fields):
    return Alert.objects.create(
        profile=profile,
        team=team,
        rule="recurrent_ear_infections",
        priority="routine",
        threshold=4,
        window_days=365,
        age_band="child",
        dedup_key=f"test-{profile.pk}-{fields.get('summary')}",
        **fields,
    )


def test_a_family_sees_when_the_care_team_saw_an_alert(page: Page):
    user = UserFactory(role="caregiver")
    child = ProfileFactory(display_name="Ida", managed_by=[user])
    team = CareTeamFactory(name="Immunology North")
    link_to_team(child, team)
    seen_at = timezone.now().replace(hour=10, minute=42)
    alert_for(
        child,
        team,
        summary="4 ear infections in 365 days (threshold 4).",
        status="acknowledged",
        acknowledged_at=seen_at,
        acknowledged_by=clinician_in(team, display_name="Dr Jones"),
    )
    alert_for(child, team, summary="2 sinus infections in 365 days (threshold 2).")

    sign_in(page, user.email)
    page.get_by_role("navigation", name="Diary sections").get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", name="Alerts")).to_be_focused()
    seen = page.locator(".alerts li").filter(has_text="4 ear infections")
    expect(seen).to_contain_text(re.compile(r"Your care team saw this today at 10:42\s?AM \(Dr Jones\)\."))
    waiting = page.locator(".alerts li").filter(has_text="2 sinus infections")
    expect(waiting).to_contain_text("Sent to your care team. Not seen yet.")


def test_alerts_of_another_family_never_show(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Jo", managed_by=[user])
    stranger_child = ProfileFactory(display_name="Kai", managed_by=[UserFactory(role="caregiver")])
    alert_for(stranger_child, None, summary="Not yours.")
    sign_in(page, user.email)
    page.get_by_role("link", name="Alerts").click()
    expect(page.get_by_text("No alerts.")).to_be_visible()


def test_joining_a_care_team_with_a_code_and_revoking_it(page: Page):
    user = UserFactory(role="caregiver")
    child = ProfileFactory(display_name="Lou", managed_by=[user])
    team = CareTeamFactory(name="Immunology South")
    invitation = invitation_create(team=team, created_by=clinician_in(team), expires_at=None)

    sign_in(page, user.email)
    page.get_by_role("link", name="Care team").click()
    expect(page.get_by_text("This diary is not shared with a care team.")).to_be_visible()
    page.get_by_label("Invitation code").fill("WRONG-CODE")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")

    page.get_by_label("Invitation code").fill(invitation.code)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("status")).to_have_text("Now sharing with Immunology South.")
    expect(page.locator(".links")).to_contain_text("Immunology South")
    assert CareLink.objects.get(profile=child).is_active

    page.get_by_role("button", name="Stop sharing with Immunology South").click()
    yes = page.get_by_role("button", name="Yes, stop sharing")
    expect(yes).to_be_focused()
    yes.click()
    expect(page.get_by_text("This diary is not shared with a care team.")).to_be_visible()
    assert not CareLink.objects.get(profile=child).is_active
