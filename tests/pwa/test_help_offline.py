"""Help without signal: the urgent-care article kept with the app and first in Learn, tap-to-call
numbers, and the phone's own urgency check giving the server's levels (the infant clause too)."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command, get_commands
from django.utils import timezone
from playwright.sync_api import Page, expect

from diary import guidance
from tests.conftest import require
from tests.factories import ProfileFactory, UserFactory

from .conftest import VOCABULARY, sign_in, wait_for_service_worker, wait_until

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


def symptom_case(age_days: int, temperature: str | None, codes: list[str], days_ago: int = 0) -> dict:
    today = timezone.localdate()
    return {
        "segment": "symptoms",
        "dob": (today - dt.timedelta(days=age_days)).isoformat(),
        "entry": {
            "symptoms": codes,
            "temperature_c": float(temperature) if temperature else None,
            "recorded_at": (timezone.now() - dt.timedelta(days=days_ago)).isoformat(),
        },
    }


def infection_case(age_days: int, kind: str, severity: str, temperature: str | None = None) -> dict:
    today = timezone.localdate()
    return {
        "segment": "infections",
        "dob": (today - dt.timedelta(days=age_days)).isoformat(),
        "entry": {
            "kind": kind,
            "severity": severity,
            "onset": today.isoformat(),
            "resolved_on": None,
            "max_temperature_c": float(temperature) if temperature else None,
            "hospitalized": False,
            "icu": False,
            "iv_antibiotics": False,
        },
    }


# Ages, temperatures and codes around every threshold of the urgency rules.
CASES = [
    lambda: symptom_case(60, "38.3", []),  # under 3 months, fever: urgent
    lambda: symptom_case(60, "37.9", []),
    lambda: symptom_case(120, "39.2", []),  # 3 to 6 months, 39 °C or more: amber
    lambda: symptom_case(120, "38.9", []),
    lambda: symptom_case(2000, "40.0", []),
    lambda: symptom_case(2000, "39.9", ["fever"]),
    lambda: symptom_case(2000, "35.9", []),
    lambda: symptom_case(2000, None, ["seizure"]),
    lambda: symptom_case(2000, None, ["seizure"], days_ago=13),
    lambda: symptom_case(2000, None, ["seizure"], days_ago=15),
    lambda: symptom_case(9000, None, ["cough"]),
    lambda: infection_case(60, "otitis_media", "mild", "38.0"),
    lambda: infection_case(2000, "meningitis", "moderate"),
    lambda: infection_case(2000, "otitis_media", "life_threatening"),
    lambda: infection_case(2000, "otitis_media", "severe"),
    lambda: infection_case(2000, "otitis_media", "mild"),
]


def server_level(case: dict) -> str:
    today = timezone.localdate()
    dob = dt.date.fromisoformat(case["dob"])
    e = case["entry"]
    if case["segment"] == "symptoms":
        temperature = Decimal(str(e["temperature_c"])) if e["temperature_c"] is not None else None
        return guidance.guidance_for_symptoms(
            symptoms=e["symptoms"],
            temperature_c=temperature,
            recorded_on=timezone.localdate(dt.datetime.fromisoformat(e["recorded_at"])),
            date_of_birth=dob,
            today=today,
        ).level
    temperature = Decimal(str(e["max_temperature_c"])) if e["max_temperature_c"] is not None else None
    return guidance.guidance_for_infection(
        kind=e["kind"],
        severity=e["severity"],
        onset=dt.date.fromisoformat(e["onset"]),
        resolved_on=None,
        hospitalized=False,
        icu=False,
        iv_antibiotics=False,
        max_temperature_c=temperature,
        date_of_birth=dob,
        today=today,
    ).level


def test_the_phone_and_the_server_give_the_same_level_for_one_table_of_cases(page: Page):
    cases = [make() for make in CASES]
    page.goto("/app/")
    phone = page.evaluate(
        """async ([cases, vocabulary]) => {
            const { checkUrgency } = await import('/static/pwa/urgency.js');
            return cases.map((c) => checkUrgency(vocabulary, { segment: c.segment, entry: c.entry, dateOfBirth: c.dob }).level);
        }""",
        [cases, json.loads(VOCABULARY.read_text())],
    )
    server = [server_level(case) for case in cases]
    assert phone == server
    assert {"urgent", "contact_care_team", "routine"} <= set(server)  # the table reaches every level
