"""--output and --report to a device or a pipe write into it and leave it a device or a pipe."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from tests.cli_runner import run_pmcheck

TESTS = Path(__file__).resolve().parent
BASE = (TESTS / "rules" / "example_base.yaml").read_text()
ROSTER = (TESTS / "data" / "people.yaml").read_text()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "postmortems").mkdir(parents=True)
    (root / "pmcheck.yaml").write_text("{}\n")
    (root / "people.yaml").write_text(ROSTER)
    (root / "postmortems" / "PM-2026-001.yaml").write_text(BASE.replace("    owner: alice.ng\n", ""))
    return root


def test_output_to_dev_null_leaves_it_a_device(repo: Path) -> None:
    done = run_pmcheck("check", "--as-of", "2026-06-15", "--output", os.devnull, "--report", f"json={os.devnull}", cwd=repo)
    assert (done.code, done.stdout, done.stderr) == (1, "", "")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert os.path.getsize(os.devnull) == 0


def test_output_to_a_named_pipe_reaches_its_reader(repo: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    # A daemon: if the pipe were replaced, the reader would wait for a writer forever.
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    done = run_pmcheck("check", "--as-of", "2026-06-15", "--output", str(fifo), cwd=repo)
    reader.join(timeout=30)
    assert (done.code, done.stdout, done.stderr) == (1, "", "")
    assert received and "PM101 action-without-owner" in received[0]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_link_to_a_device_inside_the_repository_is_replaced_not_followed(repo: Path) -> None:
    link = repo / "pmcheck.sarif"
    os.symlink(os.devnull, link)
    done = run_pmcheck("check", "--as-of", "2026-06-15", "--report", "sarif=pmcheck.sarif", cwd=repo)
    assert done.code == 1
    assert link.is_file() and not link.is_symlink()
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
