"""The log agrees with `pmcheck check` on actions the check leaves alone or tells apart.

- A `done` P1 past due that waits for its verification is PM305's alone (SPEC section 6,
  PM205's row): the log flags it "awaiting verification" and nothing else — no escalation owed,
  no "escalation waived" without a waiver, no row in the Escalations section.
- Two actions that share an id (PM005) stay two actions: the decision line of one never takes
  the due date, priority or decider of the other.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from tests.cli_runner import run_pmcheck

AS_OF = "2026-11-30"

PEOPLE = """\
people:
  alice.ng: {name: Alice Ng, team: payments, roles: [engineer]}
  bo.li: {name: Bo Li, team: payments, roles: [engineer]}
  carol.wu: {name: Carol Wu, team: payments, roles: [manager, approver]}
  dana.kim: {name: Dana Kim, team: exec, roles: [exec_sponsor, approver]}
teams:
  payments: {manager: carol.wu}
"""


def postmortem(pm_id: str, actions: str) -> str:
    return textwrap.dedent(
        f"""\
        schema_version: 1
        id: {pm_id}
        title: Checkout assistant charged twice
        severity: SEV-2
        status: in_review
        incident: {{started_at: 2026-10-20T10:00:00Z, resolved_at: 2026-10-20T12:00:00Z}}
        owner: alice.ng
        executive_sponsor: dana.kim
        reviews: [{{date: 2026-11-28}}]
        actions:
        """
    ) + textwrap.dedent(actions)


def repository(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "people.yaml").write_text(PEOPLE)
    (tmp_path / "postmortems").mkdir()
    for name, text in files.items():
        (tmp_path / "postmortems" / name).write_text(text)
    return tmp_path


def section(log: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", log, re.M | re.S)
    assert match, title
    return match[1]


DONE_AWAITING = """\
  - id: PM-2026-002-A1
    title: Alert on duplicate charges
    type: prevent
    priority: P1
    owner: bo.li
    due: 2026-11-01
    status: done
    completed_at: 2026-10-30
    success_criteria: alert fires within 5 minutes of a duplicate charge
    evidence: [{type: pull_request, url: "https://github.com/x/y/pull/1"}]
"""


def test_a_done_action_awaiting_verification_owes_a_verifier_not_an_escalation(tmp_path: Path) -> None:
    root = repository(tmp_path, {"PM-2026-002.yaml": postmortem("PM-2026-002", DONE_AWAITING)})
    code, out, _ = run_pmcheck("check", str(root), "--as-of", AS_OF, "--format", "json")
    codes = sorted(set(re.findall(r'"code": "(PM\d+)"', out)))
    assert codes == ["PM305"], out

    code, log, err = run_pmcheck("render", str(root), "--stdout", "--as-of", AS_OF)
    assert code == 0, err
    agenda = section(log, "Review agenda")
    row = next(line for line in agenda.splitlines() if "PM-2026-002-A1" in line)
    assert "**awaiting verification**" in row
    assert "escalation" not in row
    assert "PM-2026-002-A1" not in section(log, "Escalations")
    assert "no escalation is missing" in log or "escalation is missing" not in log.split("##")[0]


def test_escalation_waived_is_said_only_when_a_waiver_did_it(tmp_path: Path) -> None:
    overdue = DONE_AWAITING.replace("status: done\n    completed_at: 2026-10-30\n", "status: in_progress\n")
    waived = overdue + textwrap.indent(
        "waivers: [{rule: PM206, reason: vendor fix lands first, approved_by: dana.kim, expires: 2026-12-20}]\n", "    "
    )
    root = repository(tmp_path, {"PM-2026-002.yaml": postmortem("PM-2026-002", waived)})
    _, log, _ = run_pmcheck("render", str(root), "--stdout", "--as-of", AS_OF)
    assert "escalation waived" in section(log, "Review agenda")

    (root / "pmcheck.yaml").write_text("rules: {PM206: off}\n")
    (root / "postmortems" / "PM-2026-002.yaml").write_text(postmortem("PM-2026-002", overdue))
    _, log, _ = run_pmcheck("render", str(root), "--stdout", "--as-of", AS_OF)
    agenda = section(log, "Review agenda")
    assert "escalation waived" not in agenda and "escalation missing" not in agenda


def test_a_duplicated_action_id_does_not_take_over_the_real_actions_decision(tmp_path: Path) -> None:
    real = """\
      - id: PM-2026-101-A1
        title: Page the on-call on duplicate charges
        type: detect
        priority: P1
        owner: alice.ng
        due: 2026-11-10
        status: in_progress
        success_criteria: the page fires within 5 minutes
    """
    copy = """\
      - id: PM-2026-101-A1
        title: Another action that reuses the id
        type: detect
        priority: P2
        owner: bo.li
        due: 2026-12-01
        status: open
    """
    root = repository(
        tmp_path,
        {
            "PM-2026-101.yaml": postmortem("PM-2026-101", real),
            "PM-2026-103.yaml": postmortem("PM-2026-103", copy),
        },
    )
    code, log, err = run_pmcheck("render", str(root), "--stdout", "--as-of", AS_OF)
    assert code == 0, err
    decisions = section(log, "Decisions needed")
    overdue = [line for line in decisions.splitlines() if "Extend or escalate" in line]
    assert len(overdue) == 1, decisions
    assert "(P1, 20 days overdue)" in overdue[0]
    assert "2026-11-10" in overdue[0] and "2026-12-01" not in overdue[0]
