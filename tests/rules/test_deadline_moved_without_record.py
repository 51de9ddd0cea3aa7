from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from pmcheck.context import Context
from pmcheck.engine import CheckOptions, run_check
from pmcheck.loader import load_text
from pmcheck.model import build_postmortem
from pmcheck.policy import load_policy
from pmcheck.rules import REGISTRY
from pmcheck.rules.deadline_moved_without_record import check, judge_move
from tests.gitrepo import GitRepo, git_env
from tests.rules.action_fragments import action, actions
from tests.rules.conftest import BASE, DATA, audit_change, codes, merge_onto_base

AS_OF = dt.date(2026, 6, 15)
PATH = "postmortems/PM-2026-001.yaml"
MOVE = "deadline_changes: [{from: 2026-07-15, to: 2026-07-29, at: 2026-06-14, reason: eval runner slipped, approved_by: %s}]"


def audit(tmp_path: Path, base: str, head: str, policy: dict[str, object] | None = None) -> list[tuple[int, int, str, str]]:
    """(line, column, pointer, message) of PM203 for ``head`` against ``base`` (both fragments)."""
    if policy is not None:
        (tmp_path / "pmcheck.yaml").write_text(yaml.safe_dump(policy))
    return audit_change(check, tmp_path, base, head, AS_OF)


def test_unrecorded_move_points_at_due(tmp_path: Path) -> None:
    found = audit(tmp_path, actions(action()), actions(action(due="2026-07-29")))
    assert found == [
        (23, 5, "/actions/0/due", "due date of action PM-2026-001-A1 moved from 2026-07-15 to 2026-07-29 without a deadline_changes entry")
    ]


def test_matching_record_is_clean(tmp_path: Path) -> None:
    assert audit(tmp_path, actions(action()), actions(action(due="2026-07-29", extra=MOVE % "carol.wu"))) == []


def test_no_move_no_finding(tmp_path: Path) -> None:
    assert audit(tmp_path, actions(action()), actions(action(status="in_progress"))) == []


@pytest.mark.parametrize(
    "record",
    [
        "deadline_changes: [{from: 2026-07-01, to: 2026-07-29, at: 2026-06-14, reason: r, approved_by: carol.wu}]",
        "deadline_changes: [{from: 2026-07-15, to: 2026-08-01, at: 2026-06-14, reason: r, approved_by: carol.wu}]",
    ],
    ids=["wrong-from", "wrong-to"],
)
def test_record_must_agree_with_git(tmp_path: Path, record: str) -> None:
    found = audit(tmp_path, actions(action()), actions(action(due="2026-07-29", extra=record)))
    assert [f[2] for f in found] == ["/actions/0/due"]


def test_several_moves_in_one_change_chain(tmp_path: Path) -> None:
    chain = (
        "deadline_changes:\n"
        "  - {from: 2026-07-15, to: 2026-07-22, at: 2026-06-12, reason: r, approved_by: carol.wu}\n"
        "  - {from: 2026-07-22, to: 2026-07-29, at: 2026-06-14, reason: r, approved_by: carol.wu}\n"
    )
    assert audit(tmp_path, actions(action()), actions(action(due="2026-07-29", extra=chain))) == []


def test_an_old_entry_does_not_record_a_new_move(tmp_path: Path) -> None:
    old = MOVE % "carol.wu"
    found = audit(tmp_path, actions(action(due="2026-07-29", extra=old)), actions(action(due="2026-07-15", extra=old)))
    assert [f[2] for f in found] == ["/actions/0/due"]


@pytest.mark.parametrize(("priority", "fires"), [("P1", True), ("P0", True), ("P2", False)])
def test_critical_move_approved_by_the_owner(tmp_path: Path, priority: str, fires: bool) -> None:
    head = actions(action(priority=priority, due="2026-07-29", extra=MOVE % "alice.ng"))
    found = audit(tmp_path, actions(action(priority=priority)), head)
    assert [f[3].endswith("with a deadline change approved by its owner") for f in found] == ([True] if fires else [])


def test_critical_priorities_come_from_the_policy(tmp_path: Path) -> None:
    policy = {"priorities": {"P0": {"critical": True}, "P1": {}, "P2": {"critical": True}, "P3": {}}}
    head = actions(action(due="2026-07-29", extra=MOVE % "alice.ng"))
    assert len(audit(tmp_path, actions(action()), head, policy)) == 1


def test_rewriting_an_earlier_entry_is_reported(tmp_path: Path) -> None:
    base = actions(action(due="2026-07-29", extra=MOVE % "carol.wu"))
    head = actions(action(due="2026-07-29", extra=(MOVE % "carol.wu").replace("eval runner slipped", "because")))
    found = audit(tmp_path, base, head)
    assert [(f[2], f[3]) for f in found] == [
        ("/actions/0/deadline_changes/0", "deadline_changes entry 1 of action PM-2026-001-A1 was rewritten; the list is append-only")
    ]


def test_deleting_an_earlier_entry_is_reported(tmp_path: Path) -> None:
    found = audit(tmp_path, actions(action(due="2026-07-29", extra=MOVE % "carol.wu")), actions(action(due="2026-07-29")))
    assert [f[3] for f in found] == ["deadline_changes entry 1 of action PM-2026-001-A1 was deleted; the list is append-only"]


def test_new_actions_and_first_due_dates_are_not_moves(tmp_path: Path) -> None:
    assert audit(tmp_path, actions(action(due=None)), actions(action(), action(2))) == []


def test_without_git_the_rule_is_silent(tmp_path: Path) -> None:
    loaded = load_text(merge_onto_base(actions(action(due="2026-07-29")))[1], PATH)
    pm = build_postmortem(PATH, loaded.data, dt.timezone.utc)
    assert list(check(pm, Context(load_policy(tmp_path), None, AS_OF, None))) == []


def test_judge_move_ignores_malformed_base_data() -> None:
    assert judge_move({"due": 5}, {"due": "2026-07-29"}, critical=True) is None
    move = judge_move({"due": "2026-07-15", "deadline_changes": "x"}, {"due": "2026-07-29", "deadline_changes": [None, 3]}, True)
    assert move is not None and move.verdict == "unrecorded"


def _doc_example_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example: str) -> list[str]:
    """The rule doc's example as the head of a change whose base is example_base.yaml."""
    for name, value in git_env().items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)
    repo = GitRepo.init(
        tmp_path / "repo",
        {"pmcheck.yaml": "{}\n", "people.yaml": (DATA / "people.yaml").read_text(), PATH: BASE.read_text()},
    )
    repo.commit("Add PM-2026-001", date="2026-06-02T10:00:00+00:00")
    repo.write(PATH, merge_onto_base(example)[1])
    result = run_check(CheckOptions(repo=str(repo.path), paths=(str(repo.path / PATH),), as_of=AS_OF))
    return codes(list(result.findings))


def test_doc_examples_against_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad, good = REGISTRY["PM203"].examples()
    assert bad is not None and good is not None
    assert _doc_example_verdict(tmp_path / "bad", monkeypatch, bad) == ["PM203"]
    assert _doc_example_verdict(tmp_path / "good", monkeypatch, good) == []
