"""PM901 waiver-expired: a waiver past its `expires` date suppresses nothing and is reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.rules.conftest import RunCheck
from tests.rules.waiver_fragments import fragment, summary, waiver
from tests.rules.where import where


def test_an_expired_action_waiver_points_at_expires(run: RunCheck, repo: Path) -> None:
    found = run(fragment(waiver(expires="2026-06-01")))
    assert summary(found) == [("PM301", "PM-2026-001-A1"), ("PM901", "PM-2026-001-A1")]
    [expired] = [f for f in found if f.code == "PM901"]
    assert (expired.line, expired.column) == where(repo, "PM-2026-001", "expires: 2026-06-01")
    assert expired.pointer == "/actions/0/waivers/0/expires"
    assert expired.message == "waiver of PM301 on action PM-2026-001-A1 expired on 2026-06-01"
    assert expired.hint == "renew it with a new approval or fix what it waived"
    assert expired.severity.label == "error"


def test_an_expired_postmortem_waiver_names_the_postmortem(run: RunCheck, repo: Path) -> None:
    found = run(fragment(pm_waivers=waiver(expires="2026-06-14", indent=2)))
    [expired] = [f for f in found if f.code == "PM901"]
    assert (expired.pointer, expired.action, expired.postmortem) == ("/waivers/0/expires", None, "PM-2026-001")
    assert expired.message == "waiver of PM301 on postmortem PM-2026-001 expired on 2026-06-14"


def test_a_waiver_expiring_tomorrow_is_in_force(run: RunCheck) -> None:
    assert summary(run(fragment(waiver(expires="2026-06-16")))) == []


def test_the_date_that_counts_is_as_of(run: RunCheck) -> None:
    text = fragment(waiver(expires="2026-06-30"))
    assert [f for f in run(text, as_of=dt.date(2026, 6, 30)) if f.code == "PM901"] == []
    assert [f.action for f in run(text, as_of=dt.date(2026, 7, 1)) if f.code == "PM901"] == ["PM-2026-001-A1"]


def test_the_policy_can_demote_it(run: RunCheck) -> None:
    found = run(fragment(waiver(expires="2026-06-01")), policy={"rules": {"PM901": "warning"}})
    assert [f.severity.label for f in found if f.code == "PM901"] == ["warning"]
