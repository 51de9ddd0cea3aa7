from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.action_fragments import ACTIONS_LINE, action, actions, of
from tests.rules.conftest import RunCheck


@pytest.mark.parametrize("status", ["open", "in_progress", "blocked"])
def test_open_action_of_inactive_person_warns(run: RunCheck, status: str) -> None:
    found = of(run(actions(action(owner="erin.li", status=status))), "PM104")
    assert [(f.line, f.column, f.pointer, f.severity.label) for f in found] == [
        (ACTIONS_LINE + 5, 5, "/actions/0/owner", "warning")
    ]
    assert "erin.li" in found[0].message
    assert "carol.wu" in found[0].hint


def test_done_p0_is_not_terminal_so_it_warns(run: RunCheck) -> None:
    assert len(of(run(actions(action(owner="erin.li", priority="P0", status="done"))), "PM104")) == 1


@pytest.mark.parametrize(("priority", "status"), [("P2", "done"), ("P0", "verified"), ("P1", "wont_do"), ("P0", "superseded")])
def test_terminal_actions_do_not_warn(run: RunCheck, priority: str, status: str) -> None:
    assert of(run(actions(action(owner="erin.li", priority=priority, status=status))), "PM104") == []


def test_active_owner_and_unknown_owner_do_not_warn(run: RunCheck) -> None:
    assert of(run(actions(action(1, owner="bo.chen"), action(2, owner="nobody"))), "PM104") == []


def test_skipped_without_a_roster(run: RunCheck, repo: Path) -> None:
    (repo / "people.yaml").unlink()
    assert of(run(actions(action(owner="erin.li"))), "PM104") == []
