"""Repositories and runs for the trust tests (SPEC section 11): hostile inputs and faults.

``make_repo`` writes a repository from the healthy example postmortem, ``pmcheck`` runs the
real entry point (``python -m pmcheck``) in it and returns exit code, stdout and stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

TESTS = Path(__file__).resolve().parent
BASE = (TESTS / "rules" / "example_base.yaml").read_text()
ROSTER = (TESTS / "data" / "people.yaml").read_text()
AS_OF = "2026-06-15"


def postmortem(number: int, *edits: tuple[str, str]) -> str:
    """The healthy base postmortem as PM-2026-<number>, with ``edits`` (old, new) applied once each."""
    text = BASE.replace("PM-2026-001", f"PM-2026-{number:03d}")
    text = text.replace("services: [support-api]", f"services: [service-{number}]")
    text = text.replace("workflow: support-assistant", f"workflow: flow-{number}")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def make_repo(root: Path, files: Mapping[str, str] | None = None, policy: str = "{}\n") -> Path:
    """A repository at ``root``: the policy, the test roster and ``files`` (default: one healthy postmortem)."""
    (root / "postmortems").mkdir(parents=True, exist_ok=True)
    (root / "pmcheck.yaml").write_text(policy)
    (root / "people.yaml").write_text(ROSTER)
    for rel, text in (files if files is not None else {"postmortems/PM-2026-001.yaml": postmortem(1)}).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "PMCHECK_CONFIG")}
    env.update(extra)
    return env


def pmcheck(
    *args: str | bytes,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[bytes]:
    """``python -m pmcheck ARGS`` in ``cwd``; output as bytes (file names may not be UTF-8)."""
    return subprocess.run(
        [sys.executable, "-m", "pmcheck", *args],
        cwd=cwd,
        env=dict(env) if env is not None else clean_env(),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def one_line_error(done: subprocess.CompletedProcess[bytes]) -> str:
    """The single stderr line of an exit-2 run (asserting that it is one line and no traceback)."""
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, (done.returncode, err)
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def invoke(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The same run as ``pmcheck`` but in this process (through ``cli.main``, the error
    boundary), for tests that make many runs; stdout and stderr as UTF-8 bytes."""
    import contextlib
    import io

    from pmcheck.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else 0
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(list(args), code, out.getvalue().encode(), err.getvalue().encode())


def measured(*args: str, cwd: Path, timeout: float = 120) -> tuple[int, int, int, float]:
    """Run ``python -m pmcheck ARGS``; (exit code, stdout bytes, peak RSS in KiB, CPU seconds)
    of that one process (wait4), counting stdout without keeping it."""
    import threading

    proc = subprocess.Popen(
        [sys.executable, "-m", "pmcheck", *args],
        cwd=cwd,
        env=clean_env(NO_COLOR="1"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    size = [0]

    def count() -> None:
        assert proc.stdout is not None
        while chunk := proc.stdout.read(1 << 16):
            size[0] += len(chunk)

    reader = threading.Thread(target=count)
    reader.start()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join(timeout=30)
    proc.stdout.close()
    return proc.returncode, size[0], usage.ru_maxrss, usage.ru_utime + usage.ru_stime
