"""I/O faults end in one line and exit 2, Ctrl-C in exit 130 (issue 9, item 10; SPEC section 7).

The error boundary is ``cli.main``: a full or closed standard output, an encoding that cannot
show a character, a deleted working directory and dates outside 1900-9999 are exit 2 with one
line; Ctrl-C is exit 130 with at most one short line. An output on the command line that is a
device or a pipe is written to, never replaced by a regular file.
"""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pmcheck.history import ProgressBar, progress_bar
from tests.gitrepo import GitRepo
from tests.trustrepo import AS_OF, clean_env, make_repo, one_line_error, pmcheck, postmortem


def test_an_output_that_is_a_named_pipe_is_written_not_replaced(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    done = pmcheck("check", "--as-of", AS_OF, "--format", "json", "--output", str(fifo), cwd=root)
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and got[0].startswith(b"{")


def test_a_full_standard_output_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    for args in (("check", "--as-of", AS_OF), ("render", "--stdout", "--as-of", AS_OF), ("rules",)):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "pmcheck", *args], cwd=root, env=clean_env(), stdin=subprocess.DEVNULL,
                stdout=full, stderr=subprocess.PIPE, timeout=120,
            )
        assert (done.returncode, done.stderr.decode()) == (2, "pmcheck: error: cannot write the output: No space left on device\n"), args
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_full_output_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    for option in ("--output=/dev/full", "--report=json=/dev/full"):
        line = one_line_error(pmcheck("check", "--as-of", AS_OF, option, cwd=root))
        assert line == "pmcheck: error: cannot write /dev/full: No space left on device"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_closed_standard_output_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    done = subprocess.run(
        [sys.executable, "-m", "pmcheck", "check", "--as-of", AS_OF], cwd=root, env=clean_env(),
        stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert (done.returncode, done.stderr.decode()) == (2, "pmcheck: error: cannot write the output: standard output is closed\n")


def test_an_encoding_that_cannot_show_a_character_gets_escapes(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"postmortems/PM-2026-001\u20ac\u00e9.yaml": postmortem(1)})
    for encoding in ("ascii", "latin-1", "cp1252"):
        done = pmcheck("check", "--as-of", AS_OF, cwd=root, env=clean_env(PYTHONIOENCODING=encoding))
        assert done.returncode == 1, done.stderr
        assert done.stderr == b""
        first = done.stdout.decode("latin-1").splitlines()[0]
        assert first.startswith("postmortems/PM-2026-001"), first
        assert "PM004" in first
    done = pmcheck("check", "--as-of", AS_OF, cwd=root, env=clean_env(PYTHONIOENCODING="latin-1"))
    assert "\\u20ac" in done.stdout.decode("latin-1") or "\u20ac".encode() in done.stdout


def test_a_deleted_working_directory_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    gone = tmp_path / "gone"
    gone.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "pmcheck", "--repo", str(root), "check", "--as-of", AS_OF],
        cwd=gone, env=clean_env(), capture_output=True, stdin=subprocess.DEVNULL, timeout=120,
        preexec_fn=lambda: os.rmdir(gone),
    )
    assert one_line_error(done) == "pmcheck: error: the current directory no longer exists; change to one that does"


# A hook that makes the command busy at a known point: it marks that it got there, then waits.
BUSY = '''
import os, time
import pmcheck.engine, pmcheck.history

def busy(*args, **kwargs):
    open(os.environ["PMCHECK_TEST_READY"], "w").close()
    time.sleep(120)

pmcheck.engine.run_check = busy
pmcheck.history.load_history = busy
'''


@pytest.mark.parametrize("command", [("check", "--as-of", AS_OF), ("history",)])
def test_ctrl_c_exits_130_with_at_most_one_short_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    make_repo(repo.path)
    repo.commit("postmortems")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(BUSY)
    ready = tmp_path / "ready"
    env = clean_env(PYTHONPATH=os.pathsep.join([str(hooks), *sys.path]), PMCHECK_TEST_READY=str(ready))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pmcheck", *command], cwd=repo.path, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert out == b""
    assert err == b"pmcheck: interrupted\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_history_progress_bar_needs_a_capable_terminal() -> None:
    # Item 15: TERM=dumb got `ESC[K`. No bar there, nor without TERM or a terminal.
    assert progress_bar(_Terminal(), {"TERM": "dumb"}) is None
    assert progress_bar(_Terminal(), {}) is None
    assert progress_bar(io.StringIO(), {"TERM": "xterm-256color"}) is None
    stream = _Terminal()
    bar = progress_bar(stream, {"TERM": "xterm-256color"})
    assert isinstance(bar, ProgressBar)
    shown = ProgressBar(stream, delay=0)
    shown(5, 10)
    shown(10, 10)
    assert stream.getvalue().endswith("\r\x1b[K")
