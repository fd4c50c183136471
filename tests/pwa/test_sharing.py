"""Sharing a child's diary with the other parent by a single-use code, made and entered in the app."""

from __future__ import annotations

import datetime as dt
import re
from pprint import pformat

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from diary.models import InfectionEpisode, ManagerInvitation
from tests.browser import AXE_SCRIPT, axe_violations
from tests.conftest import require
from tests.factories import ProfileFactory, UserFactory

from .conftest import entry, new_phone_page, screenshot_if_it_fails, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_profile(page: Page) -> None:
    """The profile screen, from the name in the header: where a diary is shared."""
    page.locator("#current-profile").click()
    expect(page.get_by_role("heading", name="Share with another parent")).to_be_visible()


def make_code(page: Page) -> str:
    page.get_by_role("button", name="Make a sharing code").click()
    shown = page.locator(".share-code")
    expect(shown).to_have_text(re.compile(r"^[A-Z0-9]{4} [A-Z0-9]{4}$"))
    return shown.inner_text()


def test_the_other_parent_joins_with_a_code_made_in_the_app(page: Page, browser, live_server, request):
    parent_a = UserFactory(role="caregiver", email="alex@example.com")
    parent_b = UserFactory(role="caregiver", email="bo@example.com")
    child = ProfileFactory(display_name="Noa", managed_by=[parent_a])
    InfectionEpisode.objects.create(
        profile=child,
        kind="otitis_media",
        onset=timezone.localdate() - dt.timedelta(days=10),
        severity="mild",
    )

    sign_in(page, parent_a.email)
    expect(page.get_by_role("heading", name="Noa's diary")).to_be_visible()
    open_profile(page)
    section = page.get_by_role("region", name="Share with another parent")
    expect(section).to_contain_text("full access to Noa's diary")
    expect(section.locator(".managers li")).to_have_count(1)
    expect(section.locator(".managers")).to_contain_text("alex@example.com (you)")
    shown = make_code(page)
    code = shown.replace(" ", "")
    invitation = ManagerInvitation.objects.get(profile=child)
    assert invitation.code == code
    expect(section).to_contain_text("Works once. Valid until")
    assert page.locator(".share-card time").get_attribute("datetime")

    other = new_phone_page(browser, live_server.url)
    with screenshot_if_it_fails(other, f"{request.node.name}-parent-b"), other.context:
        sign_in(other, parent_b.email)
        expect(other.get_by_role("heading", name="Who is this diary for?")).to_be_visible()
        other.get_by_role("button", name="Continue").click()
        expect(other.get_by_role("heading", name="Add a profile")).to_be_visible()
        other.get_by_role("link", name="I have a code").click()
        expect(other.get_by_role("heading", name="Join a diary with a code")).to_be_focused()

        other.get_by_label("Sharing code").fill("WRONG234")
        other.get_by_role("button", name="Join diary").click()
        expect(other.get_by_role("alert")).to_contain_text("code")

        other.get_by_label("Sharing code").fill(shown.lower())  # as read out: spaces and case do not matter
        other.get_by_role("button", name="Join diary").click()
        expect(other.get_by_role("heading", name="Noa's diary")).to_be_focused()
        expect(other.get_by_role("status")).to_have_text("You now share Noa's diary.")
        expect(entry(other, "Ear infection")).to_have_count(1)
        assert not other.errors

    assert set(child.managers.values_list("email", flat=True)) == {parent_a.email, parent_b.email}
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    page.reload()
    expect(page.locator(".managers li")).to_have_count(2)
    expect(page.locator(".managers")).to_contain_text("bo@example.com")


def test_sharing_needs_a_connection_and_says_so(page: Page):
    parent = UserFactory(role="caregiver")
    ProfileFactory(display_name="Oli", managed_by=[parent])
    sign_in(page, parent.email)
    expect(page.get_by_role("heading", name="Oli's diary")).to_be_visible()
    page.context.set_offline(True)
    page.locator("#current-profile").click()
    expect(page.get_by_text("The list of parents needs a connection.")).to_be_visible()
    page.get_by_role("button", name="Make a sharing code").click()
    expect(page.get_by_role("alert")).to_have_text(
        "No connection. Please try again when you are back online."
    )
    page.context.set_offline(False)
    assert not ManagerInvitation.objects.exists()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_sharing_screens_meet_wcag_2_2_aa(browser, live_server, request, color_scheme):
    require(AXE_SCRIPT.exists(), "run npm ci for axe-core")
    parent = UserFactory(role="caregiver")
    ProfileFactory(display_name="Pia", managed_by=[parent, UserFactory(role="caregiver")])
    # The CSP forbids inline scripts, and add_script_tag injects axe inline.
    page = new_phone_page(browser, live_server.url, bypass_csp=True, color_scheme=color_scheme)
    violations: dict[str, list] = {}

    def check(name: str) -> None:
        if found := axe_violations(page):
            violations[name] = found

    with page.context, screenshot_if_it_fails(page, request.node.name):
        sign_in(page, parent.email)
        expect(page.get_by_role("heading", name="Pia's diary")).to_be_visible()
        open_profile(page)
        make_code(page)
        check("/care (with a sharing code)")
        page.goto("/app/#/profiles")
        expect(page.get_by_role("heading", level=1)).to_have_text("Profiles")
        check("/profiles")
        page.get_by_role("link", name="I have a code").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Join a diary with a code")
        check("/profiles/join")
        page.get_by_label("Sharing code").fill("WRONG234")
        page.get_by_role("button", name="Join diary").click()
        expect(page.get_by_role("alert")).not_to_be_empty()
        check("/profiles/join (wrong code)")
    assert not violations, f"axe found WCAG 2.2 AA violations:\n{pformat(violations, width=110)}"
