"""A profile is edited (offline too) and deleted in the app; its sharing code can be copied."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from diary.models import Profile
from tests.factories import ProfileFactory, UserFactory

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_profile_is_edited_offline_and_the_change_reaches_the_server(page: Page):
    user = UserFactory(role="caregiver")
    uma = ProfileFactory(
        display_name="Uma", date_of_birth=timezone.localdate() - dt.timedelta(days=800), managed_by=[user]
    )
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Uma's diary")).to_be_visible()

    page.context.set_offline(True)
    page.locator("#current-profile").click()
    page.get_by_role("link", name="Edit the profile").click()
    expect(page.get_by_label("Name")).to_have_value("Uma")
    page.get_by_label("Name").fill("Uma Rose")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="Uma Rose's profile")).to_be_visible()
    expect(page.locator("#current-profile")).to_have_text(re.compile(r"^Uma Rose, "))
    uma.refresh_from_db()
    assert uma.display_name == "Uma"

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_role("status")).to_contain_text("Sent.")
    uma.refresh_from_db()
    assert (uma.display_name, uma.version) == ("Uma Rose", 2)


def test_a_profile_is_deleted_after_a_second_tap(page: Page):
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Vic", managed_by=[user])
    ProfileFactory(display_name="Wes", managed_by=[user])
    sign_in(page, user.email)
    page.get_by_role("navigation", name="Whose diary").get_by_role("button", name=re.compile("^Wes")).click()
    expect(page.get_by_role("heading", name="Wes's diary")).to_be_visible()
    page.locator("#current-profile").click()
    page.get_by_role("button", name="Delete Wes's diary").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("heading", name="Profiles")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Wes's profile was deleted.")
    assert list(Profile.objects.values_list("display_name", flat=True)) == ["Vic"]


def test_the_sharing_code_can_be_copied_for_the_other_parent(page: Page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Xan", managed_by=[user])
    sign_in(page, user.email)
    page.locator("#current-profile").click()
    page.get_by_role("button", name="Make a sharing code").click()
    code = page.locator(".share-code").inner_text().replace(" ", "")
    page.get_by_role("button", name="Copy the code").click()
    expect(page.get_by_text("Code copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == code


def test_a_profile_edit_that_meets_a_newer_version_offers_both(page: Page):
    user = UserFactory(role="caregiver")
    yara = ProfileFactory(display_name="Yara", managed_by=[user])
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Yara's diary")).to_be_visible()
    page.context.set_offline(True)
    page.goto(f"/app/#/profile/{yara.pk}/edit")
    page.get_by_label("Name").fill("Yari")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("A change is saved on this phone, waiting to be sent.")).to_be_visible()
    # Meanwhile the other parent renamed her.
    yara.display_name = "Yara Sofia"
    yara.version += 1
    yara.save()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.goto("/app/#/profile")
    expect(page.locator(".warning")).to_contain_text("changed on another device")
    page.get_by_role("link", name="Compare and choose").click()
    expect(page.get_by_role("region", name="Your version")).to_contain_text("Yari")
    expect(page.get_by_role("region", name="The other version")).to_contain_text("Yara Sofia")
    page.get_by_role("button", name="Keep the other version").click()
    expect(page.get_by_role("heading", name="Yara Sofia's profile")).to_be_visible()
    yara.refresh_from_db()
    assert (yara.display_name, yara.version) == ("Yara Sofia", 2)
