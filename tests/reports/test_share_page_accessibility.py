"""WCAG 2.2 AA on the share page a doctor opens (and the page saying to wait after too many
requests), checked by axe-core in Debian's headless Chromium."""

from __future__ import annotations

import datetime as dt
from pprint import pformat

import pytest
from django.utils import timezone
from playwright.sync_api import sync_playwright

from reports import services
from sigmd_portal.throttles import ShareLinkThrottle
from tests.browser import AXE_SCRIPT, CHROMIUM_ARGS, axe_violations
from tests.conftest import require
from tests.reports.conftest import seed_diary


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("color_scheme", "width"), [("light", 390), ("dark", 1280)], ids=["light-phone", "dark-desktop"]
)
def test_the_share_page_meets_wcag_2_2_aa(
    live_server, chromium_path, monkeypatch, child, owner, color_scheme, width, throttle_window
):
    require(AXE_SCRIPT.exists(), "needs axe-core: run `npm ci` in the repo root")
    seed_diary(child)
    _, token = services.share_link_create(
        profile=child, created_by=owner, expires_at=timezone.now() + dt.timedelta(days=7)
    )
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setattr(ShareLinkThrottle, "THROTTLE_RATES", {"share_link": "1/min"})
    violations = {}

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(
            bypass_csp=True, color_scheme=color_scheme, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        for name, status in (("the summary", 200), ("too many requests", 429)):
            response = page.goto(f"{live_server.url}/share/{token}/")
            assert response and response.status == status
            assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--tap')")
            if found := axe_violations(page):
                violations[name] = found
        browser.close()

    assert not violations, f"axe found WCAG 2.2 AA violations:\n{pformat(violations, width=100)}"
