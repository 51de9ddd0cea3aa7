"""Git faults are exit 2 with git's own reason, never a silent empty history (issue 9, item 9).

Real repositories built with ``tests/gitrepo.py``: a corrupt object (a loose object file
overwritten), a repository git refuses to trust (owned by another user: ``safe.directory``,
common in CI containers), history that cannot be read for a benign reason (not a repository,
a shallow clone), and postmortems in a submodule, which the superproject cannot diff.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from pmcheck.errors import GitError
from pmcheck.git import git_failure
from tests.gitrepo import GitRepo
from tests.trustrepo import AS_OF, ROSTER, clean_env, make_repo, one_line_error, pmcheck, postmortem

PM = "postmortems/PM-2026-001.yaml"
# No global or system configuration: a safe.directory there would hide the refusal.
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def env(**extra: str) -> dict[str, str]:
    return clean_env(**GIT_ENV, **extra)


def moved_due(tmp_path: Path) -> GitRepo:
    """Two commits: a postmortem, then an unrecorded move of its action's due date."""
    repo = GitRepo.init(tmp_path / "repo")
    make_repo(repo.path)
    repo.commit("add", date="2026-06-01T12:00:00+00:00")
    repo.replace(PM, "due: 2026-07-15", "due: 2026-07-29")
    repo.commit("move", date="2026-06-05T12:00:00+00:00")
    return repo


def corrupt(repo: GitRepo, revision: str) -> str:
    """Overwrite the loose object of ``revision``'s postmortem blob; its id."""
    blob = repo.git("rev-parse", f"{revision}:{PM}").strip()
    path = repo.path / ".git" / "objects" / blob[:2] / blob[2:]
    path.chmod(0o644)
    path.write_bytes(b"x\x9c not zlib at all")
    return blob


def test_history_over_a_corrupt_blob_is_exit_2_with_gits_reason(tmp_path: Path) -> None:
    repo = moved_due(tmp_path)
    # Uncached: a summary kept by blob id would spare history reading the blob at all.
    healthy = pmcheck("history", "--no-cache", cwd=repo.path, env=env())
    assert healthy.returncode == 0 and b"1 change (1 unrecorded)" in healthy.stdout
    blob = corrupt(repo, "HEAD")
    for command in (("history",), ("history", "--format", "json"), ("render", "--as-of", AS_OF), ("render", "--check")):
        line = one_line_error(pmcheck(*command, cwd=repo.path, env=env()))
        assert line.startswith(f"pmcheck: error: reading git object {blob}: git failed: "), line
        assert "inflate" in line or "corrupt" in line, line
    assert not (repo.path / "RELIABILITY_LOG.md").exists()


def test_changed_since_over_a_corrupt_base_blob_is_exit_2(tmp_path: Path) -> None:
    repo = moved_due(tmp_path)
    assert pmcheck("check", "--changed-since", "HEAD~1", "--as-of", AS_OF, cwd=repo.path, env=env()).returncode == 1
    blob = corrupt(repo, "HEAD~1")
    line = one_line_error(pmcheck("check", "--changed-since", "HEAD~1", "--as-of", AS_OF, cwd=repo.path, env=env()))
    assert line.startswith(f"pmcheck: error: reading git object {blob}: git failed: "), line


def refuse(repo: GitRepo) -> dict[str, str]:
    """Make git refuse the repository as owned by someone else; the environment to run in."""
    if os.geteuid() == 0:
        # Root is not exempt from the ownership check (git >= 2.35.2).
        for folder, dirs, files in os.walk(repo.path):
            for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                os.lchown(name, 12345, 12345)
        return env()
    return env(GIT_TEST_ASSUME_DIFFERENT_OWNER="1")


