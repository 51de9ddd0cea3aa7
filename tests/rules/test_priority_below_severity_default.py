from __future__ import annotations

from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.conftest import RunCheck
from tests.rules.where import where


def fragment(severity: str, priority: str, rationale: str = "") -> str:
    sponsor = "executive_sponsor: dana.kim\n" if severity in ("SEV-1", "SEV-2") else ""
    return f"""severity: {severity}
{sponsor}actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: {priority}
    owner: alice.ng
    due: 2026-06-30
    status: open
    success_criteria: eval pass rate >= 99%
{rationale}"""


def pm404(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "PM404"]


def test_below_default_points_at_priority(run: RunCheck, repo: Path) -> None:
    findings = pm404(run(fragment("SEV-1", "P2")))
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "priority: P2")
    assert findings[0].message == "action PM-2026-001-A1 is P2, below the P0 that SEV-1 calls for, with no rationale"
    assert findings[0].severity.label == "warning"


def test_near_misses_do_not_fire(run: RunCheck) -> None:
    assert not pm404(run(fragment("SEV-2", "P1")))
    assert not pm404(run(fragment("SEV-2", "P0")))
    assert not pm404(run(fragment("SEV-3", "P3", "    priority_rationale: a vetted template answers refunds meanwhile")))


def test_blank_rationale_does_not_count(run: RunCheck) -> None:
    assert pm404(run(fragment("SEV-4", "P3").replace("SEV-4", "SEV-3") + '    priority_rationale: " "\n'))


def test_the_default_comes_from_the_policy(run: RunCheck) -> None:
    policy = {"severities": {"SEV-1": {"critical": True, "default_priority": "P0"}, "SEV-2": {"critical": True, "default_priority": "P1"}, "SEV-3": {"default_priority": "P3"}, "SEV-4": {}}}
    assert not pm404(run(fragment("SEV-3", "P3"), policy=policy))


def test_actions_decided_not_to_be_done_are_left_out(run: RunCheck) -> None:
    closure = (
        "    closure: {decision: wont_do, rationale: replaced by a vendor fix, decided_by: dana.kim,"
        " decided_at: 2026-06-10}\n"
    )
    text = fragment("SEV-1", "P2").replace("status: open", "status: wont_do") + closure
    assert not pm404(run(text))
