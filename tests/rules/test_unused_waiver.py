"""PM903 unused-waiver: a waiver that suppresses nothing is a warning at the waiver."""

from __future__ import annotations

from pathlib import Path

from tests.rules.conftest import RunCheck
from tests.rules.waiver_fragments import fragment, summary, waiver
from tests.rules.where import where


def test_a_waiver_of_a_rule_that_does_not_fire_points_at_the_waiver(run: RunCheck, repo: Path) -> None:
    found = run(fragment(waiver(rule="PM205")))
    [unused] = [f for f in found if f.code == "PM903"]
    line, _ = where(repo, "PM-2026-001", "rule: PM205")
    # The waiver is the list item: its mapping starts after the "- ".
    assert (unused.line, unused.column, unused.pointer) == (line, 9, "/actions/0/waivers/0")
    assert unused.message == "waiver of PM205 on action PM-2026-001-A1 suppresses nothing"
    assert unused.hint == "remove the waiver; nothing it waives is reported"
    assert (unused.severity.label, unused.action) == ("warning", "PM-2026-001-A1")


def test_a_waiver_that_suppresses_a_finding_is_used(run: RunCheck) -> None:
    assert summary(run(fragment(waiver()))) == []


def test_a_postmortem_waiver_used_by_one_action_of_two_is_used(run: RunCheck) -> None:
    found = run(fragment(pm_waivers=waiver(indent=2), owners=("alice.ng", "bo.chen")))
    assert summary(found) == []


def test_an_unused_postmortem_waiver_has_no_action(run: RunCheck) -> None:
    found = run(fragment(pm_waivers=waiver(rule="PM404", indent=2)))
    [unused] = [f for f in found if f.code == "PM903"]
    assert (unused.pointer, unused.action) == ("/waivers/0", None)
    assert unused.message == "waiver of PM404 on postmortem PM-2026-001 suppresses nothing"


def test_a_waiver_that_is_itself_a_finding_is_not_also_unused(run: RunCheck) -> None:
    codes = [code for code, _ in summary(run(fragment(waiver(rule="PM205", expires="2026-06-01"))))]
    assert "PM901" in codes and "PM903" not in codes