@pytest.mark.parametrize(
    ("command", "what"),
    [
        (("history",), "reading the history"),
        (("render", "--as-of", AS_OF), "reading the history"),
        (("check", "--changed-since", "HEAD~1", "--as-of", AS_OF), "--changed-since HEAD~1"),
        (("check", PM, "--as-of", AS_OF), "comparing with HEAD"),
    ],
)
def test_a_repository_git_refuses_is_exit_2_with_the_fix(tmp_path: Path, command: tuple[str, ...], what: str) -> None:
    repo = moved_due(tmp_path)
    run_env = refuse(repo)
    line = one_line_error(pmcheck(*command, cwd=repo.path, env=run_env))
    top = os.path.realpath(repo.path)
    assert line == (
        f"pmcheck: error: {what}: git failed: detected dubious ownership in repository at '{top}'; "
        f"if you trust this repository, run `git config --global --add safe.directory {top}`"
    )
    assert "HEAD has no commit" not in line


def test_git_failure_keeps_one_clean_line() -> None:
    error = git_failure("reading the history", "fatal: bad \x1b[31mobject\nsecond line\n")
    assert isinstance(error, GitError)
    assert str(error) == "reading the history: git failed: bad \\x1b[31mobject"


def test_render_outside_git_says_so_in_the_log(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    done = pmcheck("render", "--as-of", AS_OF, cwd=root, env=env(GIT_CEILING_DIRECTORIES=str(tmp_path)))
    assert done.returncode == 0, done.stderr
    log = (root / "RELIABILITY_LOG.md").read_text()
    assert "git history unavailable (not a git repository)" in log
    assert pmcheck("render", "--check", cwd=root, env=env(GIT_CEILING_DIRECTORIES=str(tmp_path))).returncode == 0


def test_render_of_a_shallow_clone_says_so_in_the_log(tmp_path: Path) -> None:
    repo = moved_due(tmp_path)
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)],
        check=True, env=env(), capture_output=True,
    )
    done = pmcheck("render", "--as-of", AS_OF, cwd=clone, env=env())
    assert done.returncode == 0, done.stderr
    assert "git history unavailable (shallow clone)" in (clone / "RELIABILITY_LOG.md").read_text()


def with_submodule(tmp_path: Path) -> GitRepo:
    """A superproject whose postmortems/ is a submodule; on branch `change` an edit inside it
    drops an action's owner (PM101)."""
    pms = GitRepo.init(tmp_path / "pms")
    pms.write("PM-2026-001.yaml", postmortem(1))
    pms.commit("postmortem")
    sup = GitRepo.init(tmp_path / "super")
    sup.write("pmcheck.yaml", "{}\n")
    sup.write("people.yaml", ROSTER)
    sup.commit("configuration")
    sup.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(pms.path), "postmortems")
    sup.commit("postmortems as a submodule")
    sup.branch("change")
    inner = GitRepo(sup.path / "postmortems")
    inner.replace("PM-2026-001.yaml", "    owner: alice.ng\n", "")
    inner.commit("drop the owner")
    sup.commit("update postmortems")
    return sup


def test_pull_request_mode_checks_postmortems_in_a_submodule_as_changed(tmp_path: Path) -> None:
    sup = with_submodule(tmp_path)
    done = pmcheck("check", "--changed-since", "main", "--as-of", AS_OF, cwd=sup.path, env=env())
    out = done.stdout.decode()
    assert done.returncode == 1, (out, done.stderr)
    assert "PM101 action-without-owner" in out
    assert (
        "note: postmortems/ is a git submodule or nested repository, which git cannot compare from here: "
        "its 1 postmortem file is checked as changed"
    ) in out


def test_history_of_postmortems_in_a_submodule_is_not_an_empty_history(tmp_path: Path) -> None:
    sup = with_submodule(tmp_path)
    line = one_line_error(pmcheck("history", cwd=sup.path, env=env()))
    assert line == (
        "pmcheck: error: history unavailable: postmortems/ is a git submodule or nested repository; "
        "run `pmcheck history` in that repository"
    )
    done = pmcheck("render", "--as-of", AS_OF, cwd=sup.path, env=env())
    assert done.returncode == 0, done.stderr
    log = (sup.path / "RELIABILITY_LOG.md").read_text()
    assert "git history unavailable (postmortems/ is a git submodule or nested repository)" in log
