"""Run the pmcheck command line inside the test process, exactly as its entry point runs it.

``run_pmcheck`` calls :func:`pmcheck.cli.main` (the console script's function, with its error
boundary and exit codes) under click's ``CliRunner`` isolation: standard input is empty,
standard output and error are captured separately, the working directory and environment are
set for the call and restored afterwards. Starting a Python process costs about a third of a
second on a busy machine; most command-line tests only need the behaviour, not the process.
The few tests that depend on a real process (broken pipes, the console script, ``python -m``)
live in ``tests/test_cli_process.py``.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import click.formatting
import pytest
from click.testing import CliRunner

from pmcheck.cli import main

# Variables that change what a run prints; a test sets them explicitly when it wants them.
_CLEARED = ("GITHUB_ACTIONS", "NO_COLOR")
_CLEARED_PREFIXES = ("PMCHECK_",)
_SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGPIPE", None)) if s is not None)


class CliRun(NamedTuple):
    """Exit code and the two output streams of one run; unpacks as ``code, out, err``."""

    code: int
    stdout: str
    stderr: str

    @property
    def returncode(self) -> int:
        # The name subprocess.CompletedProcess uses, so a test reads the same either way.
        return self.code


def run_pmcheck(*args: str, cwd: str | Path | None = None, env: Mapping[str, str | None] | None = None) -> CliRun:
    """``pmcheck ARGS`` in ``cwd`` with ``env`` applied on top of the cleaned environment.

    A ``None`` value in ``env`` removes that variable for the run.
    """
    overrides: dict[str, str | None] = {
        name: None for name in os.environ if name in _CLEARED or name.startswith(_CLEARED_PREFIXES)
    }
    overrides.update(env or {})
    # main() tunes the garbage collector and the run may install signal handlers; both belong
    # to the process, so the test process gets its own back.
    thresholds = gc.get_threshold()
    handlers = {number: signal.getsignal(number) for number in _SIGNALS}
    previous = os.getcwd()
    code: int | str | None = 0
    runner = CliRunner()
    with runner.isolation(env=overrides) as (out, err, _):
        # The runner pins help to 80 columns; a real process asks the terminal (none: 80, or
        # $COLUMNS), and so does this one. The runner restores its own value on the way out.
        click.formatting.FORCED_WIDTH = None
        try:
            if cwd is not None:
                os.chdir(cwd)
            try:
                main(list(args))
            except SystemExit as exited:
                code = exited.code
        finally:
            for stream in (sys.stdout, sys.stderr):
                if not stream.closed:
                    stream.flush()
            os.chdir(previous)
            gc.set_threshold(*thresholds)
            for number, handler in handlers.items():
                if handler is not None:
                    signal.signal(number, handler)
        stdout = out.getvalue().decode(runner.charset)
        stderr = err.getvalue().decode(runner.charset, "backslashreplace")
    # sys.exit(None) is 0 and sys.exit("text") is 1, as for a real process.
    number = 0 if code is None else code if isinstance(code, int) else 1
    return CliRun(number, stdout, stderr)


def invoke(args: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``pmcheck ARGS`` through the entry point, its output read from pytest's ``capsys``
    (for tests that set the working directory and environment themselves)."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err
