"""pmcheck.git: what pull-request and pre-commit modes learn from git, and what never reaches argv."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmcheck import git
from pmcheck.errors import GitError, UsageError
from pmcheck.loader import load_file
from tests.gitrepo import GitRepo, git_env
from tests.test_pr_mode import BASE, OVERDUE, PM, other_postmortem

FILES = [PM, "postmortems/PM-2026-002.yaml", "postmortems/2026/PM-2026-001.yaml"]


def now(root: Path, files: list[str]) -> dict[str, object]:
    """What the check hands git: each file's plain data as loaded (None when it does not load)."""
    out: dict[str, object] = {}
    for path in files:
        loaded = load_file(root, path) if (root / path).is_file() else None
        out[path] = loaded.data if loaded is not None and loaded.ok else None
    return out


@pytest.fixture(autouse=True)
def clean_git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in git_env().items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "repo", {"pmcheck.yaml": "{}\n", PM: BASE + OVERDUE})
    repo.commit("Add PM-2026-001", date="2026-06-02T10:00:00+00:00")
    repo.branch("feature")
    return repo


@pytest.mark.parametrize(
    "ref", ["", "-", "--output=x", "-ox", " main", "main ", "main\n", "ma\x00in", "ma\x1bin", "ma\x7fin"]
)
def test_refs_that_could_be_options_or_tricks_are_refused(ref: str) -> None:
    with pytest.raises(UsageError, match="not a valid git revision"):
        git.check_ref(ref)


@pytest.mark.parametrize("ref", ["main", "origin/main", "HEAD~3", "v1.2.3", "a1b2c3d", "feature/x-y"])
def test_ordinary_refs_pass(ref: str) -> None:
    assert git.check_ref(ref) == ref


