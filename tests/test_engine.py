"""pmcheck.engine.run_check: which files a run checks and reports, and what its Result counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pmcheck.decide import Selection, parse_codes
from pmcheck.engine import CheckOptions, Result, as_of_date, run_check
from pmcheck.errors import UsageError
from pmcheck.policy import load_policy
from tests.gitrepo import GitRepo, git_env
from tests.trustrepo import make_repo

TESTS = Path(__file__).resolve().parent
BASE = (TESTS / "rules" / "example_base.yaml").read_text()
ROSTER = (TESTS / "data" / "people.yaml").read_text()
AS_OF = dt.date(2026, 6, 15)
OWNER_LINE = "    owner: alice.ng\n"


def postmortem(number: int, ownerless: bool = False) -> str:
    """PM-2026-<number>, on its own service and workflow so no two are repeats of each other."""
    text = BASE.replace("PM-2026-001", f"PM-2026-{number:03d}")
    text = text.replace("services: [support-api]", f"services: [service-{number}]")
    text = text.replace("workflow: support-assistant", f"workflow: flow-{number}")
    return text.replace(OWNER_LINE, "") if ownerless else text


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Three postmortems: 001 healthy, 002 with an ownerless action (PM101), 003 not YAML."""
    return make_repo(
        tmp_path / "repo",
        {
            "postmortems/PM-2026-001.yaml": postmortem(1),
            "postmortems/PM-2026-002.yaml": postmortem(2, ownerless=True),
            "postmortems/PM-2026-003.yaml": "id: [unclosed\n",
        },
    )


def check(
    repo: Path, *paths: str, selection: Selection | None = None, fail_on: str = "error"
) -> tuple[list[tuple[str, str]], Result]:
    """(path, code) of each finding, sorted, and the Result of checking ``paths`` (all without)."""
    options = CheckOptions(
        repo=str(repo),
        paths=tuple(str(repo / p) for p in paths),
        as_of=AS_OF,
        selection=selection or Selection(),
        fail_on=fail_on,
    )
    result = run_check(options)
    return sorted((f.path, f.code) for f in result.findings), result


# -- file selection -------------------------------------------------------------------------------


def test_without_paths_every_postmortem_is_checked_and_counted(repo: Path) -> None:
    result = run_check(CheckOptions(repo=str(repo), as_of=AS_OF))
    assert sorted((f.path, f.code) for f in result.findings) == [
        ("postmortems/PM-2026-002.yaml", "PM101"),
        ("postmortems/PM-2026-003.yaml", "PM001"),
    ]
    # A file that does not parse is a file, not a postmortem.
    assert (result.files, result.postmortems, result.actions) == (3, 2, 2)
    assert (result.as_of, result.root) == (AS_OF, repo)


def test_paths_narrow_what_is_reported_not_what_is_read(repo: Path) -> None:
    # PM-2026-004 repeats an action id of PM-2026-001: both files know, only the one given reports.
    duplicate = postmortem(4).replace("PM-2026-004-A1", "PM-2026-001-A1")
    (repo / "postmortems" / "PM-2026-004.yaml").write_text(duplicate)
    found, result = check(repo, "postmortems/PM-2026-004.yaml")
    assert found == [("postmortems/PM-2026-004.yaml", "PM005"), ("postmortems/PM-2026-004.yaml", "PM006")]
    assert (result.files, result.postmortems, result.actions) == (1, 1, 1)


def test_a_folder_path_reports_the_postmortems_under_it(repo: Path) -> None:
    make_repo(repo, {"postmortems/2025/PM-2025-001.yaml": BASE.replace("PM-2026-001", "PM-2025-001").replace(OWNER_LINE, "")})
    found, result = check(repo, "postmortems/2025")
    assert found == [("postmortems/2025/PM-2025-001.yaml", "PM101")]
    assert result.files == 1


def test_a_file_outside_the_globs_is_checked_when_given(repo: Path) -> None:
    make_repo(repo, {"drafts/PM-2026-009.yaml": postmortem(9, ownerless=True)})
    assert check(repo)[0] == check(repo, "postmortems")[0]
    found, _ = check(repo, "drafts/PM-2026-009.yaml")
    assert found == [("drafts/PM-2026-009.yaml", "PM101")]


def test_a_path_that_does_not_exist_is_a_usage_error(repo: Path) -> None:
    with pytest.raises(UsageError, match="no such file or directory"):
        check(repo, "postmortems/PM-2026-404.yaml")


def test_an_empty_run_is_pm905_even_when_selection_excludes_it(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "empty", {})
    selection = Selection(parse_codes(("PM1",)), parse_codes(("PM905",)))
    found, result = check(root, selection=selection)
    assert found == [(".", "PM905")]
    assert (result.files, result.exit_code) == (0, 1)


# -- Result ---------------------------------------------------------------------------------------


def test_selection_filters_the_findings(repo: Path) -> None:
    found, _ = check(repo, selection=Selection(parse_codes(("PM1",)), ()))
    assert found == [("postmortems/PM-2026-002.yaml", "PM101")]
    found, _ = check(repo, selection=Selection((), parse_codes(("PM001",))))
    assert found == [("postmortems/PM-2026-002.yaml", "PM101")]


