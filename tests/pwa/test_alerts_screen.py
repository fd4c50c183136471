"""What the care team saw: alert cards in plain words with the entries that raised them, a badge
for unseen alerts, cards from before a team was joined, and the care-team state offline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from care.models import Alert
from diary.models import InfectionEpisode
from diary.services import invitation_create
from tests.factories import CareTeamFactory, ProfileFactory, UserFactory, clinician_in, link_to_team

from .conftest import entry, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ear_alert(profile, team, episodes, **fields) -> Alert:
    return Alert.objects.create(
        profile=profile,
        team=team,
        rule="recurrent_ear_infections",
        priority="routine",
        summary="4 ear infections in 365 days (threshold 4).",
        threshold=4,
        window_days=365,
        age_band="child",
        dedup_key=f"ears-{profile.pk}-{team.pk if team else 'none'}",
        evidence=[{"type": "episode", "id": str(e.pk)} for e in episodes],
        **fields,
    )


def ear_infections(profile, n: int) -> list[InfectionEpisode]:
    today = timezone.localdate()
    return [
        InfectionEpisode.objects.create(
            profile=profile,
            kind="otitis_media",
            onset=today - dt.timedelta(days=30 * (i + 1)),
            severity="mild",
        )
        for i in range(n)
    ]


def test_an_alert_card_says_the_rule_the_entries_the_team_and_when_it_was_seen(page: Page):
    user = UserFactory(role="caregiver")
    child = ProfileFactory(display_name="Pia", managed_by=[user])
    team = CareTeamFactory(name="Immunology North")
    link_to_team(child, team)
    episodes = ear_infections(child, 4)
    ear_alert(
        child,
        team,
        episodes,
        status="acknowledged",
        acknowledged_at=timezone.now(),
        acknowledged_by=clinician_in(team, display_name="Dr Jones"),
    )

    sign_in(page, user.email)
    tabs = page.get_by_role("navigation", name="Diary sections")
    alerts_tab = tabs.get_by_role("link", name=re.compile("^Alerts"))
    expect(alerts_tab).to_have_accessible_name("Alerts (1 new)")
    expect(page.locator("#alerts-badge")).to_have_text("1")
    alerts_tab.click()
    card = page.locator(".alerts > li")
    expect(card.locator(".alert-title")).to_have_text("Routine: Recurrent ear infections")
    expect(card).to_contain_text("Care team: Immunology North")
    expect(card).to_contain_text(re.compile(r"Raised today at \d{1,2}:\d\d"))
    expect(card).to_contain_text("Your care team saw this today at")
    expect(card).to_contain_text("(Dr Jones)")
    evidence = card.get_by_role("link", name="Infection: Ear infection (otitis media)")
    expect(evidence).to_have_count(4)
    # Seen now: the badge goes.
    expect(page.locator("#alerts-badge")).to_be_hidden()
    evidence.first.click()
    expect(page.get_by_role("heading", name="Edit infection")).to_be_visible()


def test_an_alert_from_before_joining_a_team_says_so_once_the_team_is_joined(page: Page):
    user = UserFactory(role="caregiver")
    child = ProfileFactory(display_name="Rae", managed_by=[user])
    ear_alert(child, None, ear_infections(child, 4))
    team = CareTeamFactory(name="Immunology South")
    invitation = invitation_create(team=team, created_by=clinician_in(team), expires_at=None)

    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Rae's diary")).to_be_visible()
    page.goto("/app/#/alerts")
    card = page.locator(".alerts > li")
    expect(card).to_contain_text("Not shared with a care team")

    page.goto("/app/#/care")
    page.get_by_label("Invitation code").fill(invitation.code)
    page.get_by_role("button", name="Join").click()
    expect(page.locator(".links")).to_contain_text("Immunology South")
    page.goto("/app/#/alerts")
    # Joining re-evaluates the diary for the team (its own alert); the old card stays, re-worded.
    card = page.locator(".alerts > li").filter(has_not_text="Care team:")
    expect(card).to_contain_text("Raised before this diary was shared with Immunology South")
    expect(card).not_to_contain_text("Not shared with a care team")


def test_offline_the_care_team_screen_still_says_who_sees_the_diary(page: Page):
    user = UserFactory(role="caregiver")
    child = ProfileFactory(display_name="Sol", managed_by=[user])
    link_to_team(child, CareTeamFactory(name="Immunology East"))
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Sol's diary")).to_be_visible()
    page.context.set_offline(True)
    page.get_by_role("link", name="Care team").click()
    expect(page.locator(".links")).to_contain_text("Immunology East")
    expect(page.get_by_text("Offline: as it was when last online.")).to_be_visible()
    expect(page.get_by_text("This diary is not shared with a care team.")).to_have_count(0)


def test_after_the_first_entry_the_app_suggests_joining_a_care_team_once(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Tom", managed_by=[user])
    sign_in(page, user.email)
    for vaccine, prompted in [("PCV20", True), ("MenB", False)]:
        page.get_by_role("link", name="Vaccination", exact=True).click()
        page.get_by_label("Vaccine").select_option(vaccine)
        page.get_by_role("button", name="Save vaccination").click()
        expect(entry(page, f"Vaccination: {vaccine}").locator(".sync")).to_have_text("Sent")
        prompt = page.get_by_role("link", name="Join your care team with its code")
        expect(prompt).to_have_count(1 if prompted else 0)
