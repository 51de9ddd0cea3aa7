"""A value a rule needs for one of its reasons holds back only that reason.

PM301 fires for a critical priority *or* a critical severity, PM305 for a past due date *or* a
closed postmortem, PM402 for "nobody approved it" whoever the owner is. An unknown severity,
priority, status or owner must not hide the findings the other reason gives: fixing the schema
error never reveals a finding that was there all along (SPEC section 2).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.cli_runner import run_pmcheck

AS_OF = "2026-11-30"
PEOPLE = """\
people:
  alice.ng: {name: Alice Ng, team: payments, roles: [engineer]}
  carol.wu: {name: Carol Wu, team: payments, roles: [manager, approver]}
  dana.kim: {name: Dana Kim, team: exec, roles: [exec_sponsor, approver]}
teams:
  payments: {manager: carol.wu}
"""


def postmortem(severity: str = "SEV-1", status: str = "in_review", owner: str = "alice.ng", priority: str = "P1") -> str:
    return textwrap.dedent(
        f"""\
        schema_version: 1
        id: PM-2026-002
        title: Checkout assistant charged twice
        severity: {severity}
        status: {status}
        incident: {{started_at: 2026-11-20T10:00:00Z, resolved_at: 2026-11-20T12:00:00Z}}
        owner: {owner}
        executive_sponsor: dana.kim
        reviews: [{{date: 2026-11-27}}]
        actions:
          - id: PM-2026-002-A1
            title: Alert on duplicate charges
            type: detect
            priority: {priority}
            owner: carol.wu
            due: 2026-11-25
            status: done
            completed_at: 2026-11-24
            evidence: [{{type: pull_request, url: "https://github.com/x/y/pull/1"}}]
          - id: PM-2026-002-A2
            title: Refund the doubled charges
            type: repair
            priority: P0
            owner: alice.ng
            due: 2026-12-10
            status: open
        """
    )


def findings(root: Path, text: str) -> tuple[set[tuple[str, str | None]], set[str]]:
    root.mkdir(exist_ok=True)
    (root / "people.yaml").write_text(PEOPLE)
    (root / "postmortems").mkdir(exist_ok=True)
    (root / "postmortems" / "PM-2026-002.yaml").write_text(text)
    code, out, err = run_pmcheck("check", str(root), "--as-of", AS_OF, "--format", "json", "--no-cache")
    assert code in (0, 1), err
    found = json.loads(out)["findings"]
    schema = {f["code"] for f in found if f["code"] in ("PM003", "PM008")}
    rules = {(f["code"], f["action"]) for f in found if f["code"] not in ("PM003", "PM008")}
    return rules, schema


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        # An unknown postmortem status: PM305's past-due reason still holds for A1.
        ({"status": "finished"}, {("PM305", "PM-2026-002-A1")}),
        # An unknown severity: A2 is a P0, so its missing success criteria are still PM301.
        ({"severity": "SEV-9"}, {("PM301", "PM-2026-002-A2")}),
        # An unknown priority on A1 in a SEV-1 postmortem: any action of it needs criteria.
        ({"priority": "P5"}, {("PM301", "PM-2026-002-A1")}),
    ],
    ids=["status", "severity", "priority"],
)
def test_an_unknown_value_holds_back_only_the_reason_that_needs_it(
    tmp_path: Path, broken: dict[str, str], expected: set[tuple[str, str | None]]
) -> None:
    fixed_rules, fixed_schema = findings(tmp_path / "fixed", postmortem())
    assert not fixed_schema
    broken_rules, broken_schema = findings(tmp_path / "broken", postmortem(**broken))
    assert broken_schema, "the broken copy must carry a schema finding"
    assert expected <= broken_rules
    # Nothing the schema error does not touch is hidden or invented.
    assert broken_rules <= fixed_rules
    assert expected <= fixed_rules


def test_an_unknown_owner_still_lets_nobody_approved_it_through(tmp_path: Path) -> None:
    text = postmortem(status="published", owner="Alice Ng")  # not a person id: unknown
    rules, schema = findings(tmp_path, text)
    assert schema
    assert ("PM402", None) in rules
