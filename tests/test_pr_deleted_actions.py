"""Pull-request mode: deleting an open action, or its whole postmortem, is PM306 (SPEC section 5:
no silent suppression); deleting terminal actions or moving one between files is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pmcheck.cli import main
from tests.gitrepo import GitRepo, git_env
from tests.test_pr_mode import BASE, DATA, OVERDUE, PM

AS_OF = "2026-06-15"
OTHER = "postmortems/PM-2026-002.yaml"

# PM-2026-002 with an open P0 action: deleting the file drops it.
OPEN_P0 = (
    BASE.replace("PM-2026-001", "PM-2026-002")
    .replace("workflow: support-assistant", "workflow: search-ranking")
    .replace("services: [support-api]", "services: [search-api]")
    .replace("failure_modes: [hallucination]", "failure_modes: [latency]")
    .replace("priority: P2", "priority: P0")
    .replace("status: open", "status: in_progress")
)

DONE_AND_VERIFIED = """\
  - id: PM-2026-001-A2
    title: Ground refund answers in the policy knowledge base
    type: mitigate
    priority: P1
    owner: bo.chen
    due: 2026-06-10
    status: wont_do
    closure:
      decision: risk_accepted
      rationale: the assistant no longer answers refund questions
      decided_by: carol.wu
      decided_at: 2026-06-05
"""


@pytest.fixture(autouse=True)
def clean_git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in git_env().items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


def make_repo(path: Path, files: dict[str, str], policy: str = "{}\n") -> GitRepo:
    repo = GitRepo.init(path, {"pmcheck.yaml": policy, "people.yaml": (DATA / "people.yaml").read_text(), **files})
    repo.commit("Add postmortems", date="2026-06-02T10:00:00+00:00")
    repo.branch("feature")
    return repo


def check(capsys: pytest.CaptureFixture[str], repo: GitRepo, fmt: str = "json") -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(["--repo", str(repo.path), "check", "--as-of", AS_OF, "--changed-since", "main", "--format", fmt])
    out, err = capsys.readouterr()
    code = done.value.code
    assert code in (0, 1), err
    return int(code or 0), out


def deleted_findings(out: str) -> list[dict[str, object]]:
    return [f for f in json.loads(out)["findings"] if f["code"] == "PM306" and "deleted" in str(f["message"])]


def test_deleting_a_postmortem_with_an_open_p0_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", {PM: BASE, OTHER: OPEN_P0})
    repo.git("rm", "-q", OTHER)
    repo.commit("Tidy up", date="2026-06-12T10:00:00+00:00")

    code, out = check(capsys, repo)
    assert code == 1
    [found] = deleted_findings(out)
    assert found["message"] == "action PM-2026-002-A1 (P0, in_progress at the base) was deleted without a closure decision"
    assert found["severity"] == "error"
    assert found["postmortem"] == "PM-2026-002" and found["action"] == "PM-2026-002-A1"
    assert found["path"] == OTHER and found["line"] == 1

    code, text = check(capsys, repo, "text")
    assert code == 1
    assert "nothing to check" not in text
    assert f"{OTHER}:1:1: [error] PM306 undecided-non-completion: action PM-2026-002-A1" in text


def test_deleting_one_open_action_fails_at_the_actions_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", {PM: BASE + OVERDUE})
    repo.write(PM, BASE)
    repo.commit("Drop A2", date="2026-06-12T10:00:00+00:00")

    code, out = check(capsys, repo)
    assert code == 1
    [found] = deleted_findings(out)
    assert found["message"] == "action PM-2026-001-A2 (P1, open at the base) was deleted without a closure decision"
    actions_line = next(n for n, line in enumerate(repo.read(PM).splitlines(), 1) if line.startswith("actions:"))
    assert found["path"].endswith(PM) and found["line"] == actions_line


def test_deleting_only_terminal_actions_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", {PM: BASE + DONE_AND_VERIFIED})
    repo.write(PM, BASE)
    repo.commit("Drop the decided action", date="2026-06-12T10:00:00+00:00")

    code, out = check(capsys, repo)
    assert code == 0
    assert deleted_findings(out) == []


def test_moving_an_action_to_another_file_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    second = OPEN_P0.replace("priority: P0", "priority: P2").replace("status: in_progress", "status: open")
    # The moved id keeps its old prefix (PM006, a separate question): only the deletion is judged here.
    repo = make_repo(tmp_path / "repo", {PM: BASE + OVERDUE, OTHER: second}, "rules: {PM006: off}\n")
    repo.write(PM, BASE)
    repo.write(OTHER, second + OVERDUE)
    repo.commit("Move A2 to the postmortem it belongs to", date="2026-06-12T10:00:00+00:00")

    code, out = check(capsys, repo)
    assert deleted_findings(out) == []
    assert code == 0, out
