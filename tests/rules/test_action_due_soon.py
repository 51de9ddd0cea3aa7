from __future__ import annotations

import datetime as dt

import pytest

from tests.rules.action_fragments import ACTIONS_LINE, action, actions, of
from tests.rules.conftest import RunCheck

AS_OF = dt.date(2026, 6, 15)


def test_due_today_is_due_soon_not_overdue(run: RunCheck) -> None:
    findings = run(actions(action(due="2026-06-15")), as_of=AS_OF)
    found = of(findings, "PM204")
    assert [(f.line, f.column, f.pointer, f.severity.label) for f in found] == [
        (ACTIONS_LINE + 6, 5, "/actions/0/due", "info")
    ]
    assert found[0].message == "action PM-2026-001-A1 is due today (2026-06-15) and is open"
    assert of(findings, "PM205") == []


@pytest.mark.parametrize(("due", "fires"), [("2026-06-16", True), ("2026-06-17", True), ("2026-06-18", False), ("2026-06-14", False)])
def test_window_is_due_soon_days(run: RunCheck, due: str, fires: bool) -> None:
    assert bool(of(run(actions(action(due=due)), as_of=AS_OF), "PM204")) is fires


def test_window_comes_from_the_policy(run: RunCheck) -> None:
    assert of(run(actions(action(due="2026-06-16")), as_of=AS_OF, policy={"due_soon_days": 0}), "PM204") == []
    assert len(of(run(actions(action(due="2026-06-15")), as_of=AS_OF, policy={"due_soon_days": 0}), "PM204")) == 1
    assert len(of(run(actions(action(due="2026-06-22")), as_of=AS_OF, policy={"due_soon_days": 7}), "PM204")) == 1


@pytest.mark.parametrize(("priority", "status"), [("P2", "done"), ("P0", "verified"), ("P1", "wont_do"), ("P3", "superseded")])
def test_terminal_actions_are_never_due_soon(run: RunCheck, priority: str, status: str) -> None:
    assert of(run(actions(action(priority=priority, due="2026-06-15", status=status)), as_of=AS_OF), "PM204") == []


def test_a_done_p0_waiting_for_verification_is_not_due_soon(run: RunCheck) -> None:
    # Finished work waiting for its verification is PM305's (SPEC section 6, PM205's row).
    assert of(run(actions(action(priority="P0", due="2026-06-15", status="done")), as_of=AS_OF), "PM204") == []
    assert len(of(run(actions(action(priority="P0", due="2026-06-15", status="open")), as_of=AS_OF), "PM204")) == 1
