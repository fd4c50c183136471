"""The diary in a real browser: sign up, profiles, logging, offline outbox, urgent screen."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import User
from diary.models import InfectionEpisode, Profile, SymptomEntry
from tests.conftest import last_code
from tests.factories import PASSWORD, ProfileFactory, UserFactory

from .conftest import entry, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_infection(page: Page, kind: str, severity: str) -> None:
    page.get_by_role("link", name="Infection", exact=True).click()
    expect(page.get_by_role("heading", name="Log an infection")).to_be_focused()
    page.get_by_label("What kind of infection?").select_option(kind)
    page.get_by_label(severity, exact=True).check()
    page.get_by_role("button", name="Save infection").click()
    expect(page.get_by_role("heading", name=re.compile("diary$"))).to_be_visible()


def test_a_parent_signs_up_adds_a_child_and_logs_an_infection(page: Page):
    page.goto("/app/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("E-mail address").fill("parent@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_focused()
    assert mail.outbox[-1].to == ["parent@example.org"]
    page.get_by_label("Code from the e-mail").fill(last_code())
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Who is this diary for?")).to_be_visible()
    page.get_by_label(re.compile("^A parent or carer")).check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Add a profile")).to_be_visible()
    page.get_by_label("Name").fill("Ada")
    page.get_by_label("Date of birth").fill("2019-05-04")
    expect(page.get_by_label("My child")).to_be_checked()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", name="Ada's diary")).to_be_focused()

    log_infection(page, "pneumonia", "Moderate")
    expect(entry(page, "Pneumonia").locator(".sync")).to_have_text("Sent")
    # The server's guidance for a pneumonia is shown, with a link to read more.
    expect(page.locator("#guidance")).to_contain_text("care team")

    user = User.objects.get(email="parent@example.org")
    assert user.role == "caregiver"
    child = Profile.objects.get(managers=user)
    assert (child.display_name, child.relationship) == ("Ada", "child")
    episode = InfectionEpisode.objects.get(profile=child)
    assert (episode.kind, episode.severity, episode.hospitalized) == ("pneumonia", "moderate", False)


def test_entries_logged_offline_are_kept_then_sent_exactly_once(page: Page):
    user = UserFactory(role="caregiver")
    ben = ProfileFactory(display_name="Ben", managed_by=[user])
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Ben's diary")).to_be_visible()

    page.context.set_offline(True)
    expect(page.get_by_text("Offline", exact=True)).to_be_visible()
    log_infection(page, "otitis_media", "Mild")
    page.get_by_role("link", name="Symptoms", exact=True).click()
    page.get_by_label("Cough").check()
    page.get_by_label("Temperature (if measured)").fill("38.4")
    page.get_by_label("How unwell").select_option("3")
    page.get_by_role("button", name="Save symptoms").click()

    infection, symptoms = entry(page, "Ear infection"), entry(page, "Symptoms: Cough")
    expect(infection.locator(".sync")).to_have_text("Saved on this phone")
    expect(symptoms.locator(".sync")).to_have_text("Saved on this phone")
    expect(page.get_by_role("status")).to_contain_text("Saved on this phone")
    ids = [infection.get_attribute("data-id"), symptoms.get_attribute("data-id")]
    assert not InfectionEpisode.objects.exists()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(infection.locator(".sync")).to_have_text("Sent")
    expect(symptoms.locator(".sync")).to_have_text("Sent")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"(2 changes sent|Sent)\.$"))

    assert list(InfectionEpisode.objects.filter(profile=ben).values_list("id", flat=True)) == [_uuid(ids[0])]
    assert list(SymptomEntry.objects.filter(profile=ben).values_list("id", flat=True)) == [_uuid(ids[1])]
    # A reload sends nothing twice: the outbox is empty and the timeline comes from the server.
    page.reload()
    expect(entry(page, "Ear infection").locator(".sync")).to_have_text("Sent")
    assert page.evaluate("indexedDB.databases().then(dbs => dbs.map(d => d.name))") == ["sigmd"]
    assert InfectionEpisode.objects.count() == 1
    assert SymptomEntry.objects.count() == 1


def _uuid(value: str | None):
    import uuid

    assert value
    return uuid.UUID(value)


def test_a_red_flag_symptom_shows_the_urgent_screen_with_a_call_button(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Cleo", managed_by=[user])
    sign_in(page, user.email)
    page.get_by_role("link", name="Symptoms", exact=True).click()

    # Red flags come first on the screen, before any other symptom.
    from diary.clinical import RED_FLAG_SYMPTOMS

    boxes = page.locator("input[type=checkbox]")
    first = [boxes.nth(i).get_attribute("value") for i in range(len(RED_FLAG_SYMPTOMS))]
    assert set(first) == RED_FLAG_SYMPTOMS
    page.get_by_label("Stiff neck").check()
    page.get_by_label("Fever").check()
    page.get_by_label("How unwell").select_option("8")
    page.get_by_role("button", name="Save symptoms").click()

    dialog = page.get_by_role("dialog", name="Get urgent help now")
    expect(dialog).to_be_visible()
    call = dialog.get_by_role("link", name=re.compile(r"^Call (999|112|911)$")).first
    expect(call).to_have_attribute("href", re.compile(r"^tel:(999|112|911)$"))
    expect(call).to_be_focused()
    expect(dialog).to_contain_text("Call the emergency number")
    # Full screen: the panel covers the phone's whole viewport.
    box = dialog.bounding_box()
    assert box and box["width"] >= 375 and box["height"] >= 812

    expect(entry(page, "Stiff neck").locator(".sync")).to_have_text("Sent")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    assert SymptomEntry.objects.get().symptoms == ["fever", "stiff_neck"]


def test_a_caregiver_switches_between_children_in_one_tap(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Dora", managed_by=[user])
    eli = ProfileFactory(display_name="Eli", managed_by=[user])
    InfectionEpisode.objects.create(profile=eli, kind="sinusitis", onset="2026-01-10", severity="mild")
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name=re.compile("'s diary$"))).to_be_visible()

    page.get_by_role("navigation", name="Whose diary").get_by_role("button", name="Eli").click()
    expect(page.get_by_role("heading", name="Eli's diary")).to_be_focused()
    expect(page.get_by_role("button", name="Eli")).to_have_attribute("aria-pressed", "true")
    expect(entry(page, "Sinus infection").locator(".sync")).to_have_text("Sent")

    page.get_by_role("button", name="Dora").click()
    expect(page.get_by_role("heading", name="Dora's diary")).to_be_visible()
    expect(page.get_by_text("Nothing logged yet.")).to_be_visible()


def test_logging_out_deletes_what_the_phone_kept(page: Page):
    user = UserFactory(role="patient")
    ProfileFactory(display_name="Me", relationship="self", managed_by=[user])
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="My diary")).to_be_visible()
    # An entry the network never delivers stays in the outbox...
    page.route("**/api/v1/profiles/*/vaccinations/", lambda route: route.abort())
    page.get_by_role("link", name="Vaccination", exact=True).click()
    page.get_by_role("button", name="Save vaccination").click()
    expect(entry(page, "Vaccination").locator(".sync")).to_have_text("Saved on this phone")
    # ... and logging out says it will go, then deletes it with everything else.
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_text("1 change has not been sent yet.")).to_be_visible()
    page.get_by_role("button", name="Log out and delete 1 unsent change").click()
    expect(page.get_by_role("heading", name="Log in", exact=True)).to_be_visible()
    assert page.evaluate("indexedDB.databases().then(dbs => dbs.map(d => d.name))") == []
    page.goto("/app/#/diary")
    expect(page.get_by_role("heading", name="Log in", exact=True)).to_be_visible()


def tab_to(page: Page, target, presses: int = 15) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    expect(target).to_be_focused()


def test_an_infection_can_be_logged_with_the_keyboard_alone(page: Page):
    user = UserFactory(role="patient")
    ProfileFactory(display_name="Me", relationship="self", managed_by=[user])
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="My diary")).to_be_focused()

    tab_to(page, page.get_by_role("link", name="Infection", exact=True))  # past whose diary it is
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Log an infection")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("What kind of infection?")).to_be_focused()
    tab_to(page, page.get_by_label("Mild", exact=True))  # past the onset date: today by default
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Save infection"))
    page.keyboard.press("Enter")
    expect(entry(page, "Ear infection").locator(".sync")).to_have_text("Sent")
    assert InfectionEpisode.objects.get().severity == "mild"
