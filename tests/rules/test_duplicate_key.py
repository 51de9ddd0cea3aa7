"""PM002 duplicate-key: the second occurrence of a key in one mapping, naming the first."""

from __future__ import annotations

from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.action_fragments import ACTIONS_LINE, action, actions
from tests.rules.conftest import RunCheck
from tests.rules.where import where


def of(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.code == "PM002"]


def test_a_repeated_top_level_key_points_at_the_second(run: RunCheck, repo: Path) -> None:
    found = of(run("title: First title\ntitle: Second title\n"))
    first = where(repo, "PM-2026-001", "title: First title")
    assert [(f.line, f.column) for f in found] == [where(repo, "PM-2026-001", "title: Second title")]
    assert found[0].message == f"duplicate key 'title' (first defined on line {first[0]})"
    assert found[0].hint == "remove one of the two; YAML keeps only the last"
    assert (found[0].severity.label, found[0].postmortem) == ("error", "PM-2026-001")


def test_a_repeated_key_inside_an_action_is_found_at_its_depth(run: RunCheck) -> None:
    found = of(run(actions(action(extra="owner: bo.chen"))))
    # The base action's owner sits on the 5th line of the action; the repeat after the criteria.
    assert [(f.line, f.column) for f in found] == [(ACTIONS_LINE + 9, 5)]
    assert found[0].message == f"duplicate key 'owner' (first defined on line {ACTIONS_LINE + 5})"


def test_every_later_repeat_is_reported(run: RunCheck) -> None:
    found = of(run(actions(action(extra="owner: bo.chen\nowner: carol.wu"))))
    assert [f.line for f in found] == [ACTIONS_LINE + 9, ACTIONS_LINE + 10]


def test_the_same_key_in_two_actions_is_no_repeat(run: RunCheck) -> None:
    assert of(run(actions(action(1), action(2)))) == []


def test_the_same_key_at_another_depth_is_no_repeat(run: RunCheck) -> None:
    # `owner:` of the postmortem and `owner:` of its action live in different mappings.
    assert of(run(actions(action(owner="alice.ng"), tail="owner: alice.ng\n"))) == []
