"""Help without signal: the urgent-care article kept with the app and first in Learn, tap-to-call
numbers, and the phone's own urgency check giving the server's levels (the infant clause too)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command, get_commands
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.clinical_cases import CASES as SHARED_CASES
from tests.clinical_cases import entry_for
from tests.conftest import require
from tests.factories import ProfileFactory, UserFactory

from .conftest import sign_in, wait_for_service_worker, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URGENT_CARE = "/learn/when-to-seek-urgent-care/"


def test_offline_the_urgent_care_article_opens_first_in_learn_with_tap_to_call_numbers(page: Page):
    require("sync_education" in get_commands(), "the education app's sync_education command is not there")
    call_command("sync_education", verbosity=0)
    page.goto("/app/")
    wait_for_service_worker(page)
    # Kept with the shell: never opened, yet on the phone.
    wait_until(page, "async (path) => Boolean(await caches.match(path))", URGENT_CARE)

    page.context.set_offline(True)
    page.goto("/app/#/learn")
    first = page.locator(".articles li").first
    expect(first).to_contain_text("urgent care")
    expect(page.locator("main a[href^='tel:']").first).to_have_attribute("href", re.compile(r"^tel:\d+$"))
    first.get_by_role("link").click()
    page.wait_for_url(f"**{URGENT_CARE}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("urgent care")
    numbers = page.locator("a[href^='tel:']")
    expect(numbers.first).to_be_visible()
    assert {numbers.nth(i).get_attribute("href") for i in range(numbers.count())} >= {
        "tel:999",
        "tel:112",
        "tel:911",
    }


def test_every_screen_has_the_emergency_number_as_a_tap_to_call_link(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Kim", managed_by=[user])
    sign_in(page, user.email)
    for screen in ["/diary", "/log/symptoms", "/chart", "/alerts", "/care", "/learn", "/profile", "/account"]:
        page.goto(f"/app/#{screen}")
        expect(page.locator("header a[href^='tel:']")).to_have_attribute("href", "tel:911")  # en-US


def test_offline_a_feverish_two_month_old_gets_the_urgent_screen(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(
        display_name="Lea", date_of_birth=timezone.localdate() - dt.timedelta(days=60), managed_by=[user]
    )
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Lea's diary")).to_be_visible()
    page.context.set_offline(True)
    page.get_by_role("link", name="Symptoms", exact=True).click()
    page.get_by_label("Temperature (if measured)").fill("38.3")
    page.get_by_label("How unwell").select_option("5")
    page.get_by_role("button", name="Save symptoms").click()
    dialog = page.get_by_role("dialog", name="Get urgent help now")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("under 3 months")
    expect(dialog.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")


def test_the_phone_gives_the_shared_table_of_cases_the_servers_levels(page: Page, live_server):
    """The browser half of tests/clinical_cases.py: the phone's offline check, with the vocabulary
    the server serves, gives every case the level the server's guidance gives it
    (tests/diary/test_guidance.py runs the same table through the server)."""
    now = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    cases = [entry_for(case, now) for case in SHARED_CASES]
    page.goto("/app/")
    phone = page.evaluate(
        """async ([cases, now]) => {
            const { checkUrgency } = await import('/static/pwa/urgency.js');
            const vocabulary = await (await fetch('/api/v1/vocabulary')).json();
            return cases.map((c) => checkUrgency(vocabulary, {
                segment: c.segment, entry: c.entry, dateOfBirth: c.dob, now: new Date(now),
            }).level);
        }""",
        [cases, now.isoformat()],
    )
    assert dict(zip([c.name for c in SHARED_CASES], phone, strict=True)) == {
        c.name: c.level for c in SHARED_CASES
    }
