"""ESLint and Prettier over the PWA's JavaScript, as CI runs them (`npm run lint`, `npm run
format:check`): the client is held to the same standard as the Python."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.conf import settings

from tests.conftest import require


@pytest.fixture
def npm() -> str:
    path = shutil.which("npm")
    require(bool(path), "needs npm (apt-get install npm)")
    require((settings.BASE_DIR / "node_modules" / "eslint").exists(), "run npm ci for ESLint and Prettier")
    return path


@pytest.mark.parametrize("script", ["lint", "format:check"])
def test_the_pwa_javascript_passes(npm, script):
    result = subprocess.run(
        [npm, "run", "--silent", script],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"npm run {script} found problems:\n{result.stdout}\n{result.stderr}"
