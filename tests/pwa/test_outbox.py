"""The outbox's rules: network errors are retried (Background Sync included), refusals are not."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from diary.models import Vaccination
from tests.factories import ProfileFactory, UserFactory

from .conftest import entry, sign_in, wait_for_service_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VACCINATIONS = "**/api/v1/profiles/*/vaccinations/"


def log_vaccination(page: Page, vaccine: str) -> None:
    page.get_by_role("link", name="Vaccination", exact=True).click()
    page.get_by_label("Vaccine").select_option(vaccine)
    page.get_by_role("button", name="Save vaccination").click()


def signed_in_with_a_profile(page: Page) -> None:
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Nia", managed_by=[user])
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Nia's diary")).to_be_visible()


def dispatch_background_sync(page: Page) -> None:
    """What Chromium does when the connection returns: fire the worker's `sync` event."""
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(200)
    ours = next(r for r in registrations if r["scopeURL"].endswith("/") and not r["isDeleted"])
    origin = ours["scopeURL"].rstrip("/")
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": origin, "registrationId": ours["registrationId"], "tag": "outbox", "lastChance": False},
    )


def test_a_failed_send_waits_and_background_sync_sends_it(page: Page):
    signed_in_with_a_profile(page)
    wait_for_service_worker(page)
    # The network drops every POST of a vaccination: the entry must wait on the phone.
    page.route(
        VACCINATIONS, lambda route: route.abort() if route.request.method == "POST" else route.fallback()
    )
    log_vaccination(page, "MenB")
    row = entry(page, "Vaccination: MenB")
    expect(row.locator(".sync")).to_have_text("Saved on this phone")
    assert not Vaccination.objects.exists()

    page.unroute(VACCINATIONS)
    dispatch_background_sync(page)
    expect(row.locator(".sync")).to_have_text("Sent")
    assert Vaccination.objects.get().vaccine == "MenB"


def test_a_server_error_is_retried_and_a_conflict_is_shown_not_retried(page: Page):
    signed_in_with_a_profile(page)
    answers = iter([500, 409])
    posts: list[str] = []

    def refuse(route: Route) -> None:
        if route.request.method != "POST":
            return route.fallback()
        posts.append(route.request.post_data_json["id"])
        status = next(answers, 409)
        route.fulfill(status=status, json={"detail": "refused", "code": "test"})

    page.route(VACCINATIONS, refuse)
    log_vaccination(page, "Hib")
    row = entry(page, "Vaccination: Hib")
    # The 500 is retried (Background Sync fires at once while online; `online` covers the rest),
    # and the 409 that follows is shown on the entry.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(row.locator(".sync")).to_contain_text("Not sent")
    expect(page.get_by_role("status")).to_contain_text("could not be sent")
    # ... and never sent again by itself.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(300)
    assert len(posts) == 2 and posts[0] == posts[1]  # the same client-made id both times

    row.get_by_role("button", name="Discard this change").click()
    expect(page.get_by_text("Nothing logged yet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Timeline")).to_be_focused()
    assert not Vaccination.objects.exists()
