import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_fresh_web_process_knows_the_evaluation_task():
    """The diary hands off by task name; a web process that never imported care.tasks must still
    find it, or every entry would wait for the outbox sweep."""
    code = (
        "import django; django.setup();"
        "from sigmd_portal.celery import app; from diary.services import EVALUATE_PROFILE_TASK as one;"
        "from diary.services import EVALUATE_REQUESTS_TASK as many; print(one in app.tasks and many in app.tasks)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"DJANGO_SETTINGS_MODULE": "sigmd_portal.settings", "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "True", result.stderr
