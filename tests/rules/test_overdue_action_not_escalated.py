from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.rules.action_fragments import ACTIONS_LINE, action, actions, of
from tests.rules.conftest import RunCheck

AS_OF = dt.date(2026, 6, 15)
SPONSOR = "executive_sponsor: dana.kim\n"


def escalation(to: str, at: str, level: str) -> str:
    return f"escalations:\n  - {{to: {to}, at: {at}, level: {level}, reason: still open}}\n"


def timeline(at: str) -> str:
    return f"mitigation_timeline:\n  - {{at: {at}, plan: ship the gate by 2026-06-19, by: alice.ng}}\n"


def test_p0_escalated_to_the_sponsor_on_the_due_date_passes_pm206_and_pm207(run: RunCheck) -> None:
    text = actions(
        action(priority="P0", due="2026-06-14", extra=escalation("dana.kim", "2026-06-14", "exec_sponsor")),
        tail=SPONSOR + timeline("2026-06-14"),
    )
    findings = run(text, as_of=AS_OF)
    assert of(findings, "PM206") == []
    assert of(findings, "PM207") == []
    assert len(of(findings, "PM205")) == 1


def test_p0_overdue_one_day_without_escalation_points_at_the_action(run: RunCheck) -> None:
    found = of(run(actions(action(priority="P0", due="2026-06-14"), tail=SPONSOR), as_of=AS_OF), "PM206")
    assert [(f.line, f.column, f.pointer, f.action, f.severity.label) for f in found] == [
        (ACTIONS_LINE + 1, 5, "/actions/0", "PM-2026-001-A1", "error")
    ]
    assert found[0].message == (
        "P0 action PM-2026-001-A1 is 1 day overdue: its executive sponsor dana.kim should have been told "
        "since 2026-06-15, but no escalation to dana.kim dated on or after the due date 2026-06-14 is recorded"
    )
    assert "to: dana.kim" in found[0].hint


def test_p0_escalated_to_someone_else_fails(run: RunCheck) -> None:
    text = actions(
        action(priority="P0", due="2026-06-14", extra=escalation("carol.wu", "2026-06-14", "exec_sponsor")),
        tail=SPONSOR + timeline("2026-06-14"),
    )
    found = of(run(text, as_of=AS_OF), "PM206")
    assert [f.pointer for f in found] == ["/actions/0/escalations"]
    assert "dana.kim" in found[0].message


def test_escalation_before_the_due_date_does_not_count(run: RunCheck) -> None:
    text = actions(
        action(priority="P0", due="2026-06-14", extra=escalation("dana.kim", "2026-06-13", "exec_sponsor")),
        tail=SPONSOR + timeline("2026-06-14"),
    )
    assert len(of(run(text, as_of=AS_OF), "PM206")) == 1


def test_p0_due_today_is_not_overdue(run: RunCheck) -> None:
    assert of(run(actions(action(priority="P0", due="2026-06-15"), tail=SPONSOR), as_of=AS_OF), "PM206") == []


def test_p1_seven_days_overdue_needs_the_manager_not_yet_the_sponsor(run: RunCheck) -> None:
    found = of(run(actions(action(priority="P1", due="2026-06-08"), tail=SPONSOR), as_of=AS_OF), "PM206")
    assert len(found) == 1
    assert "its owner's manager carol.wu should have been told since 2026-06-15" in found[0].message
    assert "dana.kim" not in found[0].message


def test_p1_six_days_overdue_needs_nobody_yet(run: RunCheck) -> None:
    assert of(run(actions(action(priority="P1", due="2026-06-09"), tail=SPONSOR), as_of=AS_OF), "PM206") == []


def test_p1_escalated_to_the_manager_passes(run: RunCheck) -> None:
    text = actions(
        action(priority="P1", due="2026-06-08", extra=escalation("carol.wu", "2026-06-10", "manager")),
        tail=SPONSOR + timeline("2026-06-10"),
    )
    assert of(run(text, as_of=AS_OF), "PM206") == []


