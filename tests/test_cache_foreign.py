"""A `.pmcheck_cache/` folder that pmcheck did not make is left alone.

A repository may commit a folder of that name (by mistake, or to plant entries). Its own
`.gitignore` says it is not pmcheck's: a check must neither read it nor rewrite a tracked file
in it, so CI's work tree stays clean (a later `git commit -a` would otherwise commit the change).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import run_pmcheck
from tests.gitrepo import GitRepo

SAMPLE = Path(__file__).resolve().parent.parent / "sample-repo"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "repo")
    for path in (SAMPLE / "postmortems").iterdir():
        repo.write(f"postmortems/{path.name}", path.read_text())
    repo.write("people.yaml", (SAMPLE / "people.yaml").read_text())
    repo.write("pmcheck.yaml", (SAMPLE / "pmcheck.yaml").read_text())
    return repo


def test_a_committed_cache_folder_with_its_own_gitignore_is_not_used_or_touched(repo: GitRepo) -> None:
    repo.write(".pmcheck_cache/.gitignore", "notes\n")
    repo.write(".pmcheck_cache/notes", "kept by the team\n")
    repo.git("add", "-A", "-f")
    repo.git("commit", "-q", "-m", "commit a folder named like the cache")
    before = sorted(p.name for p in (repo.path / ".pmcheck_cache").iterdir())

    code, out, err = run_pmcheck("check", "--as-of", "2026-11-27", cwd=repo.path, env={"PMCHECK_CACHE_DIR": None})

    assert code == 1, err
    assert repo.git("status", "--porcelain") == ""
    assert sorted(p.name for p in (repo.path / ".pmcheck_cache").iterdir()) == before


def test_the_cache_folder_pmcheck_makes_ignores_itself(repo: GitRepo) -> None:
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "sample")
    code, _, err = run_pmcheck("check", "--as-of", "2026-11-27", cwd=repo.path, env={"PMCHECK_CACHE_DIR": None})
    assert code == 1, err
    assert (repo.path / ".pmcheck_cache" / ".gitignore").read_text().endswith("*\n")
    assert repo.git("status", "--porcelain") == ""


def test_discovery_never_lists_the_cache_folder(repo: GitRepo) -> None:
    # A glob as wide as `*/*` would otherwise read the cache's own files as postmortems.
    repo.write("pmcheck.yaml", 'postmortems: ["*/*.yaml", "*/.*"]\n')
    run_pmcheck("check", "--as-of", "2026-11-27", cwd=repo.path, env={"PMCHECK_CACHE_DIR": None})
    assert (repo.path / ".pmcheck_cache" / ".gitignore").is_file()
    (repo.path / ".pmcheck_cache" / "x.yaml").write_text("not: a postmortem\n")
    code, out, err = run_pmcheck("check", "--as-of", "2026-11-27", "--format", "json", cwd=repo.path, env={"PMCHECK_CACHE_DIR": None})
    assert code in (0, 1), err
    assert "postmortems/PM-2026-043.yaml" in out
    assert ".pmcheck_cache" not in out
