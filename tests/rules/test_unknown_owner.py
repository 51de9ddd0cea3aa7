from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.action_fragments import ACTIONS_LINE, action, actions, of
from tests.rules.conftest import RunCheck

# Both waivers are used (action 1 is overdue), so no waiver finding gets in the way.
EVERY_REFERENCE = actions(
    action(
        1,
        owner="zed.one",
        due="2026-06-10",
        extra="""
        deadline_changes:
          - {from: 2026-06-05, to: 2026-06-10, at: 2026-06-04, reason: vendor delay, approved_by: zed.two}
        owner_changes:
          - {from: zed.three, to: zed.one, at: 2026-06-09, reason: hand-over}
        escalations:
          - {to: zed.four, at: 2026-06-12, level: manager}
        waivers:
          - {rule: PM205, reason: known, approved_by: zed.five, expires: 2026-06-30}
        """,
    ),
    action(2, status="verified"),
    action(3, status="wont_do"),
    tail="""
    executive_sponsor: zed.six
    approvers:
      - {person: zed.seven, decision: approved, at: 2026-06-05T10:00:00Z}
    reviews:
      - {date: 2026-06-10, attendees: [alice.ng, zed.eight]}
    mitigation_timeline:
      - {at: 2026-06-12, plan: ship the canary by 2026-06-25, by: zed.nine}
    waivers:
      - {rule: PM205, reason: known, approved_by: zed.ten, expires: 2026-06-30}
    """,
)


def test_every_person_reference_is_checked(run: RunCheck) -> None:
    text = EVERY_REFERENCE.replace("verification: {by: carol.wu", "verification: {by: zed.eleven").replace(
        "decided_by: carol.wu", "decided_by: zed.twelve"
    )
    found = of(run(text), "PM103")
    pointers = sorted(f.pointer for f in found)
    assert pointers == sorted(
        [
            "/actions/0/owner",
            "/actions/1/verification/by",
            "/actions/2/closure/decided_by",
            "/actions/0/deadline_changes/0/approved_by",
            "/actions/0/owner_changes/0/from",
            "/actions/0/owner_changes/0/to",
            "/actions/0/escalations/0/to",
            "/actions/0/waivers/0/approved_by",
            "/executive_sponsor",
            "/approvers/0/person",
            "/reviews/0/attendees/1",
            "/mitigation_timeline/0/by",
            "/waivers/0/approved_by",
        ]
    )
    by_pointer = {f.pointer: f for f in found}
    assert by_pointer["/actions/0/owner"].action == "PM-2026-001-A1"
    assert by_pointer["/executive_sponsor"].action is None
    assert by_pointer["/actions/0/deadline_changes/0/approved_by"].message == (
        "action PM-2026-001-A1 deadline_changes[0].approved_by names 'zed.two', who is not in people.yaml"
    )


def test_postmortem_owner(run: RunCheck) -> None:
    found = of(run("owner: alice.n\n"), "PM103")
    assert [(f.pointer, f.message, f.hint) for f in found] == [
        ("/owner", "postmortem PM-2026-001 owner names 'alice.n', who is not in people.yaml", "did you mean alice.ng?")
    ]


def test_action_owner_is_located_at_the_key(run: RunCheck) -> None:
    found = of(run(actions(action(owner="alice.n"))), "PM103")
    assert [(f.line, f.column) for f in found] == [(ACTIONS_LINE + 5, 5)]


@pytest.mark.parametrize("owner", [None, '""', "[zed.one]", "zed.one and zed.two", "ml-platform"])
def test_owners_left_to_pm101_and_pm102(run: RunCheck, owner: str | None) -> None:
    assert of(run(actions(action(owner=owner))), "PM103") == []


def test_known_people_pass_including_inactive_ones(run: RunCheck) -> None:
    # erin.li is inactive but known: PM104's business, not this rule's.
    text = EVERY_REFERENCE
    for n, person in enumerate(
        ["alice.ng", "carol.wu", "erin.li", "carol.wu", "dana.kim", "dana.kim", "femi.ade", "alice.ng", "carol.wu", "bo.chen"]
    ):
        text = text.replace(["zed.one", "zed.two", "zed.three", "zed.four", "zed.five", "zed.six", "zed.seven", "zed.eight", "zed.nine", "zed.ten"][n], person)
    assert "zed." not in text
    assert of(run(text), "PM103") == []


def test_skipped_without_a_roster(run: RunCheck, repo: Path) -> None:
    (repo / "people.yaml").unlink()
    assert of(run(EVERY_REFERENCE), "PM103") == []
