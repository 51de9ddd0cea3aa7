"""A policy with its own level names and thresholds: nothing in the deadline rules is hard-coded."""

from __future__ import annotations

import datetime as dt

from pmcheck.findings import Finding
from tests.rules.action_fragments import action, actions
from tests.rules.conftest import RunCheck

AS_OF = dt.date(2026, 6, 15)

POLICY = """\
severities:
  S1: {critical: true, review_every_days: 7, default_priority: P1}
  S2: {critical: true, review_every_days: 14, default_priority: P2}
  S3: {critical: false, review_every_days: 30, default_priority: P3}
  S4: {critical: false, review_every_days: 90, default_priority: P4}
priorities:
  P1: {critical: true, slo_days: 10, requires_verification: true, escalate: [{after_days_overdue: 2, to: exec_sponsor}], max_extensions: 1}
  P2: {critical: true, slo_days: 20, requires_verification: true, escalate: [{after_days_overdue: 5, to: manager}]}
  P3: {slo_days: 45, done_is_terminal: false}
  P4: {slo_days: 120, done_is_terminal: true}
"""

# The incident resolves 2026-06-01: limits P1 06-11, P2 06-21, P3 07-16, P4 09-29.
POSTMORTEM = actions(
    # On the P1 limit; 4 days overdue, past the 2-day sponsor rung, escalated to the sponsor.
    action(1, priority="P1", due="2026-06-11", extra="escalations: [{to: dana.kim, at: 2026-06-12, level: exec_sponsor}]"),
    # A day past the P1 limit; 3 days overdue and nobody told.
    action(2, priority="P1", due="2026-06-12"),
    # Extended with approval; 1 day overdue, not yet at the 2-day rung.
    action(
        3,
        priority="P1",
        due="2026-06-14",
        extra="deadline_changes: [{from: 2026-06-11, to: 2026-06-14, at: 2026-06-09, reason: vendor, approved_by: carol.wu}]",
    ),
    # 5 days overdue: the manager rung of P2 has been passed.
    action(4, priority="P2", due="2026-06-10"),
    # 4 days overdue: not yet.
    action(5, priority="P2", due="2026-06-11"),
    # `done` is not terminal for P3 here, but finished work waiting for its verification is never
    # overdue work (PM205 leaves it to PM305).
    action(6, priority="P3", due="2026-06-14", status="done"),
    # `done` is terminal for P4.
    action(7, priority="P4", due="2026-06-01", status="done"),
    action(8, priority="P4", due="2026-09-29"),
    action(9, priority="P4", due="2026-09-30"),
    action(10, priority="P3", due="2026-07-16"),
    action(11, priority="P3", due="2026-07-17"),
    tail="""
    severity: S2
    executive_sponsor: dana.kim
    mitigation_timeline:
      - {at: 2026-06-12, plan: ship by 2026-06-18, by: alice.ng}
    """,
)


def _by_code(findings: list[Finding], code: str) -> list[tuple[str | None, str]]:
    return sorted((f.action, f.severity.label) for f in findings if f.code == code)


def _a(n: int) -> str:
    return f"PM-2026-001-A{n}"


def test_renamed_levels_drive_slo_overdue_and_escalation(run: RunCheck) -> None:
    findings = run(POSTMORTEM, as_of=AS_OF, policy=POLICY)
    assert [f for f in findings if f.code in ("PM003", "PM008")] == []
    assert _by_code(findings, "PM202") == [(_a(11), "error"), (_a(2), "error"), (_a(9), "error")]
    assert _by_code(findings, "PM205") == sorted(
        [(_a(1), "error"), (_a(2), "error"), (_a(3), "error"), (_a(4), "error"), (_a(5), "error")]
    )
    escalations = {str(f.action): f.message for f in findings if f.code == "PM206"}
    assert sorted(escalations) == [_a(2), _a(4)]
    assert "executive sponsor dana.kim should have been told since 2026-06-14" in escalations[_a(2)]
    assert "owner's manager carol.wu should have been told since 2026-06-15" in escalations[_a(4)]
    assert [f.action for f in findings if f.code == "PM207"] == []
    assert [f.action for f in findings if f.code == "PM208"] == []


def test_slo_messages_name_the_renamed_priority(run: RunCheck) -> None:
    findings = run(POSTMORTEM, as_of=AS_OF, policy=POLICY)
    message = next(f.message for f in findings if f.code == "PM202" and f.action == _a(2))
    assert message == (
        "action PM-2026-001-A2 is due 2026-06-12, after 2026-06-11, the limit of the P1 SLO "
        "(10 days from the incident date 2026-06-01)"
    )


def test_one_day_earlier_the_rungs_are_not_yet_passed(run: RunCheck) -> None:
    # As of 06-13: A2 is 1 day overdue (< 2) and A4 3 days (< 5).
    findings = run(POSTMORTEM, as_of=dt.date(2026, 6, 13), policy=POLICY)
    assert _by_code(findings, "PM206") == []
    assert [a for a, _ in _by_code(findings, "PM205")] == [_a(1), _a(2), _a(4), _a(5)]


def test_the_renamed_critical_severity_needs_a_sponsor(run: RunCheck) -> None:
    without = POSTMORTEM.replace("executive_sponsor: dana.kim\n", "")
    assert [f.code for f in run(without, as_of=AS_OF, policy=POLICY) if f.code == "PM105"] == ["PM105"]
    s3 = without.replace("severity: S2", "severity: S3")
    assert [f.code for f in run(s3, as_of=AS_OF, policy=POLICY) if f.code == "PM105"] == []