def test_resolve_commit_never_passes_an_option(repo: GitRepo, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    with git.open_worktree(repo.path) as wt:  # type: ignore[union-attr]
        with pytest.raises(UsageError):
            git.resolve_commit(wt, f"--output={victim}")
        assert git.resolve_commit(wt, f"main --output={victim}") is None
        assert git.resolve_commit(wt, "HEAD") == repo.git("rev-parse", "HEAD").strip()
        # A tree is not a commit: ^{commit} makes rev-parse say so.
        assert git.resolve_commit(wt, "HEAD^{tree}") is None
    assert not victim.exists()


def test_touched_actions_are_the_added_and_modified_ones(repo: GitRepo) -> None:
    repo.replace(PM, "title: Add a canary stage", "title: Add a canary stage and a rollback switch")
    repo.write(PM, repo.read(PM) + OVERDUE.replace("A2", "A3"))
    repo.commit("Change A1, add A3", date="2026-06-12T10:00:00+00:00")

    facts = git.changed_since(repo.path, "main", now(repo.path, FILES))

    assert facts.pull_request
    assert facts.base == repo.git("rev-parse", "main").strip()
    assert facts.changed_paths == {PM}
    assert facts.touched_actions == {"PM-2026-001-A1", "PM-2026-001-A3"}
    assert facts.touched_postmortems == frozenset()
    assert set(facts.base_actions) == {"PM-2026-001-A1", "PM-2026-001-A2"}
    assert facts.base_actions["PM-2026-001-A2"]["due"] == "2026-06-10"


def test_a_new_postmortem_is_touched_whole(repo: GitRepo) -> None:
    repo.write("postmortems/PM-2026-002.yaml", other_postmortem())
    facts = git.changed_since(repo.path, "main", now(repo.path, FILES))  # untracked, not even staged
    assert facts.changed_paths == {"postmortems/PM-2026-002.yaml"}
    assert facts.touched_postmortems == {"PM-2026-002"}
    assert facts.touched_actions == {"PM-2026-002-A1"}


def test_postmortem_fields_touch_the_postmortem(repo: GitRepo) -> None:
    repo.replace(PM, "status: in_review", "status: reviewed")
    repo.git("add", PM)  # staged, not committed
    facts = git.changed_since(repo.path, "main", now(repo.path, FILES))
    assert facts.touched_postmortems == {"PM-2026-001"}
    assert facts.touched_actions == frozenset()


def test_renames_are_followed(repo: GitRepo) -> None:
    repo.move(PM, "postmortems/2026/PM-2026-001.yaml")
    repo.commit("Move", date="2026-06-12T10:00:00+00:00")
    facts = git.changed_since(repo.path, "main", now(repo.path, FILES))
    assert facts.changed_paths == {"postmortems/2026/PM-2026-001.yaml"}
    assert facts.base_paths == {"postmortems/2026/PM-2026-001.yaml": PM}
    assert facts.touched_actions == frozenset()


def test_actions_moved_out_of_a_deleted_file_keep_their_base(repo: GitRepo) -> None:
    (repo.path / PM).unlink()
    repo.write("postmortems/PM-2026-002.yaml", other_postmortem() + OVERDUE)
    repo.commit("Fold PM-2026-001 into PM-2026-002", date="2026-06-12T10:00:00+00:00")
    facts = git.changed_since(repo.path, "main", now(repo.path, FILES[1:]))
    assert "PM-2026-001-A2" in facts.base_actions
    assert "PM-2026-001-A2" not in facts.touched_actions


def test_root_below_the_top_level(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo", {"ops/pmcheck.yaml": "{}\n", f"ops/{PM}": BASE, PM: BASE})
    repo.commit("Add", date="2026-06-02T10:00:00+00:00")
    repo.branch("feature")
    repo.replace(f"ops/{PM}", "due: 2026-07-15", "due: 2026-07-29")
    repo.replace(PM, "due: 2026-07-15", "due: 2026-07-29")
    facts = git.changed_since(repo.path / "ops", "main", now(repo.path / "ops", [PM]))
    assert facts.changed_paths == {PM}
    assert facts.base_actions["PM-2026-001-A1"]["due"] == "2026-07-15"


def test_oversized_and_binary_base_blobs_are_ignored(repo: GitRepo) -> None:
    repo.checkout("main")
    repo.write(PM, "x: " + "a" * 2_000_000 + "\n")
    repo.commit("Huge", date="2026-06-03T10:00:00+00:00")
    repo.git("checkout", "-q", "-B", "feature")
    repo.write(PM, BASE)
    facts = git.changed_since(repo.path, "main", now(repo.path, FILES))
    assert facts.base_actions == {}
    assert facts.touched_actions == {"PM-2026-001-A1"}


def test_unrelated_histories_are_an_error(repo: GitRepo) -> None:
    repo.git("checkout", "-q", "--orphan", "island")
    repo.commit("Island", date="2026-06-03T10:00:00+00:00")
    with pytest.raises(GitError, match="no common ancestor"):
        git.changed_since(repo.path, "main", now(repo.path, FILES))


def test_staged_against_head(repo: GitRepo, tmp_path: Path) -> None:
    repo.replace(PM, "due: 2026-07-15", "due: 2026-07-29")
    repo.git("add", PM)
    facts = git.staged_against_head(repo.path, now(repo.path, [PM]))
    assert facts is not None and not facts.pull_request
    assert facts.touched_actions == {"PM-2026-001-A1"}
    assert facts.base_actions["PM-2026-001-A1"]["due"] == "2026-07-15"
    (tmp_path / "plain").mkdir()
    assert git.staged_against_head(tmp_path / "plain", now(tmp_path / "plain", [PM])) is None


def test_git_is_the_only_module_that_imports_gitpython() -> None:
    import re

    package = Path(git.__file__).parent
    importers = sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"^\s*(import git\b|from git\b)", path.read_text(encoding="utf-8"), re.M)
    )
    assert importers == ["git.py"]


def test_plain_check_does_not_load_gitpython(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "postmortems").mkdir()
    (tmp_path / PM).write_text(BASE)
    code = (
        "import sys; from pmcheck.engine import CheckOptions, run_check; "
        f"run_check(CheckOptions(repo={str(tmp_path)!r})); print('git' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
