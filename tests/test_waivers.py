"""Waivers are judged and applied in one place (pmcheck.decide): PM901, PM902, PM903."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.conftest import RunCheck, repo, run  # noqa: F401  (fixtures)
from tests.rules.where import where

AS_OF = dt.date(2026, 6, 15)


def waiver(rule: str = "PM301", approved_by: str = "carol.wu", expires: str = "2026-06-30", indent: int = 6) -> str:
    pad = " " * indent
    return (
        f"{pad}- rule: {rule}\n{pad}  reason: the pass-rate bar waits for the eval baseline\n"
        f"{pad}  approved_by: {approved_by}\n{pad}  expires: {expires}\n"
    )


def fragment(a1_waivers: str = "", pm_waivers: str = "") -> str:
    """Two P1 actions without success criteria: PM301 fires on both unless waived."""
    text = ""
    if pm_waivers:
        text += "waivers:\n" + pm_waivers
    for n, owner in ((1, "alice.ng"), (2, "bo.chen")):
        text += "" if n > 1 else "actions:\n"
        text += f"""  - id: PM-2026-001-A{n}
    title: Gate prompt rollouts on eval suite {n}
    type: prevent
    priority: P1
    owner: {owner}
    due: 2026-06-30
    status: open
"""
        if n == 1 and a1_waivers:
            text += "    waivers:\n" + a1_waivers
    return text


def summary(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return sorted((f.code, f.action) for f in findings)


def test_an_effective_waiver_suppresses_its_rule_on_its_action_only(run: RunCheck) -> None:
    assert summary(run(fragment(waiver()))) == [("PM301", "PM-2026-001-A2")]


def test_a_waiver_of_another_rule_suppresses_nothing_and_is_unused(run: RunCheck, repo: Path) -> None:
    found = run(fragment(waiver(rule="PM205")))
    assert summary(found) == [("PM301", "PM-2026-001-A1"), ("PM301", "PM-2026-001-A2"), ("PM903", "PM-2026-001-A1")]
    unused = next(f for f in found if f.code == "PM903")
    assert (unused.line, unused.column) == where(repo, "PM-2026-001", "rule: PM205")
    assert unused.message == "waiver of PM205 on action PM-2026-001-A1 suppresses nothing"
    assert unused.severity.label == "warning"


def test_an_expired_waiver_suppresses_nothing(run: RunCheck, repo: Path) -> None:
    found = run(fragment(waiver(expires="2026-06-14")))
    assert summary(found) == [("PM301", "PM-2026-001-A1"), ("PM301", "PM-2026-001-A2"), ("PM901", "PM-2026-001-A1")]
    expired = next(f for f in found if f.code == "PM901")
    assert (expired.line, expired.column) == where(repo, "PM-2026-001", "expires: 2026-06-14")
    assert expired.message == "waiver of PM301 on action PM-2026-001-A1 expired on 2026-06-14"


def test_a_waiver_is_in_force_on_its_expiry_date(run: RunCheck) -> None:
    assert summary(run(fragment(waiver(expires="2026-06-15")))) == [("PM301", "PM-2026-001-A2")]


def test_a_waiver_longer_than_the_limit_suppresses_nothing(run: RunCheck, repo: Path) -> None:
    # 2026-09-13 is 90 days after the as-of date: the longest allowed.
    assert summary(run(fragment(waiver(expires="2026-09-13")))) == [("PM301", "PM-2026-001-A2")]
    found = run(fragment(waiver(expires="2026-09-14")))
    assert summary(found) == [("PM301", "PM-2026-001-A1"), ("PM301", "PM-2026-001-A2"), ("PM902", "PM-2026-001-A1")]
    too_long = next(f for f in found if f.code == "PM902")
    assert (too_long.line, too_long.column) == where(repo, "PM-2026-001", "expires: 2026-09-14")
    assert "after the 90-day limit (2026-09-13)" in too_long.message


def test_the_limit_comes_from_the_policy(run: RunCheck) -> None:
    found = run(fragment(waiver(expires="2026-06-30")), policy={"waiver_max_days": 10})
    assert ("PM902", "PM-2026-001-A1") in summary(found)


def test_a_waiver_approved_by_the_action_owner_suppresses_nothing(run: RunCheck, repo: Path) -> None:
    found = run(fragment(waiver(approved_by="alice.ng")))
    assert summary(found) == [("PM301", "PM-2026-001-A1"), ("PM301", "PM-2026-001-A2"), ("PM902", "PM-2026-001-A1")]
    self_approved = next(f for f in found if f.code == "PM902")
    assert (self_approved.line, self_approved.column) == where(repo, "PM-2026-001", "approved_by: alice.ng")
    assert "approved by alice.ng, who owns what it waives" in self_approved.message


def test_a_postmortem_waiver_covers_all_its_actions(run: RunCheck, repo: Path) -> None:
    assert summary(run(fragment(pm_waivers=waiver(indent=2)))) == []


def test_a_postmortem_waiver_approved_by_the_postmortem_owner_is_self_approved(run: RunCheck) -> None:
    found = run(fragment(pm_waivers=waiver(approved_by="alice.ng", indent=2)))
    assert summary(found) == [("PM301", "PM-2026-001-A1"), ("PM301", "PM-2026-001-A2"), ("PM902", None)]


def test_an_unused_postmortem_waiver_is_reported(run: RunCheck) -> None:
    found = run(fragment(pm_waivers=waiver(rule="PM404", indent=2)))
    assert ("PM903", None) in summary(found)


def test_a_waiver_does_not_reach_another_postmortem(run: RunCheck) -> None:
    other = "id: PM-2026-002\nrelated_incidents: [{id: PM-2026-001, relation: related}]\n" + fragment().replace("PM-2026-001", "PM-2026-002")
    found = run({"PM-2026-001": fragment(pm_waivers=waiver(indent=2)), "PM-2026-002": other})
    assert summary(found) == [("PM301", "PM-2026-002-A1"), ("PM301", "PM-2026-002-A2")]


def test_waiver_findings_cannot_be_waived_away(run: RunCheck) -> None:
    found = run(fragment(waiver(expires="2026-06-14") + waiver(rule="PM901")))
    assert [code for code, action in summary(found) if action == "PM-2026-001-A1"] == ["PM301", "PM901", "PM903"]