def test_counts_by_severity_and_code(repo: Path) -> None:
    _, result = check(repo)
    assert result.by_severity() == {"error": 2, "warning": 0, "info": 0}
    assert result.by_code() == {"PM001": 1, "PM101": 1}


@pytest.mark.parametrize(("fail_on", "exit_code"), [("error", 1), ("warning", 1), ("info", 1), ("never", 0)])
def test_fail_on_sets_the_exit_code(repo: Path, fail_on: str, exit_code: int) -> None:
    _, result = check(repo, fail_on=fail_on)
    assert result.exit_code == exit_code


def test_warnings_fail_only_from_fail_on_warning(tmp_path: Path) -> None:
    # Five days past due is a PM205 warning for a P2 action.
    root = make_repo(tmp_path / "repo", {"postmortems/PM-2026-001.yaml": postmortem(1)})
    late = run_check(CheckOptions(repo=str(root), as_of=dt.date(2026, 7, 20)))
    assert [(f.code, f.severity.label) for f in late.findings] == [("PM205", "warning")]
    assert late.exit_code == 0
    assert run_check(CheckOptions(repo=str(root), as_of=dt.date(2026, 7, 20), fail_on="warning")).exit_code == 1


def test_a_missing_roster_is_a_note_not_a_finding(repo: Path) -> None:
    (repo / "people.yaml").unlink()
    _, result = check(repo)
    assert result.notes == ("no people.yaml found: owner roster rules (PM103, PM104, PM105 roles) were skipped",)


def test_as_of_defaults_to_today_in_the_policy_zone(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {})
    policy = load_policy(root)
    assert as_of_date(policy, AS_OF) == AS_OF
    today = as_of_date(policy, None)
    assert abs((today - dt.datetime.now(dt.timezone.utc).date()).days) <= 1


# -- pull-request mode ----------------------------------------------------------------------------


@pytest.fixture
def pull_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """main: PM-2026-001 and an ownerless PM-2026-002; the branch `feature` adds an ownerless PM-2026-004."""
    for name, value in git_env().items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)
    repo = GitRepo.init(
        tmp_path / "pr",
        {
            "pmcheck.yaml": "{}\n",
            "people.yaml": ROSTER,
            "postmortems/PM-2026-001.yaml": postmortem(1),
            "postmortems/PM-2026-002.yaml": postmortem(2, ownerless=True),
        },
    )
    repo.commit("Add the postmortems", date="2026-06-02T10:00:00+00:00")
    repo.branch("feature")
    repo.write("postmortems/PM-2026-004.yaml", postmortem(4, ownerless=True))
    repo.commit("Add PM-2026-004", date="2026-06-03T10:00:00+00:00")
    return repo


def test_pull_request_mode_reports_only_the_changed_files(pull_request: GitRepo) -> None:
    result = run_check(CheckOptions(repo=str(pull_request.path), as_of=AS_OF, changed_since="main"))
    assert sorted((f.path, f.code) for f in result.findings) == [("postmortems/PM-2026-004.yaml", "PM101")]
    assert result.changed_paths == frozenset({"postmortems/PM-2026-004.yaml"})
    assert (result.files, result.postmortems, result.actions) == (1, 1, 1)


def test_a_pull_request_that_changes_no_postmortem_checks_nothing_and_passes(pull_request: GitRepo) -> None:
    pull_request.write("NOTES.md", "notes\n")
    pull_request.commit("Notes", date="2026-06-04T10:00:00+00:00")
    result = run_check(CheckOptions(repo=str(pull_request.path), as_of=AS_OF, changed_since="HEAD"))
    assert (result.findings, result.files, result.exit_code) == ((), 0, 0)
    assert result.notes == ("no postmortem changed since the base; nothing to check",)


def test_a_full_check_of_the_same_tree_reports_every_file(pull_request: GitRepo) -> None:
    result = run_check(CheckOptions(repo=str(pull_request.path), as_of=AS_OF))
    assert sorted(f.path for f in result.findings) == ["postmortems/PM-2026-002.yaml", "postmortems/PM-2026-004.yaml"]
    assert result.changed_paths is None


def test_a_folder_under_a_git_repository_or_a_git_variable_is_never_taken_for_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmcheck.engine import _GIT_LOCATION_VARIABLES, _outside_any_git_repository

    for name in _GIT_LOCATION_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    (work / "deep" / "er").mkdir(parents=True)
    above = [tmp_path, *tmp_path.parents]
    if any((folder / ".git").exists() or (folder / "HEAD").exists() for folder in above):
        pytest.skip("the test folder is itself inside a git repository")
    assert _outside_any_git_repository(work / "deep" / "er")
    monkeypatch.setenv("GIT_DIR", str(tmp_path))
    assert not _outside_any_git_repository(work / "deep" / "er")
    monkeypatch.delenv("GIT_DIR")
    (work / "HEAD").write_text("ref: refs/heads/main\n")  # a bare repository's folder
    assert not _outside_any_git_repository(work / "deep" / "er")
    (work / "HEAD").unlink()
    (work / "deep" / ".git").write_text("gitdir: elsewhere\n")  # a linked work tree
    assert not _outside_any_git_repository(work / "deep" / "er")
    (work / "deep" / ".git").unlink()
    (work / "deep" / "er" / "link").symlink_to(work / "deep")
    assert _outside_any_git_repository(work / "deep" / "er" / "link")
