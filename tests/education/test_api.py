"""The public education API: no sign-in, cacheable, only published articles."""

import pytest

from education.models import Article
from education.selectors import URGENT_CARE_SLUG, published_slugs

from .conftest import sync

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/education/articles/"
LIST_FIELDS = {"slug", "title", "summary", "audience", "topics", "reviewed_on", "reviewed_by", "next_review"}
DETAIL_FIELDS = {*LIST_FIELDS, "body_html", "sources", "related_kinds"}


def slugs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {article["slug"] for article in response.json()}


def test_the_list_shows_every_published_article_in_brief(api, articles):
    response = api.get(ARTICLES)
    assert slugs(response) == published_slugs()
    assert all(set(article) == LIST_FIELDS for article in response.json())


def test_the_urgent_care_article_comes_first_then_reading_order(api, articles):
    response = api.get(ARTICLES)
    assert response.status_code == 200
    listed = [article["slug"] for article in response.json()]
    assert listed[0] == URGENT_CARE_SLUG
    in_order = Article.objects.order_by("order", "title").values_list("slug", flat=True)
    assert listed == list(in_order)


def test_it_filters_by_topic(api, articles):
    found = slugs(api.get(ARTICLES, {"topic": "vaccines"}))
    assert "vaccines" in found
    assert found == {a.slug for a in Article.objects.all() if "vaccines" in a.topics}


def test_an_audience_filter_includes_articles_written_for_everyone(api, articles):
    found = slugs(api.get(ARTICLES, {"audience": "caregivers"}))
    assert "caring-for-a-child" in found  # written for caregivers
    assert "what-is-sigmd" in found  # written for all
    assert "autoimmunity-and-cancer-in-adults" not in found  # written for adult patients only


def test_searching_vaccine_finds_the_vaccines_article(api, articles):
    assert "vaccines" in slugs(api.get(ARTICLES, {"q": "vaccine"}))


def test_a_search_that_matches_nothing_is_an_empty_list(api, articles):
    assert slugs(api.get(ARTICLES, {"q": "zeppelin"})) == set()


def test_an_unknown_audience_is_a_400_naming_the_parameter(api, articles):
    response = api.get(ARTICLES, {"audience": "martians"})
    assert response.status_code == 400
    assert "audience" in response.json()["errors"]


def test_an_article_has_exactly_the_documented_fields(api, articles):
    response = api.get(f"{ARTICLES}vaccines/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_FIELDS
    article = Article.objects.get(slug="vaccines")
    assert body["reviewed_on"] == article.reviewed_on.isoformat()
    assert body["reviewed_by"] == article.reviewed_by
    assert body["next_review"] == article.next_review.isoformat()
    assert body["sources"] == article.sources
    assert body["body_html"].startswith("<")


@pytest.mark.parametrize("path", [ARTICLES, f"{ARTICLES}vaccines/", f"{ARTICLES}?topic=vaccines"])
def test_answers_are_publicly_cacheable_and_a_matching_etag_gets_304(api, articles, path):
    first = api.get(path)
    assert "public" in first["Cache-Control"] and "max-age=3600" in first["Cache-Control"]
    again = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_the_etag_changes_when_the_article_does(api, content_dir):
    sync(content_dir)
    etag = api.get(f"{ARTICLES}vaccines/")["ETag"]
    path = content_dir / "vaccines.md"
    path.write_text(path.read_text().replace("\n## ", "\nA new paragraph.\n\n## ", 1))
    sync(content_dir)
    response = api.get(f"{ARTICLES}vaccines/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "A new paragraph." in response.json()["body_html"]


def test_no_sign_in_is_needed_and_a_stale_token_does_not_lock_readers_out(api, articles):
    api.credentials(HTTP_X_SESSION_TOKEN="expired-or-from-another-server")
    assert api.get(ARTICLES).status_code == 200
    assert api.get(f"{ARTICLES}vaccines/").status_code == 200


def test_an_unpublished_article_is_a_404_and_leaves_the_list(api, articles):
    Article.objects.filter(slug="vaccines").update(published=False)
    response = api.get(f"{ARTICLES}vaccines/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")  # it may be published again
    assert "vaccines" not in slugs(api.get(ARTICLES))
    assert "vaccines" not in slugs(api.get(ARTICLES, {"q": "vaccine"}))
