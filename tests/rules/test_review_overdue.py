from __future__ import annotations

import datetime as dt
from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.conftest import RunCheck
from tests.rules.where import where

INCIDENT = """severity: SEV-2
executive_sponsor: dana.kim
incident:
  started_at: 2026-05-20T09:00:00Z
  resolved_at: 2026-05-20T12:00:00Z
"""


def fragment(reviews: str = "", priority: str = "P1", status: str = "in_progress") -> str:
    closed = "    completed_at: 2026-06-01\n    evidence: [{type: commit, ref: 9f1c2ab}]\n" if status in ("done", "verified") else ""
    if status == "verified":
        closed += "    verification: {by: femi.ade, at: 2026-06-02, result: pass}\n"
    return INCIDENT + reviews + f"""actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: {priority}
    priority_rationale: interim template is live
    owner: alice.ng
    due: 2026-06-19
    status: {status}
    success_criteria: eval pass rate >= 99% on 500 prompts
{closed}"""


def pm401(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "PM401"]


def test_never_reviewed_counts_from_resolution_and_points_at_the_root(run: RunCheck) -> None:
    findings = pm401(run(fragment()))
    assert len(findings) == 1
    f = findings[0]
    assert f.pointer == "" and f.action is None and f.severity.label == "warning"
    assert "not been reviewed since the incident (2026-05-20), 26 days ago" in f.message
    assert "first reviewed within 14 days" in f.message and "PM-2026-001-A1" in f.message


def test_the_latest_review_counts_and_is_pointed_at(run: RunCheck, repo: Path) -> None:
    reviews = "reviews:\n  - {date: 2026-05-31}\n  - {date: 2026-05-25}\n"
    findings = pm401(run(fragment(reviews)))
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "reviews:")
    assert "last reviewed on 2026-05-31, 15 days ago" in findings[0].message


def test_exactly_the_cadence_is_not_overdue(run: RunCheck) -> None:
    reviews = "reviews:\n  - {date: 2026-06-01}\n"
    assert not pm401(run(fragment(reviews)))
    assert pm401(run(fragment(reviews), as_of=dt.date(2026, 6, 16)))


def test_only_open_critical_actions_need_the_cadence(run: RunCheck) -> None:
    assert not pm401(run(fragment(priority="P2")))
    assert not pm401(run(fragment(status="verified")))
    # Done is not terminal for P1: it still waits for verification, so it stays on the agenda.
    assert pm401(run(fragment(status="done")))


def test_the_cadence_comes_from_the_policy(run: RunCheck) -> None:
    policy = {"severities": {"SEV-1": {"critical": True}, "SEV-2": {"critical": True, "review_every_days": 30, "default_priority": "P1"}, "SEV-3": {}, "SEV-4": {}}}
    assert not pm401(run(fragment(), policy=policy))


def test_an_empty_reviews_list_is_pointed_at(run: RunCheck, repo: Path) -> None:
    findings = pm401(run(fragment("reviews: []\n")))
    assert [(f.line, f.column, f.pointer) for f in findings] == [(*where(repo, "PM-2026-001", "reviews:"), "/reviews")]


def test_the_first_review_has_its_own_deadline(run: RunCheck) -> None:
    # SEV-2 postmortems are reviewed every 30 days here, but the first review is due in 3.
    policy = {"severities": {
        "SEV-1": {"critical": True, "default_priority": "P0"},
        "SEV-2": {"critical": True, "review_every_days": 30, "postmortem_review_within_days": 3, "default_priority": "P1"},
        "SEV-3": {}, "SEV-4": {},
    }}
    (never,) = pm401(run(fragment(), policy=policy))
    assert "first reviewed within 3 days" in never.message
    assert not pm401(run(fragment("reviews:\n  - {date: 2026-05-22}\n"), policy=policy))
