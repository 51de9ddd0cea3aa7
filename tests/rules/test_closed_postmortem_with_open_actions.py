from __future__ import annotations

from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.conftest import RunCheck
from tests.rules.where import where


def fragment(pm_status: str, *actions: tuple[str, str]) -> str:
    out = f"status: {pm_status}\napprovers:\n  - {{person: carol.wu, decision: approved, at: 2026-06-12T10:00:00Z}}\nactions:\n"
    for n, (priority, status) in enumerate(actions, start=1):
        out += f"""  - id: PM-2026-001-A{n}
    title: Step {n} of the refund fix
    type: prevent
    priority: {priority}
    owner: alice.ng
    due: 2026-06-30
    status: {status}
    success_criteria: eval pass rate >= 99%
"""
        if status in ("done", "verified"):
            out += "    completed_at: 2026-06-10\n    evidence:\n      - {type: commit, ref: 9f1c2ab}\n"
        if status == "verified":
            out += "    verification: {by: femi.ade, at: 2026-06-11, result: pass}\n"
    return out


def pm307(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "PM307"]


def test_each_open_action_is_pointed_at(run: RunCheck, repo: Path) -> None:
    findings = pm307(run(fragment("closed", ("P2", "open"), ("P2", "done"), ("P3", "blocked"))))
    assert [f.action for f in findings] == ["PM-2026-001-A1", "PM-2026-001-A3"]
    assert (findings[1].line, findings[1].column) == where(repo, "PM-2026-001", "status: blocked")
    assert findings[1].message == "postmortem PM-2026-001 is closed but action PM-2026-001-A3 is still blocked"


def test_unverified_critical_done_is_left_to_pm305(run: RunCheck) -> None:
    found = run(fragment("closed", ("P1", "done")))
    assert [f.code for f in found] == ["PM305"]


def test_done_is_open_when_the_policy_says_so(run: RunCheck) -> None:
    policy = {"priorities": {"P0": {}, "P1": {}, "P2": {"done_is_terminal": False}, "P3": {}}}
    assert [f.action for f in pm307(run(fragment("closed", ("P2", "done")), policy=policy))] == ["PM-2026-001-A1"]


def test_near_misses_do_not_fire(run: RunCheck) -> None:
    assert not pm307(run(fragment("published", ("P2", "open"))))
    assert not pm307(run(fragment("closed", ("P1", "verified"), ("P2", "done"))))
