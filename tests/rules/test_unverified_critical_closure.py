from __future__ import annotations

from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.conftest import RunCheck
from tests.rules.where import where

APPROVED = "approvers:\n  - {person: carol.wu, decision: approved, at: 2026-06-12T10:00:00Z}\n"


def fragment(pm_status: str = "in_review", priority: str = "P1", due: str = "2026-06-30", status: str = "done") -> str:
    verification = "    verification: {by: femi.ade, at: 2026-06-11, result: pass}\n" if status == "verified" else ""
    return f"""
status: {pm_status}
{APPROVED}
actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: {priority}
    owner: alice.ng
    due: {due}
    status: {status}
    completed_at: 2026-06-09
    success_criteria: eval pass rate >= 99% on 500 prompts
    evidence:
      - {{type: commit, ref: 9f1c2ab}}
{verification}"""


def pm305(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "PM305"]


def test_done_past_due_points_at_status(run: RunCheck, repo: Path) -> None:
    findings = pm305(run(fragment(due="2026-06-14")))
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "status: done")
    assert "2026-06-14 has passed" in findings[0].message


def test_done_in_a_closed_postmortem(run: RunCheck) -> None:
    findings = run(fragment(pm_status="closed"))
    assert [f.code for f in findings] == ["PM305"]
    assert "PM-2026-001 is closed" in findings[0].message


def test_near_misses_do_not_fire(run: RunCheck) -> None:
    # Due today is not overdue, and the postmortem is still open.
    assert not pm305(run(fragment(due="2026-06-15")))
    # Verified, or a priority that needs no verification.
    assert not pm305(run(fragment(pm_status="closed", status="verified")))
    assert not pm305(run(fragment(pm_status="closed", priority="P2", due="2026-06-14")))


def test_requires_verification_comes_from_the_policy(run: RunCheck) -> None:
    policy = {"priorities": {"P0": {"requires_verification": True}, "P1": {}, "P2": {}, "P3": {}}}
    assert not pm305(run(fragment(due="2026-06-14"), policy=policy))


def test_verified_with_a_failed_verification_is_not_verified(run: RunCheck, repo: Path) -> None:
    text = fragment(status="verified").replace("result: pass", "result: fail")
    (found,) = pm305(run(text))
    assert found.pointer == "/actions/0/verification/result"
    assert "failed" in found.message and found.action == "PM-2026-001-A1"
    assert not pm305(run(fragment(status="verified")))
