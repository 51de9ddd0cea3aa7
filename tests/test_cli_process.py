"""Smoke tests of the real process: ``python -m pmcheck`` and the installed console script.

The other command-line tests run ``pmcheck.cli.main`` in the test process
(``tests/cli_runner.py``); these check that a real process gives the same exit code and the
same bytes, and cover what only a process has: the interpreter start, a closed pipe.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pmcheck import __version__
from tests.cli_runner import run_pmcheck

TESTS = Path(__file__).resolve().parent
BASE = (TESTS / "rules" / "example_base.yaml").read_text()
ROSTER = (TESTS / "data" / "people.yaml").read_text()
AS_OF = "2026-06-15"


def process(*args: str, cwd: Path, command: tuple[str, ...] = (sys.executable, "-m", "pmcheck")) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR") and not k.startswith("PMCHECK_")}
    return subprocess.run(
        [*command, *args], cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120, check=False
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """One healthy postmortem and one whose action has no owner (PM101)."""
    root = tmp_path / "repo"
    (root / "postmortems").mkdir(parents=True)
    (root / "pmcheck.yaml").write_text("{}\n")
    (root / "people.yaml").write_text(ROSTER)
    (root / "postmortems" / "PM-2026-001.yaml").write_text(BASE)
    ownerless = BASE.replace("PM-2026-001", "PM-2026-002").replace("    owner: alice.ng\n", "")
    (root / "postmortems" / "PM-2026-002.yaml").write_text(ownerless)
    return root


def test_python_dash_m_prints_the_version(tmp_path: Path) -> None:
    done = process("--version", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"pmcheck, version {__version__}\n", "")


def test_the_console_script_is_the_same_entry_point(repo: Path) -> None:
    script = Path(sys.executable).parent / "pmcheck"
    assert script.is_file(), "the test environment installs pmcheck with its console script"
    by_script = process("check", "--as-of", AS_OF, cwd=repo, command=(str(script),))
    by_module = process("check", "--as-of", AS_OF, cwd=repo)
    assert (by_script.returncode, by_script.stdout, by_script.stderr) == (by_module.returncode, by_module.stdout, by_module.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--as-of", AS_OF),
        ("check", "--as-of", AS_OF, "--format", "json"),
        ("check", "--as-of", AS_OF, "--statistics", "--format", "json"),
        ("check", "--select", "PM777"),
        ("check", "--as-of", "2026-02-30"),
        ("no-such-command",),
        ("render", "--stdout", "--as-of", AS_OF),
        ("check", "--help"),
    ],
    ids=["text", "json", "statistics-on-stderr", "bad-code", "bad-date", "bad-command", "render", "help"],
)
def test_the_in_process_runner_gives_what_the_process_gives(repo: Path, args: tuple[str, ...]) -> None:
    real = process(*args, cwd=repo)
    in_process = run_pmcheck(*args, cwd=repo)
    assert (in_process.code, in_process.stdout, in_process.stderr) == (real.returncode, real.stdout, real.stderr)
    assert real.returncode in (0, 1, 2) and "Traceback" not in real.stderr


def test_check_fails_on_an_ownerless_action(repo: Path) -> None:
    done = process("check", "--as-of", AS_OF, cwd=repo)
    assert (done.returncode, done.stderr) == (1, "")
    assert "PM101 action-without-owner" in done.stdout
    assert "postmortems/PM-2026-002.yaml" in done.stdout and "postmortems/PM-2026-001.yaml" not in done.stdout


def test_render_writes_the_log_and_then_finds_it_current(repo: Path) -> None:
    written = process("render", "--as-of", AS_OF, cwd=repo)
    assert (written.returncode, written.stderr) == (0, ""), written.stderr
    log = repo / "RELIABILITY_LOG.md"
    assert log.is_file() and "PM-2026-001" in log.read_text(encoding="utf-8")
    checked = process("render", "--check", cwd=repo)
    assert (checked.returncode, checked.stderr) == (0, ""), checked.stdout + checked.stderr


@pytest.mark.parametrize("args", [("rules",), ("check", "--as-of", AS_OF)], ids=["rules", "check"])
def test_a_closed_pipe_ends_the_run_quietly(repo: Path, args: tuple[str, ...]) -> None:
    # The reader is gone before pmcheck writes (as with `pmcheck rules | head -0`): no
    # traceback and no "Exception ignored" noise, and the run does not claim success.
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pmcheck", *args],
        cwd=repo, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    assert proc.wait(timeout=120) == 1
    assert stderr == ""
