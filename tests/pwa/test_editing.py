"""Fixing mistakes: edit and delete entries online and offline, a 412 that offers both
versions, "mark as better", and a change the server refuses for good."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, Route, expect

from diary.models import InfectionEpisode, Vaccination
from tests.factories import ProfileFactory, UserFactory

from .conftest import entry, sign_in, wait_for_service_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_parent_with_an_ear_infection(page: Page) -> InfectionEpisode:
    user = UserFactory(role="caregiver")
    child = ProfileFactory(display_name="Ivy", managed_by=[user])
    episode = InfectionEpisode.objects.create(
        profile=child, kind="otitis_media", onset=timezone.localdate() - dt.timedelta(days=2), severity="mild"
    )
    sign_in(page, user.email)
    expect(entry(page, "Ear infection").locator(".sync")).to_have_text("Sent")
    return episode


def edit(page: Page, text: str) -> None:
    entry(page, text).get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Edit infection")).to_be_focused()
    expect(page.locator(".for-whom")).to_contain_text("Ivy")


def test_an_entry_is_edited_online_then_offline(page: Page):
    episode = a_parent_with_an_ear_infection(page)

    edit(page, "Ear infection")
    expect(page.get_by_label("Mild", exact=True)).to_be_checked()
    page.get_by_label("Moderate", exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    expect(entry(page, "Ear infection")).to_contain_text("Moderate")
    expect(entry(page, "Ear infection").locator(".sync")).to_have_text("Sent")
    episode.refresh_from_db()
    assert (episode.severity, episode.version) == ("moderate", 2)

    wait_for_service_worker(page)
    page.context.set_offline(True)
    edit(page, "Ear infection")
    page.get_by_text("More details (optional)").click()
    page.get_by_label("Notes (optional)").fill("Antibiotic drops from the GP")
    page.get_by_role("button", name="Save changes").click()
    expect(entry(page, "Ear infection").locator(".sync")).to_have_text("Change saved on this phone")
    episode.refresh_from_db()
    assert episode.notes == ""
    # Reopened with no signal, the diary still shows the entry as changed, waiting to be sent.
    page.reload()
    expect(entry(page, "Ear infection")).to_contain_text("Moderate")
    expect(entry(page, "Ear infection").locator(".sync")).to_have_text("Change saved on this phone")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(entry(page, "Ear infection").locator(".sync")).to_have_text("Sent")
    episode.refresh_from_db()
    assert (episode.severity, episode.notes, episode.version) == (
        "moderate",
        "Antibiotic drops from the GP",
        3,
    )


def test_an_edit_that_meets_a_newer_version_offers_both_and_keeps_the_chosen_one(page: Page):
    episode = a_parent_with_an_ear_infection(page)
    page.context.set_offline(True)
    edit(page, "Ear infection")
    page.get_by_label("Severe", exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    expect(entry(page, "Ear infection").locator(".sync")).to_have_text("Change saved on this phone")

    # Meanwhile the other parent marked it better, from their phone.
    episode.resolved_on = timezone.localdate()
    episode.version += 1
    episode.save()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    row = entry(page, "Ear infection")
    expect(row.locator(".sync")).to_have_text("Not sent: changed on another device")
    row.get_by_role("link", name="Compare and choose").click()
    expect(page.get_by_role("heading", name="Changed on another device")).to_be_focused()
    expect(page.get_by_role("region", name="Your version")).to_contain_text("Severe")
    expect(page.get_by_role("region", name="The other version")).to_contain_text("Mild")
    expect(page.get_by_role("region", name="The other version")).to_contain_text("better since")

    page.get_by_role("button", name="Keep my version").click()
    expect(entry(page, "Ear infection").locator(".sync")).to_have_text("Sent")
    episode.refresh_from_db()
    # Mine wins where I changed something; what I did not touch is what the server had.
    assert (episode.severity, episode.resolved_on, episode.version) == ("severe", timezone.localdate(), 3)


def test_an_entry_is_deleted_after_a_second_tap(page: Page):
    a_parent_with_an_ear_infection(page)
    edit(page, "Ear infection")
    page.get_by_role("button", name="Delete this infection").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_text("Nothing logged yet.")).to_be_visible()
    assert not InfectionEpisode.objects.exists()


def test_an_ongoing_infection_is_marked_better_in_one_tap(page: Page):
    episode = a_parent_with_an_ear_infection(page)
    row = entry(page, "Ear infection")
    expect(row).to_contain_text("ongoing")
    row.get_by_role("button", name="Mark as better").click()
    expect(row).to_contain_text("better since")
    expect(row.locator(".sync")).to_have_text("Sent")
    expect(row.get_by_role("button", name="Mark as better")).to_have_count(0)
    episode.refresh_from_db()
    assert episode.resolved_on == timezone.localdate()


def test_an_entry_refused_for_good_leaves_the_outbox_with_a_message(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Jay", managed_by=[user])
    sign_in(page, user.email)
    posts: list[str] = []

    def refuse(route: Route) -> None:
        if route.request.method != "POST":
            return route.fallback()
        posts.append(route.request.post_data_json["id"])
        route.fulfill(
            status=403, json={"detail": "Only the profile's managers can change it.", "code": "read_only"}
        )

    page.route("**/api/v1/profiles/*/vaccinations/", refuse)
    page.get_by_role("link", name="Vaccination", exact=True).click()
    page.get_by_role("button", name="Save vaccination").click()
    row = entry(page, "Vaccination")
    expect(row.locator(".sync")).to_have_text("Not sent: you are not allowed to change this diary.")
    expect(page.get_by_role("status")).to_contain_text("could not be sent")
    # Never retried by itself: not on `online`, not on a reload.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.reload()
    expect(entry(page, "Vaccination").locator(".sync")).to_contain_text("Not sent")
    assert len(posts) == 1
    expect(page.locator("#current-profile")).to_be_visible()
    expect(page.get_by_role("navigation", name="Diary sections")).to_be_visible()

    # The profile picker says something waits for this child.
    page.goto("/app/#/profiles")
    expect(page.get_by_role("button", name=re.compile("^Open Jay's diary"))).to_contain_text("1 unsent")
    page.goto("/app/#/diary")
    # It can be fixed and sent again, or discarded.
    entry(page, "Vaccination").get_by_role("link", name="Fix and send again").click()
    expect(page.get_by_role("heading", name="Fix and send again")).to_be_focused()
    expect(page.get_by_text("The server refused this")).to_be_visible()
    page.get_by_role("link", name="Back to the diary").click()
    entry(page, "Vaccination").get_by_role("button", name="Discard this change").click()
    expect(page.get_by_text("Nothing logged yet.")).to_be_visible()
    assert page.evaluate("indexedDB.databases().then(dbs => dbs.length)") == 1
    assert not Vaccination.objects.exists()
