"""Reading article files: front matter validated, Markdown rendered to safe HTML.

Nothing here touches the database, so a folder is checked whole before any row changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from django.utils import timezone
from frontmatter.default_handlers import YAMLHandler

from .rendering import render_markdown
from .serializers import FrontMatterSerializer

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent / "content"


class ArticleFileError(ValueError):
    """Files that cannot become articles; the message names each file and field."""


class _TextOnlyYAMLHandler(YAMLHandler):
    # Every scalar stays text, so an impossible date such as 2026-13-45 reaches validation,
    # which names the field, instead of failing inside the YAML parser.
    def load(self, fm: str, **kwargs: Any) -> Any:
        return yaml.load(fm, Loader=yaml.BaseLoader)  # noqa: S506 — BaseLoader builds no objects


@dataclass(frozen=True)
class ArticleFile:
    path: Path
    fields: dict[str, Any]  # the Article's content fields, ready to store

    @property
    def slug(self) -> str:
        return self.fields["slug"]

    @cached_property
    def content_hash(self) -> str:
        # Over what is stored (rendered HTML included), so a new renderer updates rows too.
        canonical = json.dumps(self.fields, sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


def read_article_file(path: Path, *, today: date | None = None) -> ArticleFile:
    """One file, validated; `today` (default: the local date) decides if its review is overdue."""
    try:
        post = frontmatter.load(path, handler=_TextOnlyYAMLHandler())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ArticleFileError(f"{path}: cannot be read: {error}") from None
    front_matter = FrontMatterSerializer(
        data=post.metadata,
        context={"file_stem": path.stem, "today": today or timezone.localdate()},
    )
    if not front_matter.is_valid():
        problems = [f"{path}: {field}: {message}" for field, message in _flat(front_matter.errors)]
        raise ArticleFileError("\n".join(problems))
    body = post.content
    return ArticleFile(
        path=path,
        fields={**front_matter.validated_data, "body_markdown": body, "body_html": render_markdown(body)},
    )


def read_article_folder(folder: Path, *, today: date | None = None) -> list[ArticleFile]:
    """Every *.md file of the folder, or one error naming every bad file and field."""
    paths = sorted(folder.glob("*.md"))
    if not paths:
        # An empty or mistyped folder would otherwise unpublish every article.
        raise ArticleFileError(f"{folder}: no article files (*.md) found")
    articles, problems = [], []
    for path in paths:
        try:
            articles.append(read_article_file(path, today=today))
        except ArticleFileError as error:
            problems.append(str(error))
    if problems:
        raise ArticleFileError("\n".join(problems))
    return articles


def _flat(errors: Any, field: str = "") -> Iterator[tuple[str, str]]:
    """Serializer errors as (field path, message) pairs, e.g. ("sources[1].url", "Enter a valid URL.")."""
    if isinstance(errors, dict):
        for key, nested in errors.items():
            if key == "non_field_errors":
                name = field
            elif isinstance(key, int):
                name = f"{field}[{key}]"
            else:
                name = f"{field}.{key}".lstrip(".")
            yield from _flat(nested, name)
    elif isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        for message in errors:
            yield field or "front matter", str(message)
    else:
        for index, nested in enumerate(errors):
            yield from _flat(nested, f"{field}[{index}]")
