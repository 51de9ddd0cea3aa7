"""PM902 waiver-too-long-or-self-approved: a waiver past the policy's limit, or approved by the owner."""

from __future__ import annotations

from pathlib import Path

from tests.rules.conftest import RunCheck
from tests.rules.waiver_fragments import fragment, summary, waiver
from tests.rules.where import where


def test_a_waiver_past_the_limit_points_at_expires_and_names_the_limit(run: RunCheck, repo: Path) -> None:
    found = run(fragment(waiver(expires="2026-12-31")))
    assert summary(found) == [("PM301", "PM-2026-001-A1"), ("PM902", "PM-2026-001-A1")]
    [too_long] = [f for f in found if f.code == "PM902"]
    assert (too_long.line, too_long.column) == where(repo, "PM-2026-001", "expires: 2026-12-31")
    assert too_long.message == "waiver of PM301 on action PM-2026-001-A1 expires 2026-12-31, after the 90-day limit (2026-09-13)"
    assert too_long.hint == "set `expires:` on or before 2026-09-13"
    assert too_long.severity.label == "error"


def test_a_longer_limit_in_the_policy_allows_it(run: RunCheck) -> None:
    assert summary(run(fragment(waiver(expires="2026-12-31")), policy={"waiver_max_days": 365})) == []


def test_self_approval_points_at_approved_by(run: RunCheck, repo: Path) -> None:
    found = run(fragment(waiver(approved_by="alice.ng")))
    [self_approved] = [f for f in found if f.code == "PM902"]
    assert (self_approved.line, self_approved.column) == where(repo, "PM-2026-001", "approved_by: alice.ng")
    assert self_approved.pointer == "/actions/0/waivers/0/approved_by"
    assert self_approved.hint == "have someone other than the owner approve it"


def test_the_owner_of_another_action_may_approve(run: RunCheck) -> None:
    # bo.chen owns A2, not the A1 the waiver sits on.
    found = run(fragment(waiver(approved_by="bo.chen"), owners=("alice.ng", "bo.chen")))
    assert summary(found) == [("PM301", "PM-2026-001-A2")]


def test_a_waiver_both_too_long_and_self_approved_is_reported_once(run: RunCheck) -> None:
    found = run(fragment(waiver(approved_by="alice.ng", expires="2026-12-31")))
    assert [(f.code, f.pointer) for f in found if f.code == "PM902"] == [("PM902", "/actions/0/waivers/0/expires")]


def test_an_expired_waiver_is_pm901_not_pm902(run: RunCheck) -> None:
    codes = {code for code, _ in summary(run(fragment(waiver(approved_by="alice.ng", expires="2026-06-01"))))}
    assert "PM901" in codes and "PM902" not in codes
