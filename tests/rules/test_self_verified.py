from __future__ import annotations

from pathlib import Path

from tests.rules.conftest import RunCheck
from tests.rules.where import where


def action(verifier: str) -> str:
    return f"""
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: verified
    completed_at: 2026-06-10
    evidence:
      - {{type: commit, ref: 9f1c2ab}}
    verification:
      result: pass
      by: {verifier}
      at: 2026-06-12
"""


def test_owner_as_verifier_points_at_by(run: RunCheck, repo: Path) -> None:
    findings = [f for f in run(action("alice.ng")) if f.code == "PM304"]
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "by: alice.ng")
    assert findings[0].message == "action PM-2026-001-A1 is verified by its owner alice.ng"


def test_another_verifier_does_not_fire(run: RunCheck) -> None:
    assert not [f for f in run(action("femi.ade")) if f.code == "PM304"]
