from __future__ import annotations

import pytest

from tests.rules.action_fragments import ACTIONS_LINE, action, actions, of
from tests.rules.conftest import RunCheck


@pytest.mark.parametrize("status", ["open", "in_progress", "blocked"])
def test_open_action_without_due_points_at_the_action(run: RunCheck, status: str) -> None:
    found = of(run(actions(action(due=None, status=status))), "PM201")
    assert [(f.line, f.column, f.pointer, f.action) for f in found] == [
        (ACTIONS_LINE + 1, 5, "/actions/0", "PM-2026-001-A1")
    ]
    assert found[0].message == f"action PM-2026-001-A1 is {status} and has no due date"
    # P2: 60 days from the incident's resolved date 2026-06-01.
    assert "2026-07-31" in found[0].hint


def test_done_p0_is_not_terminal_and_needs_a_date(run: RunCheck) -> None:
    assert len(of(run(actions(action(due=None, priority="P0", status="done"))), "PM201")) == 1


@pytest.mark.parametrize(
    ("priority", "status"),
    [("P2", "done"), ("P3", "done"), ("P0", "verified"), ("P1", "wont_do"), ("P2", "superseded")],
)
def test_terminal_actions_need_no_date(run: RunCheck, priority: str, status: str) -> None:
    assert of(run(actions(action(due=None, priority=priority, status=status))), "PM201") == []


def test_action_with_a_date_passes(run: RunCheck) -> None:
    assert of(run(actions(action())), "PM201") == []
