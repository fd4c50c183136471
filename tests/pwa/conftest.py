"""Playwright (sync API) driving Debian's Chromium against the live server, at phone size.

One browser per test module; a fresh context (fresh storage, fresh service worker) per test.
A failing test leaves a 375 px screenshot in test-artifacts/.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser import CHROMIUM_ARGS
from tests.factories import PASSWORD

PHONE = {"width": 375, "height": 812}
ARTIFACTS = settings.BASE_DIR / "test-artifacts"
# GET /api/v1/vocabulary is built by the clinical engineer on another branch; until the merge the
# browser gets this fixture (the shared contract's shape) instead.

pytestmark = pytest.mark.browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def _browser_holder() -> Iterator[dict]:
    # Playwright's sync API runs an event loop in this thread; the tests still use the ORM.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        holder: dict = {}
        yield holder
        if holder:
            holder["browser"].close()
            holder["playwright"].stop()


@pytest.fixture
def browser(_browser_holder: dict, chromium_path: str, monkeypatch) -> Browser:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not _browser_holder:
        playwright = sync_playwright().start()
        _browser_holder["playwright"] = playwright
        _browser_holder["browser"] = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
    return _browser_holder["browser"]


def new_phone_page(browser: Browser, base_url: str, **options) -> Page:
    context = browser.new_context(viewport=PHONE, base_url=base_url, **options)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # A CSP violation (an inline script or style) shows up as a console error.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "Content Security Policy" in message.text
            and page.errors.append(message.text)
        ),
    )
    return page


def save_screenshot(page: Page, test_name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@contextmanager
def screenshot_if_it_fails(page: Page, test_name: str) -> Iterator[None]:
    """For tests that make their own page: a failure inside leaves a screenshot."""
    try:
        yield
    except BaseException:
        save_screenshot(page, test_name)
        raise


def server_settled(timeout: float = 10) -> None:
    """Wait until no other connection to the test database is busy (PostgreSQL). A closed page
    may have left a request running in the live server's threads; the flush after the test
    (a TRUNCATE of every table) racing that request's reads deadlocks, and the next test then
    starts on the last one's rows. Two quiet looks 100 ms apart, so a request just taken in has
    had time to reach the database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    deadline, quiet = time.monotonic() + timeout, 0
    with connection.cursor() as cursor:
        while quiet < 2 and time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            quiet = quiet + 1 if cursor.fetchone()[0] == 0 else 0
            time.sleep(0.1)


@pytest.fixture(autouse=True)
def settled_before_the_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """For every test on the live server: its requests end before its database is flushed (this
    runs after the test's pages are closed, before the database's teardown)."""
    if "live_server" in request.fixturenames:
        request.getfixturevalue("live_server")
    yield
    if "live_server" in request.fixturenames:
        server_settled()


@pytest.fixture
def page(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = new_phone_page(browser, live_server.url)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        save_screenshot(page, request.node.name)
    errors = list(page.errors)
    page.context.close()
    assert not errors, f"errors in the page: {errors}"


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/app/")
    expect(page.get_by_role("heading", name="Log in", exact=True)).to_be_visible()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def wait_until(page: Page, script: str, arg: object = None, timeout: float = 10.0) -> None:
    """Poll `script` (a function) until it returns something truthy. Playwright's own
    wait_for_function evaluates a string, which the app's CSP (no unsafe-eval) refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {script}")
        page.wait_for_timeout(100)


def wait_for_service_worker(page: Page) -> None:
    """Until the worker has precached the shell and controls the page."""
    wait_until(page, "() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)")


def entry(page: Page, text: str):
    return page.locator(".timeline li").filter(has_text=text)
