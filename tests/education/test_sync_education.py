"""`manage.py sync_education`: the files in the repo are the truth, and a rerun is harmless."""

from datetime import timedelta
from pathlib import Path

import frontmatter
import pytest
import time_machine
from django.core.management import CommandError

from education.article_files import read_article_folder
from education.models import Article
from education.selectors import published_slugs

from .conftest import TODAY, sync, write_article

pytestmark = pytest.mark.django_db


def file_slugs(folder: Path) -> set[str]:
    return {path.stem for path in folder.glob("*.md")}


def retitle(path: Path, title: str) -> None:
    post = frontmatter.load(path)
    post["title"] = title
    path.write_text(frontmatter.dumps(post), encoding="utf-8")


def test_the_first_sync_publishes_every_file_and_says_so(content_dir):
    count = len(file_slugs(content_dir))
    assert sync(content_dir) == (
        f"Education articles: {count} created, 0 updated, 0 unpublished, 0 unchanged"
    )
    assert published_slugs() == file_slugs(content_dir)


def test_a_second_sync_changes_nothing(content_dir):
    sync(content_dir)
    before = list(Article.objects.values_list("slug", "content_hash", "updated_at"))
    count = len(before)
    assert sync(content_dir) == (
        f"Education articles: 0 created, 0 updated, 0 unpublished, {count} unchanged"
    )
    assert list(Article.objects.values_list("slug", "content_hash", "updated_at")) == before


def test_an_edited_file_updates_its_article(content_dir):
    sync(content_dir)
    retitle(content_dir / "vaccines.md", "Vaccines, revised")
    assert "0 created, 1 updated, 0 unpublished" in sync(content_dir)
    assert Article.objects.get(slug="vaccines").title == "Vaccines, revised"


def test_a_removed_file_unpublishes_its_article_once(content_dir):
    sync(content_dir)
    (content_dir / "vaccines.md").unlink()
    assert "1 unpublished" in sync(content_dir)
    assert "vaccines" not in published_slugs()
    assert Article.objects.filter(slug="vaccines").exists()  # kept, just not shown
    assert "0 unpublished" in sync(content_dir)


def test_a_file_put_back_publishes_its_article_again(content_dir, tmp_path):
    sync(content_dir)
    (content_dir / "vaccines.md").rename(tmp_path / "vaccines.md")
    sync(content_dir)
    (tmp_path / "vaccines.md").rename(content_dir / "vaccines.md")
    assert "1 updated" in sync(content_dir)
    assert "vaccines" in published_slugs()


def test_raw_html_in_markdown_is_shown_as_text_never_run(content_dir):
    body = (
        "<script>alert('stolen')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "[a trap](javascript:alert(1))\n\n"
        "A **safe** paragraph."
    )
    write_article(content_dir, "raw-html", body)
    sync(content_dir)
    html = Article.objects.get(slug="raw-html").body_html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html  # the reader sees the text, the browser runs nothing
    assert 'href="javascript' not in html
    assert "<strong>safe</strong>" in html


@pytest.mark.parametrize(
    ("front_matter", "field"),
    [
        ({"audience": ["everyone"]}, "audience[0]"),
        ({"sources": None}, "sources"),
        ({"sources": []}, "sources"),
        ({"sources": [{"title": "No address"}]}, "sources[0].url"),
        ({"reviewed_on": "24/11/2026"}, "reviewed_on"),
        ({"reviewed_on": "2026-13-45"}, "reviewed_on"),
        ({"slug": "not-the-file-name"}, "slug"),
        ({"sumary": "a typo"}, "sumary"),
        ({"reviewed_by": None}, "reviewed_by"),
        ({"reviewed_by": ""}, "reviewed_by"),
        ({"next_review": None}, "next_review"),
        ({"order": "first"}, "order"),
        ({"sources": [{"title": "A home page", "url": "https://www.aaaai.org/"}]}, "sources[0].url"),
        ({"sources": [{"title": "A home page", "url": "https://example.org"}]}, "sources[0].url"),
        # More than 12 months between reviews, or a next review before the review itself.
        ({"next_review": (TODAY + timedelta(days=340)).isoformat()}, "next_review"),
        ({"next_review": (TODAY - timedelta(days=31)).isoformat()}, "next_review"),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_field(content_dir, front_matter, field):
    sync(content_dir)
    retitle(content_dir / "vaccines.md", "An edit that must wait")
    write_article(content_dir, "bad-article", **front_matter)

    with pytest.raises(CommandError) as refused:
        sync(content_dir)

    assert f"bad-article.md: {field}: " in str(refused.value)
    # Nothing changed: not even the good edit that came in the same run.
    assert Article.objects.get(slug="vaccines").title != "An edit that must wait"
    assert not Article.objects.filter(slug="bad-article").exists()


def test_an_empty_folder_is_refused_rather_than_unpublishing_everything(content_dir, tmp_path):
    sync(content_dir)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CommandError, match="no article files"):
        sync(empty)
    assert published_slugs() == file_slugs(content_dir)


def test_an_article_whose_review_is_overdue_is_refused_naming_it(content_dir):
    sync(content_dir)
    write_article(
        content_dir,
        "overdue-article",
        reviewed_on=(TODAY - timedelta(days=300)).isoformat(),
        next_review=(TODAY - timedelta(days=1)).isoformat(),
    )
    with pytest.raises(CommandError) as refused:
        sync(content_dir)
    message = str(refused.value)
    assert "overdue-article.md: next_review: the review was due on" in message
    assert not Article.objects.filter(slug="overdue-article").exists()


def test_a_review_due_today_is_still_accepted(content_dir):
    write_article(content_dir, "due-today", reviewed_on=(TODAY - timedelta(days=200)).isoformat(),
                  next_review=TODAY.isoformat())  # fmt: skip
    assert "created" in sync(content_dir)
    assert "due-today" in published_slugs()


def test_the_shipped_articles_are_refused_the_day_after_their_review_falls_due(content_dir):
    due = min(file.fields["next_review"] for file in read_article_folder(content_dir))
    overdue = pytest.raises(CommandError, match="next_review: the review was due on")
    with time_machine.travel(due + timedelta(days=1), tick=False), overdue:
        sync(content_dir)
    assert not Article.objects.exists()