def test_p1_thirty_days_overdue_also_needs_the_sponsor(run: RunCheck) -> None:
    text = actions(
        action(priority="P1", due="2026-05-16", extra=escalation("carol.wu", "2026-05-23", "manager")),
        tail=SPONSOR + timeline("2026-05-23"),
    )
    found = of(run(text, as_of=AS_OF), "PM206")
    assert len(found) == 1
    assert "executive sponsor dana.kim should have been told since 2026-06-15" in found[0].message
    # 29 days overdue: only the manager rung.
    assert of(run(text, as_of=AS_OF - dt.timedelta(days=1)), "PM206") == []


def test_each_missed_rung_is_a_finding(run: RunCheck) -> None:
    found = of(run(actions(action(priority="P1", due="2026-05-01"), tail=SPONSOR), as_of=AS_OF), "PM206")
    messages = sorted(f.message for f in found)
    assert len(messages) == 2
    assert "executive sponsor dana.kim" in messages[0] and "manager carol.wu" in messages[1]


def test_without_a_sponsor_any_exec_sponsor_escalation_counts(run: RunCheck) -> None:
    found = of(run(actions(action(priority="P0", due="2026-06-14")), as_of=AS_OF), "PM206")
    assert len(found) == 1
    assert "its executive sponsor (not known from the files)" in found[0].message
    text = actions(action(priority="P0", due="2026-06-14", extra=escalation("femi.ade", "2026-06-14", "exec_sponsor")))
    assert of(run(text, as_of=AS_OF), "PM206") == []


def test_without_a_roster_any_manager_escalation_counts(run: RunCheck, repo: Path) -> None:
    (repo / "people.yaml").unlink()
    assert len(of(run(actions(action(priority="P1", due="2026-06-08")), as_of=AS_OF), "PM206")) == 1
    text = actions(action(priority="P1", due="2026-06-08", extra=escalation("femi.ade", "2026-06-08", "manager")))
    assert of(run(text, as_of=AS_OF), "PM206") == []


def test_manager_comes_from_the_owners_team(run: RunCheck) -> None:
    # femi.ade is in sre, whose manager is dana.kim.
    found = of(run(actions(action(priority="P1", owner="femi.ade", due="2026-06-08")), as_of=AS_OF), "PM206")
    assert "its owner's manager dana.kim" in found[0].message


@pytest.mark.parametrize(("priority", "status"), [("P0", "verified"), ("P1", "wont_do"), ("P0", "superseded")])
def test_terminal_actions_are_never_escalated(run: RunCheck, priority: str, status: str) -> None:
    text = actions(action(priority=priority, due="2026-05-01", status=status), tail=SPONSOR)
    assert of(run(text, as_of=AS_OF), "PM206") == []


def test_a_done_p0_waiting_for_verification_is_not_escalated(run: RunCheck) -> None:
    # The one thing missing is a verification: PM305 says so, alone.
    text = actions(action(priority="P0", due="2026-06-10", status="done"), tail=SPONSOR)
    found = run(text, as_of=AS_OF)
    assert of(found, "PM206") == []
    assert len(of(found, "PM305")) == 1


def test_priorities_without_a_ladder_are_not_escalated(run: RunCheck) -> None:
    assert of(run(actions(action(priority="P2", due="2026-04-01"), tail=SPONSOR), as_of=AS_OF), "PM206") == []


def test_a_manager_who_owns_the_action_is_not_escalated_to_themselves(run: RunCheck) -> None:
    # carol.wu manages ml-platform; seven days overdue, her own rung is skipped.
    text = actions(action(priority="P1", owner="carol.wu", due="2026-06-08"), tail=SPONSOR)
    assert of(run(text, as_of=AS_OF), "PM206") == []
    # The sponsor rung after 30 days still applies.
    late = actions(action(priority="P1", owner="carol.wu", due="2026-05-10"), tail=SPONSOR)
    (found,) = of(run(late, as_of=AS_OF), "PM206")
    assert "dana.kim" in found.message
