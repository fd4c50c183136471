"""/learn/: server-rendered pages, readable on a phone without JavaScript."""

import re

import pytest
from django.test import Client

from education.models import Article
from education.selectors import URGENT_CARE_SLUG, published_slugs, related_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser() -> Client:
    return Client()


def page(client: Client, path: str, **params: str) -> str:
    response = client.get(path, params)
    assert response.status_code == 200, path
    return response.content.decode()


def linked_slugs(html: str) -> set[str]:
    return set(re.findall(r'href="/learn/([a-z0-9-]+)/"', html))


def test_learn_lists_every_published_article(browser, articles):
    html = page(browser, "/learn/")
    assert linked_slugs(html) >= published_slugs()
    for article in Article.objects.all():
        assert article.title in html


def test_the_urgent_care_article_is_the_first_article_listed(browser, articles):
    html = page(browser, "/learn/")
    results = html[html.index('<section class="results"') :]
    listed = re.findall(r'<h3><a href="/learn/([a-z0-9-]+)/">', results)
    assert listed[0] == URGENT_CARE_SLUG
    assert listed == list(Article.objects.order_by("order", "title").values_list("slug", flat=True))


def test_what_to_do_now_comes_before_the_list_on_learn(browser, articles):
    html = page(browser, "/learn/")
    assert html.index('<section class="urgent-care"') < html.index('<section class="results"')


def test_browsing_by_topic_follows_a_plain_link(browser, articles):
    html = page(browser, "/learn/")
    assert 'href="/learn/?topic=vaccines"' in html
    filtered = page(browser, "/learn/", topic="vaccines")
    assert "vaccines" in linked_slugs(filtered)
    assert "what-is-sigmd" not in linked_slugs(filtered)  # not about vaccines
    assert 'aria-current="page">Vaccines' in filtered


def test_browsing_by_audience_follows_a_plain_link(browser, articles):
    assert 'href="/learn/?audience=caregivers"' in page(browser, "/learn/")
    filtered = page(browser, "/learn/", audience="caregivers")
    assert "caring-for-a-child" in linked_slugs(filtered)
    assert "autoimmunity-and-cancer-in-adults" not in linked_slugs(filtered)


def test_search_is_a_get_form_that_works_without_javascript(browser, articles):
    html = page(browser, "/learn/")
    form = re.search(r"<form[^>]*>.*?</form>", html, re.DOTALL).group(0)
    assert 'action="/learn/"' in form and 'method="get"' in form
    assert 'name="q"' in form and 'type="submit"' in form
    assert "<script" not in html

    results = page(browser, "/learn/", q="vaccine")
    assert "vaccines" in linked_slugs(results)
    assert "Results for “vaccine”" in results
    assert 'value="vaccine"' in results  # the words stay in the box to refine


def test_a_search_that_finds_nothing_says_so(browser, articles):
    assert "No article matches" in page(browser, "/learn/", q="zeppelin")


def test_an_unknown_audience_is_explained_not_crashed_on(browser, articles):
    response = browser.get("/learn/", {"audience": "martians"})
    assert response.status_code == 400
    assert "not a valid choice" in response.content.decode()


def test_an_article_page_shows_who_reviewed_it_and_when_the_next_review_is_due(browser, articles):
    article = Article.objects.get(slug="vaccine-responses")
    html = page(browser, "/learn/vaccine-responses/")
    meta = re.search(r'<p class="meta">.*?</p>', html, re.S).group(0)
    assert f"Reviewer: {article.reviewed_by}" in meta
    due = article.next_review
    assert f'Next review due by <time datetime="{due:%Y-%m-%d}">{due.day} {due:%B %Y}</time>' in meta


def test_an_article_page_shows_its_body_sources_and_review_date(browser, articles):
    article = Article.objects.get(slug="vaccines")
    html = page(browser, "/learn/vaccines/")
    assert f'<h1 id="article-title">{article.title}</h1>' in html
    assert article.body_html in html
    for source in article.sources:
        assert f'href="{source["url"]}"' in html
    reviewed = article.reviewed_on
    assert (
        f'Reviewed on <time datetime="{reviewed:%Y-%m-%d}">{reviewed.day} {reviewed:%B %Y}</time>'
    ) in html


def test_an_article_page_has_breadcrumbs_and_related_articles(browser, articles):
    article = Article.objects.get(slug="vaccines")
    html = page(browser, "/learn/vaccines/")
    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">.*?</nav>', html, re.S)
    assert crumbs and 'href="/learn/"' in crumbs.group(0) and article.title in crumbs.group(0)
    related = related_articles(article)
    assert related, "vaccines shares topics with other articles"
    assert {other.slug for other in related} <= linked_slugs(html)


def test_the_urgent_care_page_does_not_send_readers_to_itself(browser, articles):
    html = page(browser, f"/learn/{URGENT_CARE_SLUG}/")
    notice = re.search(r'<section class="urgent-care".*?</section>', html, re.S).group(0)
    assert "This is not medical advice" in notice
    assert f'href="/learn/{URGENT_CARE_SLUG}/"' not in notice


@pytest.mark.parametrize("path", ["/learn/", "/learn/?q=vaccine", "/learn/vaccines/"])
def test_every_page_says_it_is_not_medical_advice_and_when_to_call_for_help(browser, articles, path):
    html = page(browser, path)
    notice = re.search(r'<section class="urgent-care".*?</section>', html, re.S).group(0)
    assert "This is not medical advice" in notice
    assert all(f'<a href="tel:{number}">{number}</a>' in notice for number in ("999", "112", "911"))
    assert "press a glass" in notice and "blue lips" in notice
    assert 'href="/learn/when-to-seek-urgent-care/"' in notice


def test_no_page_needs_inline_styles_or_scripts_which_the_csp_forbids(browser, articles):
    for path in ["/learn/", *(f"/learn/{slug}/" for slug in published_slugs())]:
        response = browser.get(path)
        html = response.content.decode()
        assert "style-src 'self'" in response["Content-Security-Policy"]
        assert not re.search(r"<script|<style|\sstyle=", html), path


@pytest.mark.parametrize("path", ["/learn/", "/learn/?topic=vaccines", "/learn/vaccines/"])
def test_pages_are_publicly_cacheable_and_a_matching_etag_gets_304(browser, articles, path):
    first = browser.get(path)
    assert "public" in first["Cache-Control"] and "max-age=3600" in first["Cache-Control"]
    assert "Cookie" not in first.get("Vary", "")  # the same page for everyone
    assert browser.get(path, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_an_unpublished_article_page_is_a_404(browser, articles):
    Article.objects.filter(slug="vaccines").update(published=False)
    assert browser.get("/learn/vaccines/").status_code == 404
    assert "vaccines" not in linked_slugs(page(browser, "/learn/"))
