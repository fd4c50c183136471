"""Writes to the articles: only `sync_education` changes them, from the files in the repo."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .article_files import DEFAULT_CONTENT_DIR, ArticleFile, read_article_folder
from .models import Article


@dataclass
class SyncSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unpublished)} unpublished, {len(self.unchanged)} unchanged"
        )


def articles_sync(*, content_dir: Path = DEFAULT_CONTENT_DIR) -> SyncSummary:
    """Make the published articles match the folder: safe to run again and again.

    Every file is validated before any row changes, so a bad file leaves the site as it was.
    """
    files = read_article_folder(content_dir)
    summary = SyncSummary()
    with transaction.atomic():
        # Whatever is left in here after the loop has no file any more.
        stored = {article.slug: article for article in Article.objects.select_for_update()}
        for file in files:
            article = stored.pop(file.slug, None)
            if article is None:
                Article.objects.create(**file.fields, content_hash=file.content_hash)
                summary.created.append(file.slug)
            elif article.published and article.content_hash == file.content_hash:
                summary.unchanged.append(file.slug)
            else:
                _article_update(article, file)
                summary.updated.append(file.slug)
        for article in stored.values():
            if article.published:
                article.published = False
                article.save(update_fields=["published", "updated_at"])
                summary.unpublished.append(article.slug)
    return summary


def _article_update(article: Article, file: ArticleFile) -> None:
    for name, value in file.fields.items():
        setattr(article, name, value)
    article.content_hash = file.content_hash
    article.published = True  # a file put back publishes its article again
    article.save()
