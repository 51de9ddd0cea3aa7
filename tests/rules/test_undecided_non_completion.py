from __future__ import annotations

from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.conftest import RunCheck
from tests.rules.where import where


def action(status: str = "wont_do", priority: str = "P2", closure: str = "") -> str:
    return f"""
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: {priority}
    owner: alice.ng
    status: {status}
    success_criteria: canary blocks regressed prompts
{closure}
  - id: PM-2026-001-A2
    title: Ground refund answers in the policy document
    type: prevent
    priority: P2
    owner: bo.chen
    due: 2026-07-15
    status: open
"""


def pm306(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "PM306"]


COMPLETE = """    closure:
      decision: {decision}
      rationale: the pipeline is retired in July
      decided_by: {by}
      decided_at: 2026-06-12"""


def test_no_closure_points_at_the_action(run: RunCheck, repo: Path) -> None:
    findings = pm306(run(action()))
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "id: PM-2026-001-A1")
    assert findings[0].message == "action PM-2026-001-A1 is wont_do with no closure decision"


def test_incomplete_closure_names_what_is_missing(run: RunCheck, repo: Path) -> None:
    findings = pm306(run(action(closure="    closure:\n      decision: wont_do\n      rationale: retired")))
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "closure:")
    assert "lacks decided_by, decided_at" in findings[0].message


def test_superseded_needs_its_replacement(run: RunCheck) -> None:
    closure = COMPLETE.format(decision="superseded", by="carol.wu")
    findings = pm306(run(action(status="superseded", closure=closure)))
    assert len(findings) == 1 and "superseded_by" in findings[0].message
    closure += "\n      superseded_by: PM-2026-001-A2"
    assert not pm306(run(action(status="superseded", closure=closure)))


def test_critical_closure_needs_an_approver(run: RunCheck, repo: Path) -> None:
    findings = pm306(run(action(priority="P1", closure=COMPLETE.format(decision="wont_do", by="bo.chen"))))
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "decided_by: bo.chen")
    assert "neither an approver nor an executive sponsor" in findings[0].message
    for decider in ("carol.wu", "dana.kim"):
        assert not pm306(run(action(priority="P1", closure=COMPLETE.format(decision="wont_do", by=decider))))


def test_near_misses_do_not_fire(run: RunCheck, repo: Path) -> None:
    # A non-critical closure may be decided by anyone; open actions need no closure.
    assert not pm306(run(action(closure=COMPLETE.format(decision="risk_accepted", by="bo.chen"))))
    # Without a roster the role is not checked.
    (repo / "people.yaml").unlink()
    assert not pm306(run(action(priority="P1", closure=COMPLETE.format(decision="wont_do", by="bo.chen"))))
