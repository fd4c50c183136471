"""Server-rendered education pages: readable on a phone without JavaScript."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .caching import publicly_cacheable
from .models import Audience
from .selectors import article_list, published_articles, related_articles, topics_in_use
from .serializers import ArticleFilterSerializer


@require_safe
@publicly_cacheable
def article_list_page(request: HttpRequest) -> HttpResponse:
    filters = ArticleFilterSerializer(data=request.GET)
    valid = filters.is_valid()
    chosen = filters.validated_data if valid else {}
    context = {
        "articles": article_list(**chosen) if valid else [],
        "filter_errors": [str(m) for messages in filters.errors.values() for m in messages],
        "topic": chosen.get("topic", ""),
        "audience": chosen.get("audience", ""),
        "q": chosen.get("q", "").strip(),
        "topics": topics_in_use(),
        "audiences": Audience.choices,
    }
    return render(request, "education/article_list.html", context, status=200 if valid else 400)


@require_safe
@publicly_cacheable
def article_page(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(published_articles(), slug=slug)
    context = {"article": article, "related": related_articles(article)}
    return render(request, "education/article.html", context)
