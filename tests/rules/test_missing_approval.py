from __future__ import annotations

from pathlib import Path

import pytest

from pmcheck.findings import Finding
from tests.rules.conftest import RunCheck
from tests.rules.where import where


def pm402(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "PM402"]


def test_no_approvers_points_at_status(run: RunCheck, repo: Path) -> None:
    findings = pm402(run("status: published\n"))
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "status: published")
    assert findings[0].message == "postmortem PM-2026-001 is published but nobody approved it"


def test_owner_approval_alone_points_at_approvers(run: RunCheck, repo: Path) -> None:
    fragment = "status: reviewed\napprovers:\n  - {person: alice.ng, decision: approved, at: 2026-06-12T10:00:00Z}\n"
    findings = pm402(run(fragment))
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "approvers:")
    assert "only its owner alice.ng approved it" in findings[0].message


def test_a_later_change_request_withdraws_an_approval(run: RunCheck) -> None:
    fragment = """status: reviewed
approvers:
  - {person: carol.wu, decision: changes_requested, at: 2026-06-13T10:00:00Z}
  - {person: carol.wu, decision: approved, at: 2026-06-12T10:00:00Z}
"""
    assert len(pm402(run(fragment))) == 1


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_before_review_no_approval_is_needed(run: RunCheck, status: str) -> None:
    assert not pm402(run(f"status: {status}\n"))


def test_another_approver_satisfies_it(run: RunCheck) -> None:
    fragment = """status: closed
approvers:
  - {person: femi.ade, decision: changes_requested, at: 2026-06-10T10:00:00Z}
  - {person: carol.wu, decision: approved, at: 2026-06-12T10:00:00Z}
"""
    assert not pm402(run(fragment))


def test_an_empty_approvers_list_is_pointed_at(run: RunCheck, repo: Path) -> None:
    findings = pm402(run("status: published\napprovers: []\n"))
    assert [(f.line, f.column, f.pointer) for f in findings] == [(*where(repo, "PM-2026-001", "approvers:"), "/approvers")]
