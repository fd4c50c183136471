"""What the service worker keeps: the app shell, and every education page once opened."""

from __future__ import annotations

import pytest
from django.core.management import call_command, get_commands
from playwright.sync_api import Page, expect

from tests.conftest import require

from .conftest import wait_for_service_worker, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def published_articles() -> list[tuple[str, str]]:
    require("sync_education" in get_commands(), "the education app's sync_education command is not there yet")
    call_command("sync_education", verbosity=0)
    from education.models import Article

    return list(Article.objects.order_by("slug").values_list("slug", "title"))


def test_an_education_page_opened_once_can_be_read_offline(page: Page):
    articles = published_articles()
    assert len(articles) >= 2
    (opened, title), (never_opened, _) = articles[0], articles[1]

    page.goto("/app/")
    wait_for_service_worker(page)
    page.goto(f"/learn/{opened}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    wait_until(page, "async (path) => Boolean(await caches.match(path))", f"/learn/{opened}/")

    page.context.set_offline(True)
    page.goto(f"/learn/{opened}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    # Its stylesheet came from the cache too.
    assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--tap')")

    page.goto(f"/learn/{never_opened}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")


def test_the_diary_opens_offline_and_health_data_is_never_cached(page: Page):
    from tests.factories import ProfileFactory, UserFactory

    from .conftest import sign_in

    user = UserFactory(role="caregiver")
    ProfileFactory(display_name="Finn", managed_by=[user])
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Finn's diary")).to_be_visible()
    wait_for_service_worker(page)

    page.context.set_offline(True)
    page.reload()
    # With no connection the app shell and the profile directory still open the diary.
    expect(page.get_by_role("heading", name="Finn's diary")).to_be_visible()
    expect(page.get_by_text("Offline", exact=True)).to_be_visible()

    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )
    assert "/app/" in cached and "/static/pwa/app.js" in cached
    # The public clinical vocabulary is kept (labels and the offline urgency check need it);
    # no other answer of the API or of allauth ever is.
    assert "/api/v1/vocabulary" in cached
    assert not [
        url for url in cached if url.startswith(("/api/", "/_allauth/")) and url != "/api/v1/vocabulary"
    ]


def test_chromium_finds_the_app_installable(page: Page):
    page.goto("/app/")
    wait_for_service_worker(page)
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito, where Chromium never offers to install anything.
    assert [e for e in errors if e["errorId"] != "in-incognito"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert not manifest["errors"]
