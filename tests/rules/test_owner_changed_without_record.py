from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pmcheck.engine import CheckOptions, run_check
from pmcheck.rules import REGISTRY
from pmcheck.rules.owner_changed_without_record import check, judge_handover
from tests.gitrepo import GitRepo, git_env
from tests.rules.action_fragments import action, actions
from tests.rules.conftest import BASE, DATA, audit_change, codes, merge_onto_base

AS_OF = dt.date(2026, 6, 15)
PATH = "postmortems/PM-2026-001.yaml"
HANDOVER = "owner_changes: [{from: alice.ng, to: bo.chen, at: 2026-06-14, reason: alice.ng moved to the evals team}]"


def audit(tmp_path: Path, base: str, head: str) -> list[tuple[int, int, str, str]]:
    """(line, column, pointer, message) of PM106 for ``head`` against ``base`` (both fragments)."""
    return audit_change(check, tmp_path, base, head, AS_OF)


def test_unrecorded_handover_points_at_owner(tmp_path: Path) -> None:
    found = audit(tmp_path, actions(action()), actions(action(owner="bo.chen")))
    assert found == [
        (22, 5, "/actions/0/owner", "owner of action PM-2026-001-A1 changed from alice.ng to bo.chen without an owner_changes entry")
    ]


def test_matching_record_is_clean(tmp_path: Path) -> None:
    assert audit(tmp_path, actions(action()), actions(action(owner="bo.chen", extra=HANDOVER))) == []


@pytest.mark.parametrize(
    "record",
    [
        "owner_changes: [{from: carol.wu, to: bo.chen, at: 2026-06-14, reason: r}]",
        "owner_changes: [{from: alice.ng, to: femi.ade, at: 2026-06-14, reason: r}]",
    ],
    ids=["wrong-from", "wrong-to"],
)
def test_record_must_agree_with_git(tmp_path: Path, record: str) -> None:
    found = audit(tmp_path, actions(action()), actions(action(owner="bo.chen", extra=record)))
    assert [f[2] for f in found] == ["/actions/0/owner"]


def test_a_chain_of_handovers_in_one_change(tmp_path: Path) -> None:
    chain = (
        "owner_changes:\n"
        "  - {from: alice.ng, to: femi.ade, at: 2026-06-12, reason: r}\n"
        "  - {from: femi.ade, to: bo.chen, at: 2026-06-14, reason: r}\n"
    )
    assert audit(tmp_path, actions(action()), actions(action(owner="bo.chen", extra=chain))) == []


def test_handing_back_needs_a_new_entry(tmp_path: Path) -> None:
    found = audit(tmp_path, actions(action(owner="bo.chen", extra=HANDOVER)), actions(action(extra=HANDOVER)))
    assert [f[3] for f in found] == [
        "owner of action PM-2026-001-A1 changed from bo.chen to alice.ng without an owner_changes entry"
    ]


def test_first_owner_is_not_a_handover(tmp_path: Path) -> None:
    assert audit(tmp_path, actions(action(owner=None)), actions(action())) == []
    assert audit(tmp_path, actions(action(owner="''")), actions(action())) == []


def test_rewritten_and_deleted_entries_are_reported(tmp_path: Path) -> None:
    base = actions(action(owner="bo.chen", extra=HANDOVER))
    rewritten = audit(tmp_path, base, actions(action(owner="bo.chen", extra=HANDOVER.replace("evals", "search"))))
    assert [(f[2], f[3]) for f in rewritten] == [
        ("/actions/0/owner_changes/0", "owner_changes entry 1 of action PM-2026-001-A1 was rewritten; the list is append-only")
    ]
    deleted = audit(tmp_path, base, actions(action(owner="bo.chen")))
    assert [f[3] for f in deleted] == ["owner_changes entry 1 of action PM-2026-001-A1 was deleted; the list is append-only"]


def test_unchanged_owner_and_new_actions_are_silent(tmp_path: Path) -> None:
    assert audit(tmp_path, actions(action()), actions(action(), action(2, owner="bo.chen"))) == []


def test_judge_handover_ignores_lists_and_malformed_entries() -> None:
    assert judge_handover({"owner": "alice.ng"}, {"owner": ["alice.ng", "bo.chen"]}) is None
    handover = judge_handover({"owner": "alice.ng"}, {"owner": "bo.chen", "owner_changes": [None, {"from": "alice.ng"}]})
    assert handover is not None and not handover.recorded


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
    bad, good = REGISTRY["PM106"].examples()
    assert bad is not None and good is not None
    assert _doc_example_verdict(tmp_path / "bad", monkeypatch, bad) == ["PM106"]
    assert _doc_example_verdict(tmp_path / "good", monkeypatch, good) == []
