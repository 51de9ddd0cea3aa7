"""The history walk gives git a literal folder and applies the ``postmortems:`` globs itself.

git's glob pathspec costs commits x files; the walk asks git for the globs' fixed folder and
filters the paths git reports with discovery's matcher. The commits and files must be exactly
those a glob pathspec gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pmcheck import git as pmgit
from tests.gitrepo import GitRepo, git_env

GLOB = "postmortems/*.yaml"


@pytest.fixture(autouse=True)
def clean_git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in git_env().items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)


def walk(root: Path, patterns: tuple[str, ...]) -> list[tuple[str, list[tuple[str, str | None, str | None]]]]:
    reader = pmgit.open_history(root)
    assert reader is not None
    with reader:
        return [(c.sha, [(f.status, f.old_path, f.new_path) for f in c.files]) for c in reader.commits(patterns)]


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "repo", {"pmcheck.yaml": "{}\n", "postmortems/PM-1.yaml": "id: PM-1\n"})
    repo.commit("Add PM-1", date="2026-06-01T10:00:00+00:00")
    repo.write("postmortems/notes.txt", "not a postmortem\n")
    repo.write("postmortems/drafts/PM-9.yaml", "id: PM-9\n")
    repo.commit("Add notes and a draft", date="2026-06-02T10:00:00+00:00")
    repo.write("postmortems/PM-1.yaml", "id: PM-1\ntitle: one\n")
    repo.write("postmortems/notes.txt", "still not a postmortem\n")
    repo.commit("Edit PM-1 and the notes", date="2026-06-03T10:00:00+00:00")
    repo.write("postmortems/PM-2.yaml", "id: PM-2\ntitle: a postmortem long enough to be recognised when moved\n")
    repo.commit("Add PM-2", date="2026-06-04T10:00:00+00:00")
    repo.move("postmortems/PM-2.yaml", "postmortems/drafts/PM-2.yaml")
    repo.commit("Move PM-2 to the drafts", date="2026-06-05T10:00:00+00:00")
    return repo


def test_files_under_the_folder_that_the_glob_does_not_match_are_left_out(repo: GitRepo) -> None:
    commits = walk(repo.path, (GLOB,))
    assert [files for _, files in commits] == [
        # A rename out of the glob is, under the glob, the file's deletion.
        [("D", "postmortems/PM-2.yaml", None)],
        [("A", None, "postmortems/PM-2.yaml")],
        [("M", "postmortems/PM-1.yaml", "postmortems/PM-1.yaml")],
        [("A", None, "postmortems/PM-1.yaml")],
    ]


@pytest.mark.parametrize("patterns", [(GLOB,), ("postmortems/**/*.yaml",), ("*/*.txt", GLOB), ("**/*.yaml",)])
def test_the_commits_are_those_of_a_glob_pathspec(repo: GitRepo, patterns: tuple[str, ...]) -> None:
    expected = repo.git("log", "--no-merges", "--format=%H", "--", *(f":(glob){p}" for p in patterns)).split()
    assert [sha for sha, _ in walk(repo.path, patterns)] == expected


def test_git_is_given_the_literal_folder_not_the_glob(repo: GitRepo) -> None:
    reader = pmgit.open_history(repo.path)
    assert reader is not None
    with reader:
        assert reader._pathspec("postmortems/**/*.yaml") == ":(top,literal)postmortems"
        assert reader._pathspec("*/PM-*.yaml") == ":(top)"
