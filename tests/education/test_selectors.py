"""Reads: only published articles, filters that compose, search on either database."""

import pytest

from education.models import Article
from education.selectors import article_list, published_slugs, related_articles

pytestmark = pytest.mark.django_db


def slugs(articles) -> list[str]:
    return [article.slug for article in articles]


def test_published_slugs_name_only_what_learn_serves(articles):
    Article.objects.filter(slug="vaccines").update(published=False)
    assert "vaccines" not in published_slugs()
    assert "when-to-seek-urgent-care" in published_slugs()


def test_blank_filters_are_ignored(articles):
    assert set(slugs(article_list(topic="", audience="", q="  "))) == published_slugs()


def test_filters_combine(articles):
    found = slugs(article_list(topic="children", audience="caregivers"))
    assert "caring-for-a-child" in found
    assert all(
        "children" in a.topics and {"caregivers", "all"} & set(a.audience)
        for a in Article.objects.filter(slug__in=found)
    )


def test_a_topic_matches_whole_topics_only(articles):
    # "care" is part of "urgent-care" but is not a topic of its own.
    assert slugs(article_list(topic="care")) == []


def test_a_search_needs_every_word(articles):
    assert "vaccines" in slugs(article_list(q="pneumococcal vaccine"))
    assert slugs(article_list(q="vaccine zeppelin")) == []


def test_postgres_search_puts_a_title_match_first(require_postgres, articles):
    assert slugs(article_list(q="vaccines"))[0] == "vaccines"


def test_related_articles_share_a_topic_and_exclude_the_article_itself(articles):
    article = Article.objects.get(slug="vaccines")
    related = related_articles(article)
    assert related and article not in related
    assert all(set(article.topics) & set(other.topics) for other in related)
