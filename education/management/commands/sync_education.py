from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from education.article_files import DEFAULT_CONTENT_DIR, ArticleFileError
from education.services import articles_sync


class Command(BaseCommand):
    help = (
        "Load or update the education articles from their Markdown files. Idempotent: "
        "unchanged files change nothing; articles whose file is gone are unpublished."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path",
            type=Path,
            default=DEFAULT_CONTENT_DIR,
            help=f"Folder of article files (default: {DEFAULT_CONTENT_DIR})",
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            summary = articles_sync(content_dir=path)
        except ArticleFileError as error:
            raise CommandError(f"No article changed. Fix these first:\n{error}") from None
        self.stdout.write(f"Education articles: {summary}")
