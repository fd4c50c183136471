"""WCAG 2.2 AA on the education pages, checked by axe-core in Debian's headless Chromium."""

from __future__ import annotations

from pprint import pformat

import pytest
from playwright.sync_api import sync_playwright

from education.selectors import published_slugs
from tests.browser import AXE_SCRIPT, CHROMIUM_ARGS, axe_violations
from tests.conftest import require

from .conftest import sync

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("color_scheme", "viewport"),
    [("light", PHONE), ("dark", DESKTOP)],
    ids=["light-phone", "dark-desktop"],
)
def test_every_education_page_meets_wcag_2_2_aa(
    live_server, chromium_path, monkeypatch, color_scheme, viewport
):
    require(AXE_SCRIPT.exists(), "needs axe-core: run `npm ci` in the repo root")
    sync()
    paths = [
        "/",
        "/learn/",
        "/learn/?topic=vaccines",
        "/learn/?q=vaccine",
        *(f"/learn/{slug}/" for slug in sorted(published_slugs())),
    ]
    # Playwright's sync API runs an event loop in this thread; the ORM is not used under it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    violations = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        # The pages' CSP forbids inline scripts, and add_script_tag injects axe inline.
        context = browser.new_context(bypass_csp=True, color_scheme=color_scheme, viewport=viewport)
        page = context.new_page()
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response and response.ok, path
            # Contrast is only judged if the stylesheet really loaded.
            assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--tap')")
            if found := axe_violations(page):
                violations[path] = found
        browser.close()

    assert not violations, f"axe found WCAG 2.2 AA violations:\n{pformat(violations, width=100)}"
