"""PM003 schema-violation: one finding per schema error, at the node that is wrong."""

from __future__ import annotations

from pathlib import Path

from pmcheck.findings import Finding
from tests.rules.action_fragments import ACTIONS_LINE, action, actions
from tests.rules.conftest import BASE, RunCheck
from tests.rules.where import where


def of(found: list[Finding], code: str = "PM003") -> list[Finding]:
    return [f for f in found if f.code == code]


def test_a_value_outside_the_enumeration(run: RunCheck, repo: Path) -> None:
    found = of(run("status: finished\n"))
    # At the value (`status: finished` -> the column of `finished`), not at the key.
    assert [(f.line, f.column, f.pointer) for f in found] == [(*where(repo, "PM-2026-001", "finished"), "/status")]
    assert found[0].message == "status: 'finished' is not one of draft, in_review, reviewed, published, closed"
    assert (found[0].severity.label, found[0].postmortem) == ("error", "PM-2026-001")


def test_a_missing_key_is_reported_at_the_mapping_that_lacks_it(run: RunCheck) -> None:
    text = BASE.read_text().replace("title: Support assistant quoted a refund policy that does not exist\n", "")
    found = of(run({"PM-2026-001": text}, merge=False))
    # The top-level mapping starts on line 3, after the two comment lines.
    assert [(f.line, f.column, f.pointer, f.message, f.hint) for f in found] == [
        (3, 1, "", "top level: missing required key 'title'", "add `title:`")
    ]


def test_an_unknown_key_suggests_the_known_one(run: RunCheck, repo: Path) -> None:
    found = of(run("titel: Support assistant quoted a refund policy\n"))
    assert [(f.line, f.column, f.pointer) for f in found] == [(*where(repo, "PM-2026-001", "titel:"), "/titel")]
    assert (found[0].message, found[0].hint) == ("top level: unknown key 'titel'", "did you mean 'title'?")


def test_an_impossible_date_inside_an_action(run: RunCheck) -> None:
    found = of(run(actions(action(due="2026-02-30"))))
    assert [(f.line, f.column, f.pointer) for f in found] == [(ACTIONS_LINE + 6, 10, "/actions/0/due")]
    assert found[0].message == "actions[0].due: '2026-02-30' is not a date (YYYY-MM-DD)"


def test_a_severity_the_policy_does_not_define_is_pm008_not_pm003(run: RunCheck) -> None:
    found = run("severity: SEV-9\n")
    assert of(found) == []
    assert [f.pointer for f in of(found, "PM008")] == ["/severity"]


def test_a_severity_the_policy_adds_is_valid(run: RunCheck) -> None:
    policy = "severities:\n  SEV-0: {critical: true, review_every_days: 3, default_priority: P0}\n"
    found = run("severity: SEV-0\n", policy=policy)
    assert of(found) == [] and of(found, "PM008") == []
