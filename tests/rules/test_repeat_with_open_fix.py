from __future__ import annotations

from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.conftest import RunCheck
from tests.rules.where import where

EARLIER_HEAD = """id: PM-2026-001
failure_modes: [hallucination, latency]
contributing_factors:
  - {id: CF1, category: hallucination, description: no grounding}
  - {id: CF2, category: latency, description: slow retrieval}
actions:
"""


def fix(n: int, status: str = "open", type_: str = "prevent", addresses: str = "", extra: str = "") -> str:
    text = f"""  - id: PM-2026-001-A{n}
    title: Fix {n}
    type: {type_}
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: {status}
"""
    if addresses:
        text += f"    addresses: {addresses}\n"
    return text + extra


DONE = "    completed_at: {day}\n    evidence: [{{type: commit, ref: 9f1c2ab}}]\n"


def recurrence(modes: str = "[hallucination]", relation: str = "recurrence") -> str:
    return f"""id: PM-2026-002
failure_modes: {modes}
incident:
  started_at: 2026-06-10T08:00:00Z
related_incidents:
  - {{id: PM-2026-003, relation: related}}
  - {{id: PM-2026-001, relation: {relation}}}
"""


OTHER = "id: PM-2026-003\nworkflow: other-flow\nservices: [other]\nfailure_modes: [capacity]\n"


def pm502(run: RunCheck, earlier_actions: str, later: str | None = None) -> list[Finding]:
    docs = {"PM-2026-001": EARLIER_HEAD + earlier_actions, "PM-2026-002": later or recurrence(), "PM-2026-003": OTHER}
    return [f for f in run(docs) if f.code == "PM502"]


def test_open_fix_points_at_the_link_and_names_the_actions(run: RunCheck, repo: Path) -> None:
    findings = pm502(run, fix(1) + fix(2, type_="mitigate", addresses="[CF1]") + fix(3, type_="detect"))
    assert len(findings) == 1
    f = findings[0]
    assert f.path == "postmortems/PM-2026-002.yaml" and f.postmortem == "PM-2026-002"
    assert (f.line, f.column) == where(repo, "PM-2026-002", "{id: PM-2026-001")
    assert f.message == (
        "postmortem PM-2026-002 is a recurrence of PM-2026-001, whose fixes PM-2026-001-A1, PM-2026-001-A2 "
        "for hallucination were not finished when this incident started on 2026-06-10"
    )


def test_a_fix_for_another_failure_mode_does_not_count(run: RunCheck) -> None:
    assert not pm502(run, fix(1, addresses="[CF2]"))
    # Without `addresses`, the earlier postmortem's failure modes decide.
    assert pm502(run, fix(1), recurrence("[latency]"))
    assert not pm502(run, fix(1), recurrence("[capacity]"))


def test_completed_after_the_recurrence_started_was_still_open(run: RunCheck) -> None:
    assert pm502(run, fix(1, status="done", extra=DONE.format(day="2026-06-11")))
    assert not pm502(run, fix(1, status="done", extra=DONE.format(day="2026-06-10")))


def test_verification_dates_a_fix_that_needs_it(run: RunCheck) -> None:
    verified = DONE.format(day="2026-06-01") + "    verification: {by: femi.ade, at: 2026-06-12, result: pass}\n"
    assert pm502(run, fix(1, status="verified", extra=verified))
    verified = DONE.format(day="2026-06-01") + "    verification: {by: femi.ade, at: 2026-06-02, result: pass}\n"
    assert not pm502(run, fix(1, status="verified", extra=verified))


def test_a_closure_decided_before_the_recurrence_is_terminal(run: RunCheck) -> None:
    closure = "    closure: {{decision: wont_do, rationale: r, decided_by: carol.wu, decided_at: {day}}}\n"
    assert not pm502(run, fix(1, status="wont_do", extra=closure.format(day="2026-06-05")))
    assert pm502(run, fix(1, status="wont_do", extra=closure.format(day="2026-06-12")))


def test_only_recurrence_links_count(run: RunCheck) -> None:
    assert not pm502(run, fix(1), recurrence(relation="related"))


def test_a_recurrence_link_back_to_a_later_incident_is_not_a_repeat(run: RunCheck) -> None:
    # Both postmortems link each other as recurrences; only the later one repeats the earlier.
    earlier = EARLIER_HEAD.replace("id: PM-2026-001\n", "id: PM-2026-001\nrelated_incidents: [{id: PM-2026-002, relation: recurrence}]\n")
    later = recurrence() + "actions:\n" + fix(1).replace("PM-2026-001", "PM-2026-002")
    docs = {"PM-2026-001": earlier + fix(1), "PM-2026-002": later, "PM-2026-003": OTHER}
    findings = [f for f in run(docs) if f.code == "PM502"]
    assert [f.postmortem for f in findings] == ["PM-2026-002"]
