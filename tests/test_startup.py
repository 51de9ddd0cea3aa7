"""Start-up cost: the heavy libraries are imported only by the commands that use them.

jsonschema, GitPython and Jinja each cost tens of milliseconds to import, paid on every
pre-commit run. ``--version``, ``rules`` and ``explain`` need none of them, and a check of valid
files needs no jsonschema (the compiled fast path answers). Only a fresh interpreter shows what
a command imports, so each case runs in a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("jsonschema", "git", "jinja2")

# Runs the real entry point, then reports which of the heavy modules it imported.
_PROBE = """
import json, sys
from pmcheck.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("\\nIMPORTED " + json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)) + "\\n")
"""


def imported(*args: str, cwd: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMCHECK_") and k != "GITHUB_ACTIONS"}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY), *args],
        cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120, check=False,
    )
    [line] = [line for line in done.stderr.splitlines() if line.startswith("IMPORTED ")]
    modules: list[str] = json.loads(line.removeprefix("IMPORTED "))
    return modules


@pytest.fixture
def valid_repo(tmp_path: Path) -> Path:
    # A copy outside any git work tree: a check with no paths asks git nothing.
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "sample-repo", repo)
    return repo


@pytest.mark.parametrize("args", [("--version",), ("rules",), ("explain", "PM101")], ids=lambda a: a[0])
def test_informational_commands_import_no_heavy_library(args: tuple[str, ...], tmp_path: Path) -> None:
    assert imported(*args, cwd=tmp_path) == []


def test_a_check_of_valid_files_imports_no_heavy_library(valid_repo: Path) -> None:
    assert imported("check", "--as-of", "2026-11-27", "--no-cache", cwd=valid_repo) == []


def test_a_refused_document_still_gets_jsonschema_messages(valid_repo: Path) -> None:
    # The other side of the lazy import: the first refused document brings jsonschema in.
    target = next((valid_repo / "postmortems").glob("*.yaml"))
    target.write_text(target.read_text(encoding="utf-8") + "no_such_key: 1\n", encoding="utf-8")
    assert imported("check", "--as-of", "2026-11-27", "--no-cache", cwd=valid_repo) == ["jsonschema"]
