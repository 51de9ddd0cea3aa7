"""PM006 action-id-prefix: an action id is `<postmortem id>-A<n>` of the postmortem holding it."""

from __future__ import annotations

import pytest

from pmcheck.findings import Finding
from tests.rules.action_fragments import ACTIONS_LINE, action, actions
from tests.rules.conftest import RunCheck


def renamed(action_id: str, n: int = 1) -> str:
    return action(n).replace(f"PM-2026-001-A{n}", action_id)


def of(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.code == "PM006"]


def test_an_id_copied_from_another_postmortem_points_at_the_id(run: RunCheck) -> None:
    found = of(run(actions(renamed("PM-2025-117-A1"))))
    assert [(f.line, f.column, f.pointer, f.action, f.postmortem) for f in found] == [
        (ACTIONS_LINE + 1, 5, "/actions/0/id", "PM-2025-117-A1", "PM-2026-001")
    ]
    assert found[0].message == "action id PM-2025-117-A1 does not start with its postmortem id PM-2026-001"
    assert found[0].hint == "number it PM-2026-001-A<n>, e.g. PM-2026-001-A1"
    assert found[0].severity.label == "error"


def test_the_hint_numbers_by_position(run: RunCheck) -> None:
    found = of(run(actions(action(1), renamed("PM-2025-117-A2", 2))))
    assert [(f.pointer, f.hint) for f in found] == [("/actions/1/id", "number it PM-2026-001-A<n>, e.g. PM-2026-001-A2")]


@pytest.mark.parametrize("action_id", ["PM-2026-001-A1b", "PM-2026-001-A", "PM-2026-0011-A1"])
def test_a_suffix_that_is_not_a_number_or_a_longer_id_is_wrong(run: RunCheck, action_id: str) -> None:
    found = run(actions(renamed(action_id)))
    assert [f.action for f in of(found)] == [action_id]


@pytest.mark.parametrize("action_id", ["PM-2026-001-A1", "PM-2026-001-A12", "PM-2026-001-A007"])
def test_any_number_after_the_prefix_is_right(run: RunCheck, action_id: str) -> None:
    assert of(run(actions(renamed(action_id)))) == []
