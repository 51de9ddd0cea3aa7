from __future__ import annotations

import datetime as dt

import pytest

from tests.rules.action_fragments import ACTIONS_LINE, action, actions, of
from tests.rules.conftest import RunCheck

AS_OF = dt.date(2026, 6, 15)


def test_due_today_is_not_overdue(run: RunCheck) -> None:
    assert of(run(actions(action(due="2026-06-15")), as_of=AS_OF), "PM205") == []


def test_due_yesterday_is_overdue(run: RunCheck) -> None:
    found = of(run(actions(action(due="2026-06-14")), as_of=AS_OF), "PM205")
    assert [(f.line, f.column, f.pointer, f.action) for f in found] == [
        (ACTIONS_LINE + 6, 5, "/actions/0/due", "PM-2026-001-A1")
    ]
    assert found[0].message == "P2 action PM-2026-001-A1 is 1 day overdue (due 2026-06-14, open)"


@pytest.mark.parametrize(("priority", "severity"), [("P0", "error"), ("P1", "error"), ("P2", "warning"), ("P3", "warning")])
def test_severity_follows_the_priority(run: RunCheck, priority: str, severity: str) -> None:
    found = of(run(actions(action(priority=priority, due="2026-06-01")), as_of=AS_OF), "PM205")
    assert [f.severity.label for f in found] == [severity]


def test_criticality_comes_from_the_policy(run: RunCheck) -> None:
    policy = {"priorities": {"P0": {"critical": False}, "P1": {}, "P2": {"critical": True}, "P3": {}}}
    findings = run(actions(action(1, priority="P0", due="2026-06-01"), action(2, priority="P2", due="2026-06-01")), as_of=AS_OF, policy=policy)
    assert [(f.action, f.severity.label) for f in of(findings, "PM205")] == [
        ("PM-2026-001-A1", "warning"),
        ("PM-2026-001-A2", "error"),
    ]


@pytest.mark.parametrize(("priority", "status"), [("P2", "done"), ("P3", "done"), ("P0", "verified"), ("P1", "wont_do"), ("P0", "superseded")])
def test_terminal_actions_are_never_overdue(run: RunCheck, priority: str, status: str) -> None:
    assert of(run(actions(action(priority=priority, due="2026-06-01", status=status)), as_of=AS_OF), "PM205") == []


@pytest.mark.parametrize("priority", ["P0", "P1"])
def test_a_done_critical_action_past_due_is_pm305_alone(run: RunCheck, priority: str) -> None:
    # One finding for one fact: the work is finished, its verification is missing.
    found = run(actions(action(priority=priority, due="2026-06-01", status="done")), as_of=AS_OF)
    assert sorted(f.code for f in found if f.code.startswith(("PM20", "PM30"))) == ["PM305"]


def test_as_of_decides(run: RunCheck) -> None:
    text = actions(action(due="2026-06-20"))
    assert of(run(text, as_of=dt.date(2026, 6, 20)), "PM205") == []
    assert len(of(run(text, as_of=dt.date(2026, 6, 21)), "PM205")) == 1


def test_a_done_action_waiting_for_verification_is_told_who_may_verify(run: RunCheck) -> None:
    done = of(run(actions(action(priority="P0", due="2026-06-01", status="done")), as_of=AS_OF), "PM305")
    assert done[0].hint.startswith("have someone other than the owner alice.ng, e.g. carol.wu (the owner's manager)")
    assert "finish it" not in done[0].hint
    still_open = of(run(actions(action(priority="P0", due="2026-06-01")), as_of=AS_OF), "PM205")
    assert still_open[0].hint.startswith("finish it")
