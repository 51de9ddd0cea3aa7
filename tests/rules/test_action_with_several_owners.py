from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.action_fragments import ACTIONS_LINE, action, actions, of
from tests.rules.conftest import RunCheck

OWNER_LINE = ACTIONS_LINE + 5


@pytest.mark.parametrize(
    "owner",
    [
        "Alice and Bob",
        "alice.ng AND bo.chen",
        "[a, b]",
        "[alice.ng, bo.chen]",
        "alice.ng, bo.chen",
        "alice.ng/bo.chen",
        "alice.ng & bo.chen",
        "alice.ng; bo.chen",
        "alice.ng + bo.chen",
    ],
)
def test_several_owners_fire(run: RunCheck, owner: str) -> None:
    found = of(run(actions(action(owner=owner))), "PM102")
    assert [(f.line, f.column, f.pointer, f.action) for f in found] == [
        (OWNER_LINE, 5, "/actions/0/owner", "PM-2026-001-A1")
    ]
    assert "owner" in found[0].message
    # Several owners are not also unknown owners.
    assert of(run(actions(action(owner=owner))), "PM103") == []


def test_a_list_of_one_says_to_write_text(run: RunCheck) -> None:
    found = of(run(actions(action(owner="[alice.ng]"))), "PM102")
    assert len(found) == 1
    assert found[0].hint == "write one person id as text: `owner: alice.ng`"


def test_a_team_fires_and_suggests_its_manager(run: RunCheck) -> None:
    found = of(run(actions(action(owner="ml-platform"))), "PM102")
    assert [f.pointer for f in found] == ["/actions/0/owner"]
    assert "team ml-platform" in found[0].message
    assert "carol.wu" in found[0].hint
    assert of(run(actions(action(owner="ml-platform"))), "PM103") == []


@pytest.mark.parametrize("owner", ["alice.ng", "alexander", "brandon.lee", "nobody"])
def test_one_name_does_not_fire(run: RunCheck, owner: str) -> None:
    # `and` inside a name is not a separator.
    assert of(run(actions(action(owner=owner))), "PM102") == []


def test_a_team_without_a_roster_is_not_known(run: RunCheck, repo: Path) -> None:
    (repo / "people.yaml").unlink()
    assert of(run(actions(action(owner="ml-platform"))), "PM102") == []
    assert len(of(run(actions(action(owner="alice.ng, bo.chen"))), "PM102")) == 1
