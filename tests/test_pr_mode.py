"""Pull-request mode (`check --changed-since REF`) and pre-commit mode on real git repositories."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pmcheck.cli import main
from pmcheck.rules import REGISTRY
from tests.gitrepo import GitRepo, git_env

DATA = Path(__file__).resolve().parent / "data"
AS_OF = "2026-06-15"
PM = "postmortems/PM-2026-001.yaml"

BASE = """\
schema_version: 1
id: PM-2026-001
title: Support assistant quoted a refund policy that does not exist
severity: SEV-3
status: in_review
workflow: support-assistant
services: [support-api]
failure_modes: [hallucination]
incident:
  started_at: 2026-06-01T09:00:00Z
  detected_at: 2026-06-01T09:20:00Z
  mitigated_at: 2026-06-01T10:00:00Z
  resolved_at: 2026-06-01T12:00:00Z
owner: alice.ng
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: open
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
"""

# A P1 action five days overdue on 2026-06-15 (not yet past its first escalation rung).
OVERDUE = """\
  - id: PM-2026-001-A2
    title: Ground refund answers in the policy knowledge base
    type: mitigate
    priority: P1
    owner: bo.chen
    due: 2026-06-10
    status: open
    success_criteria: refund-policy eval pass rate >= 99% on 500 prompts
"""

OWNERLESS = """\
  - id: PM-2026-001-A3
    title: Alert on refund answers that cite no policy snippet
    type: detect
    priority: P2
    due: 2026-07-20
    status: open
    success_criteria: alert fires within 5 minutes on a replayed incident conversation
