"""Signing in through allauth's headless browser client: wrong passwords, TOTP, reset by code."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.conftest import last_code
from tests.factories import ProfileFactory, UserFactory, add_totp, totp_code

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_wrong_password_is_said_plainly(page: Page):
    user = UserFactory()
    sign_in(page, user.email, "not the password at all")
    expect(page.get_by_role("alert")).to_contain_text("password")
    expect(page.get_by_role("heading", name="Log in", exact=True)).to_be_visible()


def test_an_account_with_an_authenticator_app_asks_for_its_code(page: Page):
    user = UserFactory(role="patient")
    ProfileFactory(display_name="Max", relationship="self", managed_by=[user])
    secret = add_totp(user)
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Enter your authenticator code")).to_be_focused()
    page.get_by_label("6-digit code").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My diary")).to_be_visible()


def test_a_forgotten_password_is_reset_with_a_code(page: Page):
    user = UserFactory()
    page.goto("/app/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_focused()
    assert mail.outbox[-1].to == [user.email]
    page.get_by_label("Code from the e-mail").fill(last_code())
    page.get_by_label("New password").fill("a brand new passphrase for ada")
    page.get_by_role("button", name="Save new password").click()

    # Signed in straight away or asked to log in, depending on allauth's settings.
    heading = page.get_by_role("heading", level=1)
    expect(heading).not_to_have_text("Choose a new password")
    if heading.inner_text() == "Log in":
        sign_in(page, user.email, "a brand new passphrase for ada")
    expect(page.get_by_role("heading", name="Who is this diary for?")).to_be_visible()
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase for ada")
