"""PM008 unknown-reference: ids and policy names that point at nothing."""

from __future__ import annotations

from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.action_fragments import ACTIONS_LINE, action, actions
from tests.rules.conftest import RunCheck
from tests.rules.where import where

FACTORS = "contributing_factors:\n  - {id: CF1, category: bad_deploy, description: no canary stage}\n"


def of(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.code == "PM008"]


def test_a_related_incident_that_is_not_in_the_repository(run: RunCheck, repo: Path) -> None:
    found = of(run("related_incidents: [{id: PM-2025-404, relation: related}]\n"))
    assert [(f.line, f.column, f.pointer) for f in found] == [
        (*where(repo, "PM-2026-001", "PM-2025-404"), "/related_incidents/0/id")
    ]
    assert found[0].message == "postmortem PM-2026-001 links PM-2025-404, which is no postmortem in this repository"
    assert found[0].severity.label == "error"


def test_a_related_incident_in_the_repository_is_known(run: RunCheck) -> None:
    other = "id: PM-2026-002\nrelated_incidents: [{id: PM-2026-001, relation: related}]\n"
    assert of(run({"PM-2026-001": "", "PM-2026-002": other})) == []


def test_an_action_addressing_a_factor_the_postmortem_does_not_list(run: RunCheck) -> None:
    found = of(run(FACTORS + actions(action(extra="addresses: [CF1, CF2]"))))
    assert [(f.pointer, f.action, f.message, f.hint) for f in found] == [
        ("/actions/0/addresses/1", "PM-2026-001-A1", "action PM-2026-001-A1 addresses CF2, which is not a contributing factor of PM-2026-001", "use one of CF1")
    ]


def superseded_by(target: str) -> str:
    closure = (
        "closure: {decision: superseded, rationale: replaced, decided_by: carol.wu,"
        f" decided_at: 2026-06-05, superseded_by: {target}}}"
    )
    text = action(status="superseded", extra=closure)
    # Drop the builder's own closure; the one above names the successor.
    return "".join(line for line in text.splitlines(keepends=True) if "risk_accepted" not in line)


def test_an_action_superseded_by_an_unknown_action(run: RunCheck) -> None:
    found = of(run(actions(action(2), superseded_by("PM-2026-009-A1"))))
    assert [(f.pointer, f.action) for f in found] == [("/actions/1/closure/superseded_by", "PM-2026-001-A1")]
    assert found[0].message == "action PM-2026-001-A1 is superseded by PM-2026-009-A1, which is no action in this repository"


def test_an_action_superseded_by_a_known_action(run: RunCheck) -> None:
    assert of(run(actions(action(2), superseded_by("PM-2026-001-A2")))) == []


def test_a_priority_the_policy_does_not_define(run: RunCheck) -> None:
    found = of(run(actions(action(priority="P7"))))
    assert [(f.line, f.column, f.pointer) for f in found] == [(ACTIONS_LINE + 4, 15, "/actions/0/priority")]
    assert found[0].message == "actions[0].priority: 'P7' is not a priority defined by the policy (P0, P1, P2, P3)"
    assert found[0].hint == "use one of P0, P1, P2, P3, or define it in pmcheck.yaml"


def test_a_failure_mode_the_policy_does_not_define(run: RunCheck, repo: Path) -> None:
    found = of(run("failure_modes: [gremlins]\n"))
    assert [(f.line, f.column, f.pointer) for f in found] == [(*where(repo, "PM-2026-001", "gremlins"), "/failure_modes/0")]


def test_a_failure_mode_the_policy_adds_is_known(run: RunCheck) -> None:
    assert of(run("failure_modes: [gremlins]\n", policy="failure_modes: [hallucination, gremlins]\n")) == []
