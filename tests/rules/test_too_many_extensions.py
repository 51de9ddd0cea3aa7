from __future__ import annotations

import datetime as dt

from tests.rules.action_fragments import action, actions, of
from tests.rules.conftest import RunCheck

AS_OF = dt.date(2026, 6, 15)
SPONSOR = "executive_sponsor: dana.kim\n"


def changes(*approvers: str) -> str:
    lines = ["deadline_changes:"]
    day = 1
    for n, approver in enumerate(approvers):
        lines.append(
            f"  - {{from: 2026-06-{day + 14:02d}, to: 2026-06-{day + 15:02d}, at: 2026-06-{n + 2:02d}, "
            f"reason: slip {n + 1}, approved_by: {approver}}}"
        )
        day += 1
    return "\n".join(lines) + "\n"


def due_after(count: int) -> str:
    return f"2026-06-{15 + count:02d}"


def test_p0_second_extension_by_the_manager_points_at_the_newest(run: RunCheck) -> None:
    text = actions(action(priority="P0", due=due_after(2), extra=changes("carol.wu", "carol.wu")), tail=SPONSOR)
    found = of(run(text, as_of=AS_OF), "PM208")
    assert [(f.pointer, f.action, f.severity.label) for f in found] == [
        ("/actions/0/deadline_changes/1", "PM-2026-001-A1", "error")
    ]
    # Lines: the action's eight base lines, then `deadline_changes:` on 26 and its entries.
    assert (found[0].line, found[0].column) == (28, 9)
    assert found[0].message == (
        "action PM-2026-001-A1 has 2 deadline changes, more than the 1 P0 allows, "
        "and the newest is approved by carol.wu, not the executive sponsor"
    )
    assert "dana.kim" in found[0].hint


def test_p0_one_extension_passes(run: RunCheck) -> None:
    text = actions(action(priority="P0", due=due_after(1), extra=changes("carol.wu")), tail=SPONSOR)
    assert of(run(text, as_of=AS_OF), "PM208") == []


def test_newest_approved_by_the_sponsor_passes(run: RunCheck) -> None:
    text = actions(action(priority="P0", due=due_after(2), extra=changes("carol.wu", "dana.kim")), tail=SPONSOR)
    assert of(run(text, as_of=AS_OF), "PM208") == []


def test_an_older_sponsor_approval_does_not_cover_the_newest(run: RunCheck) -> None:
    text = actions(action(priority="P0", due=due_after(2), extra=changes("dana.kim", "carol.wu")), tail=SPONSOR)
    assert len(of(run(text, as_of=AS_OF), "PM208")) == 1


def test_without_a_sponsor_the_limit_cannot_be_passed(run: RunCheck) -> None:
    text = actions(action(priority="P0", due=due_after(2), extra=changes("carol.wu", "dana.kim")))
    found = of(run(text, as_of=AS_OF), "PM208")
    assert len(found) == 1
    assert "executive_sponsor" in found[0].hint


def test_p1_allows_two(run: RunCheck) -> None:
    two = actions(action(priority="P1", due=due_after(2), extra=changes("carol.wu", "carol.wu")), tail=SPONSOR)
    three = actions(action(priority="P1", due=due_after(3), extra=changes("carol.wu", "carol.wu", "carol.wu")), tail=SPONSOR)
    assert of(run(two, as_of=AS_OF), "PM208") == []
    assert [f.pointer for f in of(run(three, as_of=AS_OF), "PM208")] == ["/actions/0/deadline_changes/2"]


def test_priorities_without_a_limit_allow_any_number(run: RunCheck) -> None:
    text = actions(action(priority="P2", due=due_after(4), extra=changes("carol.wu", "carol.wu", "carol.wu", "carol.wu")))
    assert of(run(text, as_of=AS_OF), "PM208") == []


def test_limit_comes_from_the_policy(run: RunCheck) -> None:
    policy = {"priorities": {"P0": {}, "P1": {}, "P2": {"max_extensions": 0}, "P3": {}}}
    text = actions(action(priority="P2", due=due_after(1), extra=changes("carol.wu")), tail=SPONSOR)
    assert len(of(run(text, as_of=AS_OF, policy=policy), "PM208")) == 1


def test_a_single_change_is_counted_in_the_singular(run: RunCheck) -> None:
    policy = {"priorities": {"P0": {}, "P1": {}, "P2": {"max_extensions": 0}, "P3": {}}}
    text = actions(action(priority="P2", due=due_after(1), extra=changes("carol.wu")), tail=SPONSOR)
    found = of(run(text, as_of=AS_OF, policy=policy), "PM208")
    assert "has 1 deadline change, more than the 0 P2 allows" in found[0].message
