"""The layering of the package, as the import-linter contracts in pyproject.toml state it.

The contracts run on the installed source; a second test copies the package, adds one import
the contracts forbid (the log importing a rule module) and checks that the linter rejects it,
so a contract that silently matches nothing cannot pass for a kept one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """Run ``lint-imports`` with ``project``'s pyproject.toml on ``project``'s pmcheck package."""
    env = {"PYTHONPATH": str(project), "PATH": str(LINT_IMPORTS.parent), "LC_ALL": "C.UTF-8", "COLUMNS": "300"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(project / "pyproject.toml"), "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "pmcheck", project / "pmcheck", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def test_the_import_contracts_are_kept(tmp_path: Path) -> None:
    done = lint_imports(copy_project(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("view/agenda.py", "from pmcheck.rules.action_overdue import check", "The log and the history judge through pmcheck.judgements"),
        ("history.py", "import pmcheck.rules", "The log and the history judge through pmcheck.judgements"),
        ("rules/action_overdue.py", "from pmcheck.rules.action_due_soon import CODE", "Rules never import each other"),
        ("judgements/closure.py", "import pmcheck.view", "Rules see the corpus and their context"),
        ("reporters/text.py", "from pmcheck.engine import run_check", "Reporters format a Result"),
        ("model.py", "import git", "GitPython is imported by one module only"),
        ("policy.py", "from pmcheck.rules import REGISTRY", "No import cycles"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path: Path, module: str, bad_import: str, contract: str) -> None:
    project = copy_project(tmp_path)
    target = project / "pmcheck" / module
    text = target.read_text(encoding="utf-8")
    # After the module docstring and the __future__ import, so the file stays valid Python.
    anchor = "from __future__ import annotations\n"
    assert anchor in text
    target.write_text(text.replace(anchor, f"{anchor}{bad_import}  # noqa\n", 1), encoding="utf-8")
    done = lint_imports(project)
    assert done.returncode == 1, done.stdout + done.stderr
    broken = [line for line in done.stdout.splitlines() if " BROKEN" in line]
    assert any(contract in line for line in broken), done.stdout
