from __future__ import annotations

from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.conftest import RunCheck
from tests.rules.where import where


def action(status: str = "done", extra: str = "") -> str:
    return f"""
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: {status}
    completed_at: 2026-06-10
{extra}"""


def pm302(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "PM302"]


def test_done_without_evidence_points_at_the_action(run: RunCheck, repo: Path) -> None:
    findings = pm302(run(action()))
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "id: PM-2026-001-A1")
    assert findings[0].message == "action PM-2026-001-A1 is done with no evidence"


def test_an_empty_list_is_pointed_at(run: RunCheck, repo: Path) -> None:
    findings = pm302(run(action(extra="    evidence: []")))
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "evidence:")


def test_a_tracker_link_is_not_evidence_and_the_message_says_so(run: RunCheck) -> None:
    findings = pm302(run(action(status="verified", extra=(
        '    tracker: {url: "https://tracker.example.com/REL-1"}\n'
        "    verification: {by: femi.ade, at: 2026-06-11, result: pass}"
    ))))
    assert len(findings) == 1
    assert "verified" in findings[0].message and "tracker link is tracking, not evidence" in findings[0].message


def test_near_misses_do_not_fire(run: RunCheck) -> None:
    evidence = "    evidence:\n      - {type: commit, ref: 9f1c2ab}"
    assert not pm302(run(action(extra=evidence)))
    # Open work needs no evidence yet.
    assert not pm302(run(action(status="in_progress")))
