from __future__ import annotations

import pytest

from tests.rules.action_fragments import ACTIONS_LINE, action, actions, of
from tests.rules.conftest import RunCheck


def test_missing_owner_points_at_the_action(run: RunCheck) -> None:
    found = of(run(actions(action(owner=None))), "PM101")
    assert [(f.line, f.column, f.pointer, f.action) for f in found] == [
        (ACTIONS_LINE + 1, 5, "/actions/0", "PM-2026-001-A1")
    ]
    assert found[0].message == "action PM-2026-001-A1 has no owner"
    assert found[0].severity.label == "error"


@pytest.mark.parametrize("owner", ["null", "~", '""', '"   "', "[]"])
def test_empty_owner_points_at_the_key(run: RunCheck, owner: str) -> None:
    found = of(run(actions(action(owner=owner))), "PM101")
    assert [(f.line, f.column, f.pointer) for f in found] == [(ACTIONS_LINE + 5, 5, "/actions/0/owner")]


def test_terminal_actions_still_need_an_owner(run: RunCheck) -> None:
    found = of(run(actions(action(owner=None, status="verified", priority="P1"))), "PM101")
    assert len(found) == 1


@pytest.mark.parametrize("owner", ["alice.ng", "[alice.ng, bo.chen]", "alice.ng and bo.chen", "ml-platform", "nobody"])
def test_a_named_owner_is_not_this_rule(run: RunCheck, owner: str) -> None:
    # Several owners, teams and unknown ids are PM102/PM103.
    assert of(run(actions(action(owner=owner))), "PM101") == []


def test_second_action_is_located(run: RunCheck) -> None:
    found = of(run(actions(action(1), action(2, owner=None))), "PM101")
    assert [(f.pointer, f.action) for f in found] == [("/actions/1", "PM-2026-001-A2")]
