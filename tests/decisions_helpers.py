"""Shared by the decision-command tests: run pmcheck in-process, copy fixture repositories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pmcheck.cli import main

TESTS = Path(__file__).resolve().parent
FIXTURE = TESTS / "data" / "decisions"
SAMPLE = TESTS.parent / "sample-repo"
MIXED = "postmortems/PM-2026-101.yaml"
AS_OF = "2026-06-15"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``pmcheck ARGS`` through the real entry point: (exit code, stdout, stderr)."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 0), out, err


def copy_fixture(tmp_path: Path, source: Path = FIXTURE) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(source, root)
    return root
