"""Settings fail loudly on malformed environment values, and production passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-real-production-secret-9f8e7d6c5b4a39281706f5e4d3c2b1a0-zyxwvut",
    "DJANGO_ALLOWED_HOSTS": "sigmd.example.org",
    "SIGMD_MFA_KEYS": "cHJvZHVjdGlvbi1saWtlLXRlc3Qta2V5LTMyYnl0ZXM=",
}


def run_django(command: list[str], **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_", "VAPID_", "SIGMD_MFA_"))
    }
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "not-a-url"),
        ("DATABASE_URL", "mysql://localhost/x"),
        ("REDIS_URL", "localhost:6379"),
        ("EMAIL_URL", "smtp.example.org"),
        ("DJANGO_CONN_MAX_AGE", "sixty"),
        ("DJANGO_HSTS_SECONDS", "-1"),
        ("VAPID_PUBLIC_KEY", "only-one-half"),
        ("SIGMD_MFA_KEYS", "not-a-fernet-key"),
        ("SIGMD_TRUSTED_PROXY_COUNT", "two"),
        ("SIGMD_CLINICIAN_IDLE_SECONDS", "5"),
    ],
)
def test_malformed_values_are_rejected_by_name(name, value):
    result = run_django(["check"], **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_production_requires_a_secret_key():
    result = run_django(["check"], DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="sigmd.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_requires_mfa_keys():
    without = {k: v for k, v in PRODUCTION.items() if k != "SIGMD_MFA_KEYS"}
    result = run_django(["check"], **without)
    assert result.returncode != 0
    assert "SIGMD_MFA_KEYS" in result.stderr


def test_production_settings_pass_check_deploy():
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
