from __future__ import annotations

from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.conftest import RunCheck
from tests.rules.where import where

HEAD = "severity: SEV-1\nexecutive_sponsor: dana.kim\nreviews:\n  - {date: 2026-06-12}\nactions:\n"


def action(n: int, type_: str, status: str = "open") -> str:
    text = f"""  - id: PM-2026-001-A{n}
    title: Step {n} of the refund fix
    type: {type_}
    priority: P0
    owner: alice.ng
    due: 2026-06-30
    status: {status}
    success_criteria: eval pass rate >= 99%
"""
    if status == "wont_do":
        text += "    closure: {decision: wont_do, rationale: r, decided_by: dana.kim, decided_at: 2026-06-10}\n"
    return text


def pm403(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "PM403"]


def test_only_detect_and_process_actions_point_at_actions(run: RunCheck, repo: Path) -> None:
    findings = pm403(run(HEAD + action(1, "detect") + action(2, "process")))
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "actions:")
    assert findings[0].message == "SEV-1 postmortem PM-2026-001 has no prevent or mitigate action"


def test_a_dropped_prevent_action_does_not_count(run: RunCheck) -> None:
    assert pm403(run(HEAD + action(1, "detect") + action(2, "prevent", status="wont_do")))


def test_near_misses_do_not_fire(run: RunCheck) -> None:
    assert not pm403(run(HEAD + action(1, "detect") + action(2, "mitigate")))
    # Not a critical severity.
    sev3 = HEAD.replace("SEV-1", "SEV-3") + action(1, "detect").replace("P0", "P2")
    assert not pm403(run(sev3))
