from __future__ import annotations

from pathlib import Path

from tests.rules.conftest import RunCheck
from tests.rules.where import where


def action(priority: str = "P1", status: str = "open", extra: str = "") -> str:
    return f"""
actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: {priority}
    owner: alice.ng
    due: 2026-06-30
    status: {status}
{extra}"""


def test_critical_priority_without_criteria_points_at_the_action(run: RunCheck, repo: Path) -> None:
    findings = [f for f in run(action()) if f.code == "PM301"]
    assert len(findings) == 1
    f = findings[0]
    assert (f.line, f.column) == where(repo, "PM-2026-001", "id: PM-2026-001-A1")
    assert f.action == "PM-2026-001-A1"
    assert "P1" in f.message and f.severity.label == "error"


def test_any_action_of_a_critical_postmortem_needs_criteria(run: RunCheck) -> None:
    fragment = "severity: SEV-2\nexecutive_sponsor: dana.kim\n" + action(priority="P1")
    fragment = fragment.replace("priority: P1", "priority: P2\n    priority_rationale: interim template is live")
    findings = [f for f in run(fragment) if f.code == "PM301"]
    assert [f.action for f in findings] == ["PM-2026-001-A1"]
    assert "SEV-2" in findings[0].message


def test_blank_criteria_count_as_missing(run: RunCheck) -> None:
    found = run(action(extra='    success_criteria: "   "'))
    assert [f.code for f in found if f.code == "PM301"] == ["PM301"]


def test_near_misses_do_not_fire(run: RunCheck) -> None:
    # A non-critical priority in a non-critical postmortem needs no criteria.
    assert not [f for f in run(action(priority="P2")) if f.code == "PM301"]
    # Actions that will not be done are not measured.
    closure = "    closure: {decision: wont_do, rationale: retired, decided_by: carol.wu, decided_at: 2026-06-10}"
    assert not [f for f in run(action(status="wont_do", extra=closure)) if f.code == "PM301"]


def test_criticality_comes_from_the_policy(run: RunCheck) -> None:
    policy = {"priorities": {"P0": {"critical": True}, "P1": {"critical": False}, "P2": {}, "P3": {}}}
    assert not [f for f in run(action(priority="P1"), policy=policy) if f.code == "PM301"]


def test_blank_criteria_point_at_the_key(run: RunCheck, repo: Path) -> None:
    found = [f for f in run(action(extra='    success_criteria: "   "')) if f.code == "PM301"]
    assert [(f.line, f.column, f.pointer) for f in found] == [
        (*where(repo, "PM-2026-001", "success_criteria:"), "/actions/0/success_criteria")
    ]
