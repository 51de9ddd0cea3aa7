"""Every golden file that comes from checking or rendering a repository is produced byte for
byte by an uncached run, a cold run (which fills the cache) and a warm one (which reads it)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pmcheck.engine import load_context
from pmcheck.render import build_log, load_log_history
from tests.gitrepo import GitRepo
from tests.test_cache import AS_OF, TESTS, outputs
from tests.test_render import GOLDEN, SAMPLE_AS_OF, hostile_documents
from tests.test_view import make_repo

SAMPLE = TESTS.parent / "sample-repo"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setenv("PMCHECK_CACHE_DIR", str(tmp_path / "results"))


def _three_ways(produce: Callable[[bool], str]) -> list[str]:
    """Uncached, cold and warm output of ``produce(use_cache)``."""
    return [produce(False), produce(True), produce(True)]


def test_the_sample_log_golden(tmp_path: Path) -> None:
    copy = Path(shutil.copytree(SAMPLE, tmp_path / "sample"))
    repo = GitRepo.init(copy)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "sample repository")
    root, policy = load_context(str(copy), None, None)
    history = load_log_history(root, policy)
    expected = (SAMPLE / "RELIABILITY_LOG.md").read_text(encoding="utf-8")
    made = _three_ways(lambda cached: build_log(root, policy, SAMPLE_AS_OF, history, use_cache=cached))
    assert made == [expected] * 3


def test_the_hostile_log_golden(tmp_path: Path) -> None:
    root, policy = load_context(str(make_repo(tmp_path / "hostile", hostile_documents())), None, None)
    expected = (GOLDEN / "hostile.md").read_text(encoding="utf-8")
    assert _three_ways(lambda cached: build_log(root, policy, AS_OF, None, use_cache=cached)) == [expected] * 3


@pytest.mark.parametrize("name", ["broken", "fixed"])
def test_the_must_show_repositories(name: str, tmp_path: Path) -> None:
    root = Path(shutil.copytree(TESTS / "partial" / name, tmp_path / name))
    made = [outputs(root, use_cache=False), outputs(root), outputs(root)]
    assert made[0] == made[1] == made[2]
