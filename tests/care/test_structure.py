"""The pipeline's shape, checked: pure clinical modules, one module that enqueues, no circle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STAGES = ["evaluation", "alerts", "notifications", "transports", "selectors", "thresholds", "rules"]


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ("." * node.level) + (node.module or "")
            found.add(base)
            found.update(
                f"{base}.{alias.name}" if node.module else f"{base}{alias.name}" for alias in node.names
            )
    return found


@pytest.mark.parametrize("module", ["diary/clinical.py", "diary/guidance.py", "care/rules.py"])
def test_the_clinical_facts_and_rules_are_pure(module):
    """No ORM and no clock: they are the same on the server, in tests and (as data) on the phone."""
    source = (ROOT / module).read_text()
    assert not any(name.startswith(("django", "rest_framework")) for name in imports(ROOT / module))
    assert "date.today(" not in source and "datetime.now(" not in source and "timezone.now(" not in source


@pytest.mark.parametrize("stage", STAGES)
def test_only_the_tasks_module_enqueues_and_no_stage_imports_it(stage):
    path = ROOT / "care" / f"{stage}.py"
    source = path.read_text()
    assert ".delay(" not in source and ".apply_async(" not in source
    assert not [name for name in imports(path) if "tasks" in name.split(".")]
