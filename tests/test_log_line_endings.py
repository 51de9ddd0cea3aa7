"""A log checked out with CRLF line endings (`core.autocrlf`, Git for Windows' default) says
the same as the one pmcheck wrote: `render --check` and the pre-commit flow call it current."""

from __future__ import annotations

import shutil
from pathlib import Path

from pmcheck.render import refresh_command
from tests.cli_runner import run_pmcheck

SAMPLE = Path(__file__).resolve().parent.parent / "sample-repo"
AS_OF = "2026-11-27"


def crlf_copy(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    code, _, err = run_pmcheck("render", str(root), "--as-of", AS_OF, "--no-cache")
    assert code == 0, err
    log = root / "RELIABILITY_LOG.md"
    log.write_bytes(log.read_bytes().replace(b"\n", b"\r\n"))
    return root


def test_render_check_calls_a_crlf_checkout_of_a_current_log_current(tmp_path: Path) -> None:
    root = crlf_copy(tmp_path)
    code, out, err = run_pmcheck("render", str(root), "--check", "--no-cache")
    assert (code, err) == (0, ""), out
    assert "is up to date" in out


def test_the_pre_commit_flow_leaves_a_crlf_checkout_of_a_current_log_alone(tmp_path: Path) -> None:
    root = crlf_copy(tmp_path)
    before = (root / "RELIABILITY_LOG.md").read_bytes()
    # The hook's second half: 0 means "current, nothing rewritten".
    assert refresh_command(str(root), None, None) == 0
    assert (root / "RELIABILITY_LOG.md").read_bytes() == before


def test_a_crlf_log_that_says_something_else_is_still_stale(tmp_path: Path) -> None:
    root = crlf_copy(tmp_path)
    log = root / "RELIABILITY_LOG.md"
    log.write_bytes(log.read_bytes().replace(b"Reliability operating log", b"Reliability log", 1))
    code, out, _ = run_pmcheck("render", str(root), "--check", "--no-cache")
    assert code == 1
    assert "PM904" in out