"""


@pytest.fixture(autouse=True)
def clean_git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """pmcheck runs git in this process: give it the same clean configuration as the fixtures."""
    for name, value in git_env().items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


def other_postmortem() -> str:
    """PM-2026-002: healthy, and unrelated to PM-2026-001 (no repeat failure to link)."""
    return (
        BASE.replace("PM-2026-001", "PM-2026-002")
        .replace("workflow: support-assistant", "workflow: search-ranking")
        .replace("services: [support-api]", "services: [search-api]")
        .replace("failure_modes: [hallucination]", "failure_modes: [latency]")
    )


def make_repo(path: Path, body: str = BASE) -> GitRepo:
    repo = GitRepo.init(
        path,
        {"pmcheck.yaml": "{}\n", "people.yaml": (DATA / "people.yaml").read_text(), PM: body},
    )
    repo.commit("Add PM-2026-001", date="2026-06-02T10:00:00+00:00")
    repo.branch("feature")
    return repo


def pmcheck(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 0), out, err


def check_json(capsys: pytest.CaptureFixture[str], repo: GitRepo, *extra: str) -> tuple[int, list[dict[str, object]]]:
    code, out, err = pmcheck(capsys, "--repo", str(repo.path), "check", "--as-of", AS_OF, "--format", "json", *extra)
    assert code in (0, 1), err
    return code, json.loads(out)["findings"]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_pr_adding_an_ownerless_action_fails_at_that_action(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.write(PM, BASE + OWNERLESS)
    repo.commit("Add a detection action", date="2026-06-12T10:00:00+00:00")

    code, out, _ = pmcheck(capsys, "--repo", str(repo.path), "check", "--as-of", AS_OF, "--changed-since", "main")

    line = line_of(repo.read(PM), "- id: PM-2026-001-A3")
    assert code == 1
    assert f"{repo.path / PM}:{line}:5: [error] PM101 action-without-owner: action PM-2026-001-A3 has no owner" in out


def test_pr_not_touching_an_overdue_action_passes_with_a_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", BASE + OVERDUE)
    repo.replace(PM, "title: Add a canary stage", "title: Add a canary stage and a rollback switch")
    repo.commit("Widen A1", date="2026-06-12T10:00:00+00:00")

    code, findings = check_json(capsys, repo, "--changed-since", "main")
    assert code == 0
    overdue = [f for f in findings if f["action"] == "PM-2026-001-A2"]
    assert overdue and all(f["code"] in {"PM204", "PM205", "PM206", "PM401", "PM901"} for f in overdue)
    code, out, _ = pmcheck(capsys, "--repo", str(repo.path), "check", "--as-of", AS_OF, "--changed-since", "main")
    assert code == 0
    assert "[notice] PM205 action-overdue: " in out

    # The same file checked without pull-request mode fails: the notice is PR-mode only.
    code, _ = check_json(capsys, repo)
    assert code == 1


@pytest.mark.skipif("PM205" not in REGISTRY, reason="needs PM205")
def test_pr_touching_the_overdue_action_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", BASE + OVERDUE)
    repo.replace(PM, "status: open\n    success_criteria: refund", "status: in_progress\n    success_criteria: refund")
    repo.commit("Start A2", date="2026-06-12T10:00:00+00:00")

    code, findings = check_json(capsys, repo, "--changed-since", "main")
    assert code == 1
    assert [(f["code"], f["action"]) for f in findings] == [("PM205", "PM-2026-001-A2")]


def test_unrelated_pr_does_not_check_other_postmortems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", BASE + OVERDUE)
    repo.write("postmortems/PM-2026-002.yaml", other_postmortem())
    repo.commit("Add PM-2026-002", date="2026-06-12T10:00:00+00:00")

    code, out, _ = pmcheck(capsys, "--repo", str(repo.path), "check", "--as-of", AS_OF, "--changed-since", "main")
    assert code == 0
    assert "PM-2026-001" not in out
    assert "in 1 file " in out


def test_pr_moving_a_due_date_without_a_record_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.replace(PM, "due: 2026-07-15", "due: 2026-07-29")
    repo.commit("Move A1", date="2026-06-12T10:00:00+00:00")

    code, findings = check_json(capsys, repo, "--changed-since", "main")

    assert code == 1
    assert [(f["code"], f["line"], f["pointer"]) for f in findings] == [
        ("PM203", line_of(repo.read(PM), "due: 2026-07-29"), "/actions/0/due")
    ]
    assert "moved from 2026-07-15 to 2026-07-29" in str(findings[0]["message"])


def _critical_move(approver: str) -> str:
    body = BASE + OVERDUE.replace("due: 2026-06-10", "due: 2026-06-24")
    return body + (
        "    deadline_changes:\n"
        "      - from: 2026-06-10\n"
        "        to: 2026-06-24\n"
        "        at: 2026-06-09\n"
        "        reason: the knowledge-base index rebuild slipped a week\n"
        f"        approved_by: {approver}\n"
    )


def test_recorded_move_approved_by_the_sponsor_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", BASE + OVERDUE)
    repo.write(PM, _critical_move("dana.kim"))
    repo.commit("Extend A2 with sponsor approval", date="2026-06-09T10:00:00+00:00")

    code, findings = check_json(capsys, repo, "--changed-since", "main")
    assert code == 0
    assert findings == []


def test_critical_move_approved_by_its_owner_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", BASE + OVERDUE)
    repo.write(PM, _critical_move("bo.chen"))
    repo.commit("Extend A2 on my own", date="2026-06-09T10:00:00+00:00")

    code, findings = check_json(capsys, repo, "--changed-since", "main")
    assert code == 1
    assert [f["code"] for f in findings] == ["PM203"]
    assert "approved by its owner" in str(findings[0]["message"])


def test_renamed_postmortem_is_followed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.move(PM, "postmortems/2026/PM-2026-001.yaml")
    repo.replace("postmortems/2026/PM-2026-001.yaml", "due: 2026-07-15", "due: 2026-07-29")
    repo.commit("File PM-2026-001 under 2026 and move A1", date="2026-06-12T10:00:00+00:00")

    code, findings = check_json(capsys, repo, "--changed-since", "main")
    assert code == 1
    assert [(f["path"], f["code"]) for f in findings] == [("postmortems/2026/PM-2026-001.yaml", "PM203")]


def test_rename_alone_touches_no_action(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", BASE + OVERDUE)
    repo.move(PM, "postmortems/2026/PM-2026-001.yaml")
    repo.commit("File PM-2026-001 under 2026", date="2026-06-12T10:00:00+00:00")

    code, findings = check_json(capsys, repo, "--changed-since", "main")
    assert code == 0
    assert findings and all(f["path"] == "postmortems/2026/PM-2026-001.yaml" for f in findings)


def test_uncommitted_and_untracked_changes_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.replace(PM, "due: 2026-07-15", "due: 2026-07-29")  # not committed
    repo.write("postmortems/PM-2026-002.yaml", other_postmortem() + OWNERLESS.replace("PM-2026-001", "PM-2026-002"))

    code, findings = check_json(capsys, repo, "--changed-since", "main")
    assert code == 1
    assert sorted((f["path"], f["code"]) for f in findings) == [
        (PM, "PM203"),
        ("postmortems/PM-2026-002.yaml", "PM101"),
    ]


def test_merge_base_is_used_not_the_tip_of_the_ref(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.replace(PM, "title: Add a canary stage", "title: Add a canary stage and a rollback switch")
    repo.commit("Widen A1", date="2026-06-12T10:00:00+00:00")
    repo.checkout("main")
    repo.write("postmortems/PM-2026-002.yaml", other_postmortem() + OWNERLESS.replace("PM-2026-001", "PM-2026-002"))
    repo.commit("Main moves on", date="2026-06-13T10:00:00+00:00")
    repo.checkout("feature")

    code, out, _ = pmcheck(capsys, "--repo", str(repo.path), "check", "--as-of", AS_OF, "--changed-since", "main")
    assert code == 0, out
    assert "in 1 file " in out


def test_shallow_clone_without_the_base_names_fetch_depth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    origin = make_repo(tmp_path / "origin")
    origin.replace(PM, "due: 2026-07-15", "due: 2026-07-29")
    origin.commit("Move A1", date="2026-06-12T10:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{origin.path}", str(clone)],
        env=git_env(),
        check=True,
    )

    code, out, err = pmcheck(capsys, "--repo", str(clone), "check", "--as-of", AS_OF, "--changed-since", "origin/main")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "fetch-depth: 0" in err


def test_changed_since_outside_git_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "plain"
    (root / "postmortems").mkdir(parents=True)
    (root / "pmcheck.yaml").write_text("{}\n")
    (root / "people.yaml").write_text((DATA / "people.yaml").read_text())
    (root / PM).write_text(BASE)

    code, out, err = pmcheck(capsys, "--repo", str(root), "check", "--as-of", AS_OF, "--changed-since", "main")
    assert code == 2
    assert "not inside one" in err and "Traceback" not in err
    code, out, err = pmcheck(capsys, "--repo", str(root), "check", "--as-of", AS_OF)
    assert code == 0, out + err
    code, out, err = pmcheck(capsys, "--repo", str(root), "check", "--as-of", AS_OF, str(root / PM))
    assert code == 0, out + err


def test_unknown_ref_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo")
    code, _, err = pmcheck(capsys, "--repo", str(repo.path), "check", "--changed-since", "no-such-branch")
    assert code == 2
    assert "no-such-branch: no such commit" in err


@pytest.mark.parametrize("ref", ["--output={victim}", "-o{victim}", "--output={victim} HEAD", "main\n--output={victim}"])
def test_option_like_ref_is_rejected_and_writes_nothing(
    ref: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo")
    victim = tmp_path / "victim.txt"
    code, out, err = pmcheck(capsys, "--repo", str(repo.path), "check", f"--changed-since={ref.format(victim=victim)}")
    assert code == 2
    assert "not a valid git revision" in err
    assert not victim.exists()


def test_ref_with_option_text_after_a_valid_start_is_not_an_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo")
    victim = tmp_path / "victim.txt"
    code, _, err = pmcheck(capsys, "--repo", str(repo.path), "check", f"--changed-since=main --output={victim}")
    assert code == 2
    assert not victim.exists()


# -- pre-commit mode: files given, compared with HEAD ----------------------------------------


def test_pre_commit_audits_staged_content_against_head(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo")
    repo.replace(PM, "owner: alice.ng\n    due", "owner: bo.chen\n    due")
    repo.git("add", PM)

    code, out, _ = pmcheck(capsys, "--repo", str(repo.path), "check", "--as-of", AS_OF, str(repo.path / PM))
    assert code == 1
    assert "PM106 owner-changed-without-record: owner of action PM-2026-001-A1 changed from alice.ng to bo.chen" in out


def test_pre_commit_does_not_demote_time_driven_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", BASE + OVERDUE)
    code, out, _ = pmcheck(capsys, "--repo", str(repo.path), "check", "--as-of", AS_OF, str(repo.path / PM))
    assert "[notice]" not in out
    assert code == (1 if "PM205" in REGISTRY else 0)


def test_pre_commit_before_the_first_commit_has_nothing_to_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = GitRepo.init(
        tmp_path / "repo",
        {"pmcheck.yaml": "{}\n", "people.yaml": (DATA / "people.yaml").read_text(), PM: BASE},
    )
    code, out, err = pmcheck(capsys, "--repo", str(repo.path), "check", "--as-of", AS_OF, str(repo.path / PM))
    assert code == 0, out + err


def test_pr_deleting_a_linked_postmortem_fails_where_the_link_broke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    linked = BASE.replace("owner: alice.ng\nactions", "owner: alice.ng\nrelated_incidents: [{id: PM-2026-002, relation: related}]\nactions")
    repo = make_repo(tmp_path / "repo", linked)
    other = "postmortems/PM-2026-002.yaml"
    repo.write(other, other_postmortem())
    repo.commit("Add PM-2026-002", date="2026-06-03T10:00:00+00:00")
    repo.git("branch", "-f", "main")
    repo.git("rm", "-q", other)
    repo.commit("Delete PM-2026-002", date="2026-06-12T10:00:00+00:00")

    code, findings = check_json(capsys, repo, "--changed-since", "main")

    # PM-2026-001 is unchanged, but the pull request broke its link: main would fail next. The
    # deleted file's open action was dropped without a decision (PM306, at the deleted file).
    assert code == 1
    assert [(f["code"], f["path"], f["line"]) for f in findings] == [
        ("PM008", PM, line_of(repo.read(PM), "related_incidents")),
        ("PM306", other, 1),
    ]


def test_pr_deleting_an_unlinked_postmortem_reports_nothing_else(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", BASE + OVERDUE)
    other = "postmortems/PM-2026-002.yaml"
    repo.write(other, other_postmortem())
    repo.commit("Add PM-2026-002", date="2026-06-03T10:00:00+00:00")
    repo.git("branch", "-f", "main")
    repo.git("rm", "-q", other)
    repo.commit("Delete PM-2026-002", date="2026-06-12T10:00:00+00:00")

    code, findings = check_json(capsys, repo, "--changed-since", "main")
    # Only the open action the deletion dropped; PM-2026-001's overdue action stays untouched.
    assert code == 1
    assert [(f["code"], f["path"], f["action"]) for f in findings] == [("PM306", other, "PM-2026-002-A1")]


def test_pre_commit_audits_an_action_moved_from_a_file_it_was_not_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # pre-commit splits long file lists over several invocations: the source of a moved action
    # may go to another one, and its base version must still count.
    moved = OVERDUE.replace("PM-2026-001-A2", "PM-2026-002-A2")
    repo = make_repo(tmp_path / "repo", BASE + moved)
    other = "postmortems/PM-2026-002.yaml"
    repo.write(other, other_postmortem())
    repo.commit("Add PM-2026-002", date="2026-06-03T10:00:00+00:00")
    repo.write(PM, BASE)
    repo.write(other, other_postmortem() + moved.replace("due: 2026-06-10", "due: 2026-06-30"))
    repo.git("add", PM, other)

    code, findings = check_json(capsys, repo, str(repo.path / other))

    line = line_of(repo.read(other), "due: 2026-06-30")
    assert code == 1
    assert [(f["code"], f["path"], f["line"]) for f in findings] == [("PM203", other, line)]
