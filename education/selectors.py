"""Reads of the articles. Only published articles are ever returned."""

from __future__ import annotations

import json
import operator
from functools import reduce

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Q, QuerySet

from .models import Article, Audience

URGENT_CARE_SLUG = "when-to-seek-urgent-care"


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(published=True)


def published_slugs() -> set[str]:
    """Slugs that /learn/<slug>/ serves; the diary's guidance may only name these."""
    return set(published_articles().values_list("slug", flat=True))


def article_list(
    *, topic: str | None = None, audience: str | None = None, q: str | None = None
) -> QuerySet[Article]:
    """Published articles in reading order (urgent care first); a search ranks best first.

    Blank filters are ignored.
    """
    articles = published_articles()
    if topic:
        articles = articles.filter(_list_holds("topics", topic))
    if audience:
        articles = articles.filter(_list_holds("audience", audience) | _list_holds("audience", Audience.ALL))
    if q and q.strip():
        articles = _search(articles, q)
    return articles


def related_articles(article: Article, *, limit: int = 3) -> list[Article]:
    """Other published articles sharing a topic with this one, those sharing most first."""
    if not article.topics:
        return []
    shares_a_topic = reduce(operator.or_, (_list_holds("topics", t) for t in article.topics))
    candidates = published_articles().filter(shares_a_topic).exclude(pk=article.pk)
    topics = set(article.topics)
    # sorted() is stable, so articles sharing as many topics stay in reading order.
    return sorted(candidates, key=lambda other: -len(topics & set(other.topics)))[:limit]


def topics_in_use() -> list[str]:
    return sorted({t for topics in published_articles().values_list("topics", flat=True) for t in topics})


def _list_holds(field: str, value: str) -> Q:
    """Rows whose JSON list `field` holds `value`."""
    if settings.USING_POSTGRES:
        return Q(**{f"{field}__contains": [value]})
    # SQLite has no JSON containment lookup. The stored JSON text holds the value, quoted,
    # exactly when the list holds it: slugs and audience codes contain no quotes.
    return Q(**{f"{field}__icontains": json.dumps(value)})


def _search(articles: QuerySet[Article], q: str) -> QuerySet[Article]:
    if settings.USING_POSTGRES:
        # English stemming, so "vaccine" finds "vaccines"; a title match outranks the body.
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body_markdown", weight="C", config="english")
        )
        # "websearch" reads what people type (quotes, or, -word) and never raises on syntax.
        query = SearchQuery(q, search_type="websearch", config="english")
        return (
            articles.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank", "title")
        )
    # SQLite: every word must appear somewhere in the title, summary or body.
    for word in q.split():
        articles = articles.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body_markdown__icontains=word)
        )
    return articles
