"""allauth's internals are reached from one module only, so an upgrade is checked in one file."""

import ast
from pathlib import Path

from django.conf import settings

ALLOWED = Path("accounts/mfa.py")
SKIPPED_DIRS = {".venv", "node_modules", ".git", "var", "staticfiles", "__pycache__"}


def is_private(module: str) -> bool:
    """allauth.<app>.internal..., allauth.core..., a _private module, or the stage machinery."""
    parts = module.split(".")
    return parts[0] == "allauth" and (
        "internal" in parts
        or "stages" in parts
        or parts[1:2] == ["core"]
        or any(p.startswith("_") for p in parts)
    )


def private_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if is_private(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            found += [m for m in modules if is_private(m)][:1]
    return found


def python_files() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return [
        path.relative_to(root)
        for path in root.rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(root).parts)
    ]


def test_the_check_recognises_private_imports():
    assert private_imports("from allauth.mfa.totp.internal.auth import TOTP") == [
        "allauth.mfa.totp.internal.auth"
    ]
    assert private_imports("import allauth.account.internal.flows.login") == [
        "allauth.account.internal.flows.login"
    ]
    assert private_imports("from allauth.mfa.totp import internal") == ["allauth.mfa.totp.internal"]
    assert private_imports("from allauth.account.stages import LoginStage") == ["allauth.account.stages"]
    assert private_imports("from allauth.core.internal.httpkit import x") == ["allauth.core.internal.httpkit"]
    assert private_imports("from allauth.account.forms import LoginForm") == []
    assert private_imports("from allauth.mfa.models import Authenticator") == []


def test_only_accounts_mfa_imports_allauth_internals():
    files = python_files()
    assert ALLOWED in files and Path("care/clinic/signin.py") in files  # the walk saw the tree
    offenders = {
        str(path): imports
        for path in files
        if path != ALLOWED and (imports := private_imports((settings.BASE_DIR / path).read_text()))
    }
    assert offenders == {}
    assert private_imports((settings.BASE_DIR / ALLOWED).read_text()), "accounts/mfa.py is where they live"
