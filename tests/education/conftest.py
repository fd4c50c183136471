"""Articles for the education tests: the real content, or a private copy to edit."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import frontmatter
import pytest
from django.core.management import call_command

from education.article_files import DEFAULT_CONTENT_DIR

TODAY = datetime.now(UTC).date()

# A complete, valid front matter that tests change one field at a time: reviewed a month
# ago, next review due in ten months, whenever the tests run.
VALID_FRONT_MATTER: dict[str, Any] = {
    "title": "A test article",
    "summary": "What a test article is about.",
    "audience": ["patients"],
    "topics": ["testing"],
    "related_kinds": ["fever"],
    "reviewed_on": (TODAY - timedelta(days=30)).isoformat(),
    "reviewed_by": "clinical content reviewer (immunology)",
    "next_review": (TODAY + timedelta(days=300)).isoformat(),
    "sources": [{"title": "A trustworthy source", "url": "https://example.org/source"}],
}


def sync(folder: Path = DEFAULT_CONTENT_DIR) -> str:
    """Run `manage.py sync_education --path folder` and return what it printed."""
    out = StringIO()
    call_command("sync_education", path=folder, stdout=out)
    return out.getvalue().strip()


def write_article(folder: Path, name: str, body: str = "Some text.", **front_matter: Any) -> Path:
    """Write `name`.md (slug `name` unless given); a value of None leaves that field out."""
    metadata = {"slug": name, **VALID_FRONT_MATTER, **front_matter}
    path = folder / f"{name}.md"
    post = frontmatter.Post(body, **{k: v for k, v in metadata.items() if v is not None})
    path.write_text(frontmatter.dumps(post) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def articles(db) -> None:
    sync()


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the real article files, for tests that edit, add or remove them."""
    folder = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, folder)
    return folder
