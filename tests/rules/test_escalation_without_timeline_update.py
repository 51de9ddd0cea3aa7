from __future__ import annotations

import datetime as dt

from tests.rules.action_fragments import action, actions, of
from tests.rules.conftest import RunCheck

AS_OF = dt.date(2026, 6, 15)
ESCALATIONS = """
escalations:
  - {to: carol.wu, at: 2026-06-05, level: manager, reason: blocked on the pipeline}
  - {to: dana.kim, at: 2026-06-10, level: exec_sponsor, reason: still blocked}
"""


def timeline(*dates: str) -> str:
    entries = "".join(f"  - {{at: '{d}', plan: ship by 2026-07-10, by: alice.ng}}\n" for d in dates)
    return "mitigation_timeline:\n" + entries


def test_escalation_without_any_timeline_points_at_each_escalation(run: RunCheck) -> None:
    found = of(run(actions(action(extra=ESCALATIONS)), as_of=AS_OF), "PM207")
    assert [(f.pointer, f.action) for f in found] == [
        ("/actions/0/escalations/0", "PM-2026-001-A1"),
        ("/actions/0/escalations/1", "PM-2026-001-A1"),
    ]
    # The entries follow the action's eight base lines and `escalations:`; `{` is column 9.
    assert [(f.line, f.column) for f in found] == [(27, 9), (28, 9)]
    assert found[1].message == (
        "action PM-2026-001-A1 was escalated to dana.kim on 2026-06-10, "
        "but mitigation_timeline has no entry on or after that date"
    )


def test_timeline_between_escalations_covers_only_the_earlier(run: RunCheck) -> None:
    found = of(run(actions(action(extra=ESCALATIONS), tail=timeline("2026-06-07")), as_of=AS_OF), "PM207")
    assert [f.pointer for f in found] == ["/actions/0/escalations/1"]


def test_timeline_on_the_escalation_date_passes(run: RunCheck) -> None:
    assert of(run(actions(action(extra=ESCALATIONS), tail=timeline("2026-06-01", "2026-06-10")), as_of=AS_OF), "PM207") == []


def test_day_before_fails(run: RunCheck) -> None:
    assert len(of(run(actions(action(extra=ESCALATIONS), tail=timeline("2026-06-09")), as_of=AS_OF), "PM207")) == 1


def test_timeline_timestamps_count_by_their_date_in_the_policy_time_zone(run: RunCheck) -> None:
    # 2026-06-09T23:30-05:00 is 2026-06-10 in UTC but 2026-06-09 in Chicago.
    text = actions(action(extra=ESCALATIONS), tail=timeline("2026-06-09T23:30:00-05:00"))
    assert of(run(text, as_of=AS_OF), "PM207") == []
    assert len(of(run(text, as_of=AS_OF, policy={"timezone": "America/Chicago"}), "PM207")) == 1


def test_escalations_of_every_action_are_checked(run: RunCheck) -> None:
    text = actions(
        action(1, extra=ESCALATIONS),
        action(2, status="verified", extra="escalations: [{to: carol.wu, at: 2026-06-12, level: manager}]"),
        tail=timeline("2026-06-10"),
    )
    found = of(run(text, as_of=AS_OF), "PM207")
    assert [(f.pointer, f.action) for f in found] == [("/actions/1/escalations/0", "PM-2026-001-A2")]


def test_no_escalation_needs_no_timeline(run: RunCheck) -> None:
    assert of(run(actions(action()), as_of=AS_OF), "PM207") == []
