"""The app offline in the production shape: hashed static names, served by WhiteNoise.

The other browser tests run the embedded DEBUG mode (plain names from the finders). Here the
server is started with collectstatic's output (tests/conftest.py `production_static`) and no
static handler of its own, so /static/ is answered by WhiteNoise as gunicorn's is in production:
every module by its hashed name, and the worker must precache exactly those names.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, expect

from tests.static_files import is_hashed

from .conftest import new_phone_page, screenshot_if_it_fails, sign_in, wait_for_service_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URGENT_CARE = "/learn/when-to-seek-urgent-care/"
STYLED = "getComputedStyle(document.body).getPropertyValue('--tap')"
# What the worker precached on install (not what it picked up at run time on the way).
SHELL_CACHE_URLS = """async () => {
    const urls = [];
    for (const name of (await caches.keys()).filter((n) => n.startsWith("sigmd-shell-"))) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
}"""


@pytest.fixture
def production_server(production_static, settings) -> Iterator[str]:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # No static handler: the project's own middleware (WhiteNoise) answers /static/.
    server = LiveServerThread("localhost", static_handler=lambda handler: handler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://localhost:{server.port}"
    server.terminate()


def test_in_production_the_diary_and_the_urgent_care_article_open_offline(
    browser: Browser, production_server, production_static
):
    from tests.factories import ProfileFactory, UserFactory

    call_command("sync_education", verbosity=0)  # the urgent-care article the worker keeps
    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Finn", managed_by=[user])
    page = new_phone_page(browser, production_server)
    asked_for: list[str] = []
    page.on("request", lambda request: asked_for.append(urlparse(request.url).path))
    with screenshot_if_it_fails(page, "production-offline"):
        sign_in(page, user.email)
        expect(page.get_by_role("heading", name="Finn's diary")).to_be_visible()
        wait_for_service_worker(page)

        page.context.set_offline(True)
        page.reload()
        expect(page.get_by_role("heading", name="Finn's diary")).to_be_visible()
        expect(page.get_by_text("Offline", exact=True)).to_be_visible()

        page.goto(URGENT_CARE)
        expect(page.get_by_role("heading", level=1)).to_contain_text("urgent")
        # Its stylesheet came from the worker's cache, by its hashed name.
        assert page.evaluate(STYLED)
        # A page never opened: the worker's own offline page, styled from the precached app.css.
        page.goto("/learn/never-opened/")
        expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
        assert page.evaluate(STYLED)
        # The vocabulary (labels, the offline urgency check) is kept too.
        assert page.evaluate("async () => Boolean(await caches.match('/api/v1/vocabulary'))")

        static_asked = [path for path in asked_for if path.startswith("/static/")]
        assert static_asked and all(is_hashed(path, production_static) for path in static_asked)
        # Every file the diary and the article asked for was precached, under that hashed name.
        precached = [url for url in page.evaluate(SHELL_CACHE_URLS) if url.startswith("/static/")]
        assert set(static_asked) <= set(precached)
        assert all(is_hashed(url, production_static) for url in precached)
    errors = list(page.errors)
    page.context.close()
    assert not errors, f"errors in the page: {errors}"
