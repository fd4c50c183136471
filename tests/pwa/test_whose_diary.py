"""Whose diary: the right child named on every form, badges on the switcher, red flags and times
on the timeline, °F accepted, clinicians sent to the clinic, and room for content at 200 % text."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from care.models import Alert
from diary.models import SymptomEntry
from tests.conftest import client_for
from tests.factories import PASSWORD, CareTeamFactory, ProfileFactory, UserFactory, clinician_in

from .conftest import ARTIFACTS, entry, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years)


def open_alert(profile) -> Alert:
    return Alert.objects.create(
        profile=profile,
        team=None,
        rule="recurrent_ear_infections",
        priority="routine",
        summary="4 ear infections in 365 days (threshold 4).",
        threshold=4,
        window_days=365,
        age_band="child",
        dedup_key=f"badge-{profile.pk}",
    )


def log_symptoms(page: Page, *, tick: list[str], temperature: str = "", severity: str = "3") -> None:
    page.get_by_role("link", name="Symptoms", exact=True).click()
    for label in tick:
        page.get_by_label(label).check()
    if temperature:
        page.get_by_label("Temperature (if measured)").fill(temperature)
    page.get_by_label("How unwell").select_option(severity)
    page.get_by_role("button", name="Save symptoms").click()


def test_a_caregiver_of_two_logs_for_the_right_child_and_sees_the_other_ones_alert(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Ava", date_of_birth=years_ago(4), managed_by=[user])
    ben = ProfileFactory(display_name="Ben", date_of_birth=years_ago(7), managed_by=[user])
    open_alert(ben)

    sign_in(page, user.email)
    # With no profile used before on this phone, the one with an open alert opens.
    expect(page.get_by_role("heading", name="Ben's diary")).to_be_visible()
    expect(page.locator("#current-profile")).to_have_text("Ben, 7 years")
    switcher = page.get_by_role("navigation", name="Whose diary")
    expect(switcher.get_by_role("button", name=re.compile("^Ben"))).to_contain_text("1 open alert")
    expect(switcher.get_by_role("button", name=re.compile("^Ava"))).not_to_contain_text("alert")

    switcher.get_by_role("button", name=re.compile("^Ava")).click()
    expect(page.get_by_role("heading", name="Ava's diary")).to_be_visible()
    expect(page.locator("#current-profile")).to_have_text("Ava, 4 years")
    page.get_by_role("link", name="Symptoms", exact=True).click()
    expect(page.locator(".for-whom")).to_have_text("For: Ava, 4 years")
    page.get_by_label("Cough").check()
    page.get_by_label("How unwell").select_option("2")
    page.get_by_role("button", name="Save symptoms").click()
    expect(entry(page, "Cough").locator(".sync")).to_have_text("Sent")
    assert list(SymptomEntry.objects.values_list("profile__display_name", flat=True)) == ["Ava"]

    # The last-used profile opens next time.
    page.reload()
    expect(page.get_by_role("heading", name="Ava's diary")).to_be_visible()
    # Two profiles with the same name are told apart by their dates of birth.
    ProfileFactory(display_name="Ava", date_of_birth=years_ago(2), managed_by=[user])
    page.reload()
    expect(page.get_by_role("navigation", name="Whose diary").get_by_role("button")).to_have_count(3)
    expect(page.get_by_role("button", name=re.compile(r"^Ava \(born"))).to_have_count(2)


def test_each_entry_says_which_parent_logged_it(page: Page):
    user = UserFactory(role="caregiver", display_name="Sam")
    other = UserFactory(role="caregiver", display_name="Alex")
    child = ProfileFactory(display_name="Hal", managed_by=[user, other])
    # Each parent logs through the API, which records who did (created_by).
    for author, code in ((user, "cough"), (other, "rash")):
        body = {
            "id": str(uuid.uuid4()),
            "recorded_at": timezone.now().isoformat(),
            "symptoms": [code],
            "severity": 2,
        }
        assert (
            client_for(author).post(f"/api/v1/profiles/{child.pk}/symptoms/", body, format="json").status_code
            == 201
        )
    sign_in(page, user.email)
    expect(entry(page, "Cough")).to_contain_text("Logged by you")
    expect(entry(page, "Rash")).to_contain_text("Logged by Alex")


def test_a_red_flag_entry_is_marked_in_the_timeline_with_its_time(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Cal", managed_by=[user])
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Cal's diary")).to_be_visible()

    at = timezone.localtime().replace(hour=3, minute=12, second=0, microsecond=0)
    if at > timezone.localtime():
        at -= dt.timedelta(days=1)
    page.get_by_role("link", name="Symptoms", exact=True).click()
    page.get_by_label("A fit (seizure)").check()
    page.get_by_label("How unwell").select_option("9")
    page.get_by_label("When", exact=True).fill(at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save symptoms").click()
    page.get_by_role("dialog").get_by_role("button", name="Close").click()
    log_symptoms(page, tick=["Cough"])

    fit, cough = entry(page, "A fit"), entry(page, "Cough")
    expect(fit.locator(".sync")).to_have_text("Sent")
    expect(fit.locator(".red-flag-mark")).to_have_text("Red flag")
    expect(fit.locator("time")).to_contain_text(re.compile(r"at 3:12\s?AM"))
    expect(cough.locator(".red-flag-mark")).to_have_count(0)
    expect(cough.locator("time")).to_contain_text(re.compile(r"today at \d{1,2}:\d\d"))


def test_a_temperature_in_fahrenheit_is_stored_in_celsius(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Dee", managed_by=[user])
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Dee's diary")).to_be_visible()
    page.get_by_role("link", name="Symptoms", exact=True).click()
    page.get_by_label("°C").check()  # the reading is typed in °F anyway: the unit follows it
    log_symptoms_on_open_form = page.get_by_label("Temperature (if measured)")
    log_symptoms_on_open_form.fill("101.3")
    expect(page.get_by_label("°F")).to_be_checked()
    page.get_by_label("Fever").check()
    page.get_by_label("How unwell").select_option("4")
    page.get_by_role("button", name="Save symptoms").click()
    expect(entry(page, "Fever").locator(".sync")).to_have_text("Sent")
    expect(entry(page, "Fever")).to_contain_text("38.5 °C")
    assert SymptomEntry.objects.get().temperature_c == Decimal("38.5")


def test_saving_without_a_severity_says_so_in_the_page(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Eve", managed_by=[user])
    sign_in(page, user.email)
    page.get_by_role("link", name="Symptoms", exact=True).click()
    expect(page.get_by_label("How unwell")).to_have_value("")  # nothing chosen for the parent
    page.get_by_label("Cough").check()
    page.get_by_role("button", name="Save symptoms").click()
    expect(page.get_by_role("alert")).to_contain_text("How unwell")
    expect(page.get_by_label("How unwell")).to_be_focused()
    assert not SymptomEntry.objects.exists()


def test_a_clinician_who_opens_the_app_is_sent_to_the_clinic(page: Page):
    clinician = clinician_in(CareTeamFactory(), totp=False)
    sign_in(page, clinician.email)
    page.wait_for_url(re.compile(r"/clinic/"))
    # Signed in already, /app/ itself answers with the clinic.
    page.goto("/app/")
    page.wait_for_url(re.compile(r"/clinic/"))


def test_a_clinician_sent_to_sign_in_by_the_clinic_returns_to_the_clinic_page(page: Page):
    clinician = clinician_in(CareTeamFactory(), totp=False)
    page.goto("/app/?next=/clinic/team/")
    page.get_by_label("E-mail address").fill(clinician.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/clinic/team/$"))
    page.context.clear_cookies()
    page.goto("/app/?next=https://evil.example/")
    page.get_by_label("E-mail address").fill(clinician.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"^http://localhost:\d+/clinic/"))


def test_at_200_percent_text_the_chrome_leaves_three_quarters_for_content(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Fay", managed_by=[user])
    ProfileFactory(display_name="Gil", managed_by=[user])
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Fay's diary")).to_be_visible()
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    page.evaluate("window.scrollTo(0, 400)")
    covered = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((el) => ['fixed', 'sticky'].includes(getComputedStyle(el).position) && el.offsetParent !== null
                            || (getComputedStyle(el).position === 'fixed' && el.getClientRects().length))
            .filter((el) => !el.closest('dialog'))
            .map((el) => el.getBoundingClientRect())
            .map((r) => Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0)))
            .reduce((a, b) => a + b, 0)"""
    )
    height = page.evaluate("innerHeight")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "diary-at-200-percent-text.png"))
    assert covered <= 0.25 * height, f"fixed chrome covers {covered} of {height} px"
    # Every tab is on screen, none overlaps another, and no label or log button is cut.
    boxes = [page.locator("#tabs a").nth(i).bounding_box() for i in range(5)]
    for box in boxes:
        assert (
            box
            and box["x"] >= 0
            and box["x"] + box["width"] <= 375.5
            and box["y"] + box["height"] <= height + 0.5
        )
    for a, b in itertools.combinations(boxes, 2):
        apart = a["x"] + a["width"] <= b["x"] + 0.5 or b["x"] + b["width"] <= a["x"] + 0.5
        apart = apart or a["y"] + a["height"] <= b["y"] + 0.5 or b["y"] + b["height"] <= a["y"] + 0.5
        assert apart, f"tabs overlap: {a} {b}"
    assert page.evaluate(
        "[...document.querySelectorAll('#tabs a, .log-actions a')].every((a) => a.scrollWidth <= a.clientWidth)"
    )
