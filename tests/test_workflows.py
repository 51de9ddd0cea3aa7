"""action.yml and the workflows: valid against GitHub's schemas, clean under zizmor, hardened.

All tools run offline: check-jsonschema uses its vendored schemas, zizmor runs with --offline.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml")) + sorted((ROOT / "docs" / "examples").glob("*.yml"))
SCAFFOLD_WORKFLOW = ROOT / "pmcheck" / "templates" / "scaffold" / "workflow.yml"
ALL_WORKFLOWS = [*WORKFLOWS, SCAFFOLD_WORKFLOW]
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is a test dependency: pip install -e '.[test]'"
    return found


def _names(paths: list[Path]) -> list[str]:
    return [p.relative_to(ROOT).as_posix() for p in paths]


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_expected_workflows_exist() -> None:
    assert _names(WORKFLOWS) == [
        ".github/workflows/ci.yml",
        "docs/examples/pmcheck-daily.yml",
        "docs/examples/pmcheck-pr.yml",
        "docs/examples/pmcheck-sarif.yml",
    ]


@pytest.mark.slow
def test_action_validates_against_the_github_actions_schema() -> None:
    proc = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_names(ALL_WORKFLOWS))
def test_workflow_validates_against_the_github_workflows_schema(path: Path) -> None:
    proc = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_zizmor_finds_nothing() -> None:
    paths = [str(ACTION), *map(str, ALL_WORKFLOWS)]
    proc = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", *paths], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout


def _steps(document: Any) -> list[dict[str, Any]]:
    if "runs" in document:
        return list(document["runs"]["steps"])
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("path", [ACTION, *ALL_WORKFLOWS], ids=_names([ACTION, *ALL_WORKFLOWS]))
def test_no_expression_inside_a_script_and_every_action_pinned(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for step in _steps(load(path)):
        # Inputs and contexts reach scripts through env only: `${{ }}` in `run:` is injection.
        assert "${{" not in step.get("run", ""), step.get("name")
        uses = step.get("uses")
        if uses is not None and not uses.startswith("./"):
            line = next(line for line in text.splitlines() if f"uses: {uses}" in line)
            assert PINNED.match(line.split("uses: ", 1)[1].strip()), line
        if uses is not None and uses.startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_workflow_permissions_are_least_privilege() -> None:
    docs = {p.name: load(p) for p in WORKFLOWS}
    assert docs["ci.yml"]["permissions"] == {"contents": "read"}
    assert docs["pmcheck-pr.yml"]["permissions"] == {"contents": "read"}
    assert docs["pmcheck-daily.yml"]["permissions"] == {}
    assert docs["pmcheck-daily.yml"]["jobs"]["log"]["permissions"] == {"contents": "write"}
    assert docs["pmcheck-sarif.yml"]["permissions"] == {}
    assert docs["pmcheck-sarif.yml"]["jobs"]["sarif"]["permissions"] == {"contents": "read", "security-events": "write"}
    # Pull-request mode needs the merge base: a full clone.
    checkout = _steps(docs["pmcheck-pr.yml"])[0]
    assert checkout["with"]["fetch-depth"] == 0
    ci_setup = [s for s in _steps(docs["ci.yml"]) if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert ci_setup and all(s["with"]["python-version"] == "3.11" for s in ci_setup)
    # The daily job runs on a schedule.
    assert docs["pmcheck-daily.yml"][True]["schedule"]  # YAML 1.1 reads the `on` key as true


def test_action_inputs_and_outputs() -> None:
    action = load(ACTION)
    assert set(action["inputs"]) == {"working-directory", "fail-on", "as-of", "sarif-file", "check-log", "python"}
    assert set(action["outputs"]) == {"errors", "sarif"}
    assert action["runs"]["using"] == "composite"
    assert all(step["shell"] == "bash" for step in action["runs"]["steps"])
