from __future__ import annotations

import pytest

from tests.rules.action_fragments import ACTIONS_LINE, action, actions, of
from tests.rules.conftest import RunCheck

DUE_LINE = ACTIONS_LINE + 6
# The base incident resolves 2026-06-01T12:00Z: P0 limit 06-15, P1 07-01, P2 07-31, P3 08-30.


@pytest.mark.parametrize(("priority", "limit"), [("P0", "2026-06-15"), ("P1", "2026-07-01"), ("P2", "2026-07-31"), ("P3", "2026-08-30")])
def test_due_on_the_limit_passes(run: RunCheck, priority: str, limit: str) -> None:
    assert of(run(actions(action(priority=priority, due=limit))), "PM202") == []


def test_one_day_past_the_limit_fires_at_due(run: RunCheck) -> None:
    found = of(run(actions(action(priority="P2", due="2026-08-01"))), "PM202")
    assert [(f.line, f.column, f.pointer, f.severity.label) for f in found] == [(DUE_LINE, 5, "/actions/0/due", "error")]
    assert found[0].message == (
        "action PM-2026-001-A1 is due 2026-08-01, after 2026-07-31, the limit of the P2 SLO "
        "(60 days from the incident date 2026-06-01)"
    )


EXTENSION = """
deadline_changes:
  - {{from: 2026-06-15, to: 2026-06-22, at: 2026-06-05, reason: first slip, approved_by: carol.wu}}
  - {{from: 2026-06-22, to: {to}, at: 2026-06-10, reason: vendor delay, approved_by: {by}}}
"""


def test_approved_deadline_change_does_not_fire(run: RunCheck) -> None:
    text = actions(action(priority="P0", due="2026-06-29", extra=EXTENSION.format(to="2026-06-29", by="dana.kim")))
    assert of(run(text), "PM202") == []


def test_extension_approved_by_the_owner_fires(run: RunCheck) -> None:
    text = actions(action(priority="P0", due="2026-06-29", extra=EXTENSION.format(to="2026-06-29", by="alice.ng")))
    assert len(of(run(text), "PM202")) == 1


def test_due_not_set_by_the_newest_change_fires(run: RunCheck) -> None:
    # The due date moved again after the last approved change.
    text = actions(action(priority="P0", due="2026-07-06", extra=EXTENSION.format(to="2026-06-29", by="dana.kim")))
    assert len(of(run(text), "PM202")) == 1


def test_only_the_newest_change_counts(run: RunCheck) -> None:
    # The first change set 06-22 (approved) but the newest set 06-29 and was self-approved.
    text = actions(action(priority="P0", due="2026-06-22", extra=EXTENSION.format(to="2026-06-29", by="dana.kim")))
    assert len(of(run(text), "PM202")) == 1


@pytest.mark.parametrize(("priority", "status"), [("P2", "done"), ("P0", "verified"), ("P1", "wont_do")])
def test_terminal_actions_are_not_reported(run: RunCheck, priority: str, status: str) -> None:
    assert of(run(actions(action(priority=priority, due="2026-12-31", status=status))), "PM202") == []


def test_done_p0_is_still_reported(run: RunCheck) -> None:
    assert len(of(run(actions(action(priority="P0", due="2026-12-31", status="done"))), "PM202")) == 1


def test_without_resolved_at_the_clock_starts_at_started_at(run: RunCheck) -> None:
    incident = "incident:\n  started_at: 2026-05-20T09:00:00Z\n"
    assert len(of(run(actions(action(due="2026-07-20"), tail=incident)), "PM202")) == 1
    assert of(run(actions(action(due="2026-07-19"), tail=incident)), "PM202") == []


def test_the_clock_starts_on_the_resolved_date_in_the_policy_time_zone(run: RunCheck) -> None:
    # 2026-06-01T23:30-05:00 is 2026-06-02 in UTC: the P2 limit is 2026-08-01 there, 07-31 in Chicago.
    incident = "incident:\n  started_at: 2026-06-01T09:00:00-05:00\n  resolved_at: 2026-06-01T23:30:00-05:00\n"
    text = actions(action(due="2026-08-01"), tail=incident)
    assert of(run(text), "PM202") == []
    assert len(of(run(text, policy={"timezone": "America/Chicago"}), "PM202")) == 1


def test_slo_clock_start_created_uses_created(run: RunCheck) -> None:
    text = actions(action(created="2026-06-10", due="2026-08-09"))
    assert len(of(run(text), "PM202")) == 1
    found = of(run(text, policy={"slo_clock_start": "created"}), "PM202")
    assert found == []
    late = actions(action(created="2026-06-10", due="2026-08-10"))
    found = of(run(late, policy={"slo_clock_start": "created"}), "PM202")
    assert len(found) == 1
    assert "after 2026-08-09" in found[0].message and "created date 2026-06-10" in found[0].message


def test_slo_clock_start_created_defaults_to_the_incident(run: RunCheck) -> None:
    policy = {"slo_clock_start": "created"}
    assert of(run(actions(action(due="2026-07-31")), policy=policy), "PM202") == []
    assert len(of(run(actions(action(due="2026-08-01")), policy=policy), "PM202")) == 1


def test_slo_days_come_from_the_policy(run: RunCheck) -> None:
    policy = {"priorities": {"P0": {"slo_days": 7}, "P1": {"slo_days": 30}, "P2": {"slo_days": 20}, "P3": {"slo_days": 90}}}
    assert len(of(run(actions(action(due="2026-06-22")), policy=policy), "PM202")) == 1
    assert of(run(actions(action(due="2026-06-21")), policy=policy), "PM202") == []
