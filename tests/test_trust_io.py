"""I/O faults end in one line and exit 2, Ctrl-C in exit 130 (issue 9, item 10; SPEC section 7).

The error boundary is ``cli.main``: a full or closed standard output, an encoding that cannot
show a character, a deleted working directory and dates outside 1900-9999 are exit 2 with one
line; Ctrl-C is exit 130 with at most one short line. An output on the command line that is a
device or a pipe is written to, never replaced by a regular file.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from tests.trustrepo import AS_OF, make_repo, pmcheck


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
