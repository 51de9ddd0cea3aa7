"""Findings at the value (SPEC section 2): a value error points at the value's own line and
column, a missing key at its mapping, an unknown key at the key; every PM003/PM008 has a hint
that can work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pmcheck.engine import CheckOptions, run_check
from pmcheck.findings import Finding

BASE = """\
schema_version: 1
id: PM-2026-001
title: Checkout assistant quoted expired discount codes
severity: SEV-2
status: in_review
incident:
  started_at: 2026-06-01T09:00:00Z
  resolved_at: 2026-06-01T12:00:00Z
owner: alice.ng
executive_sponsor: dana.kim
related_incidents:
  - {id: PM-2026-000, relation: related}
actions:
  - id: PM-2026-001-A1
    title: Validate discount expiry in the pricing tool
    type: prevent
    priority: P1
    owner: alice.ng
    due: 2026-06-20
    status: verified
    completed_at: 2026-06-10
    success_criteria: no expired code accepted in 1,000 replayed checkouts
    evidence:
      - {type: pull_request, url: "https://git.example.com/pricing/pull/7"}
    verification: {by: carol.wu, at: 2026-06-12, result: pass}
"""


def findings(tmp_path: Path, old: str, new: str, codes: tuple[str, ...] = ("PM003", "PM008")) -> list[Finding]:
    text = BASE.replace(old, new, 1)
    assert text != BASE
    repo = tmp_path / "repo"
    (repo / "postmortems").mkdir(parents=True)
    (repo / "postmortems" / "PM-2026-000.yaml").write_text(BASE.replace("PM-2026-001", "PM-2026-000").replace(
        "related_incidents:\n  - {id: PM-2026-000, relation: related}\n", ""))
    (repo / "postmortems" / "PM-2026-001.yaml").write_text(text)
    result = run_check(CheckOptions(repo=str(repo), as_of=dt.date(2026, 6, 15), fail_on="never"))
    return [f for f in result.findings if f.code in codes and f.path.endswith("PM-2026-001.yaml")]


@pytest.mark.parametrize(
    ("old", "new", "code", "line", "column", "pointer"),
    [
        # enum
        ("status: in_review", "status: finished", "PM003", 5, 9, "/status"),
        ("    type: prevent", "    type: prevention", "PM003", 16, 11, "/actions/0/type"),
        # PM008: a level the policy does not define
        ("severity: SEV-2", "severity: SEV-9", "PM008", 4, 11, "/severity"),
        ("    priority: P1", "    priority: P9", "PM008", 17, 15, "/actions/0/priority"),
        # pattern
        ("  - id: PM-2026-001-A1", "  - id: PM-2026-001-1", "PM003", 14, 9, "/actions/0/id"),
        # format
        ("    due: 2026-06-20", "    due: 2026-06-31", "PM003", 19, 10, "/actions/0/due"),
        ("  resolved_at: 2026-06-01T12:00:00Z", "  resolved_at: 2026-06-01T12:00:00", "PM003", 8, 16, "/incident/resolved_at"),
        # type: a scalar and a flow list after the key
        ("    owner: alice.ng", "    owner: 42", "PM003", 18, 12, "/actions/0/owner"),
        ("executive_sponsor: dana.kim", "executive_sponsor: [dana.kim]", "PM003", 10, 20, "/executive_sponsor"),
        # const
        ("schema_version: 1", "schema_version: 2", "PM003", 1, 17, "/schema_version"),
        # inside a flow mapping
        ("result: pass}", "result: maybe}", "PM003", 25, 58, "/actions/0/verification/result"),
    ],
)
def test_a_value_error_points_at_the_value(
    tmp_path: Path, old: str, new: str, code: str, line: int, column: int, pointer: str
) -> None:
    [finding] = findings(tmp_path, old, new)
    assert (finding.code, finding.line, finding.column, finding.pointer) == (code, line, column, pointer)
    assert finding.hint


def test_a_missing_key_points_at_its_mapping(tmp_path: Path) -> None:
    [finding] = findings(tmp_path, "    completed_at: 2026-06-10\n", "")
    assert (finding.line, finding.column, finding.pointer) == (14, 5, "/actions/0")
    assert "missing required key 'completed_at'" in finding.message and finding.hint == "add `completed_at:`"


def test_an_unknown_key_points_at_the_key(tmp_path: Path) -> None:
    [finding] = findings(tmp_path, "    success_criteria:", "    success_criterion:")
    assert (finding.line, finding.column, finding.pointer) == (22, 5, "/actions/0/success_criterion")
    assert finding.hint == "did you mean 'success_criteria'?"


def test_a_dangling_link_points_at_the_id(tmp_path: Path) -> None:
    [finding] = findings(tmp_path, "{id: PM-2026-000, relation", "{id: PM-2026-099, relation", codes=("PM008",))
    assert (finding.line, finding.column, finding.pointer) == (12, 10, "/related_incidents/0/id")
    assert finding.hint


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        # 'yes' is no result either: quoting it cannot work, so the hint names the values that do.
        ("result: pass}", "result: yes}", "use pass or fail"),
        ("title: Checkout assistant quoted expired discount codes", "title: yes", "quote it: 'yes'"),
        ("    status: verified", "    status: finished", "use open, in_progress, blocked, done, verified, wont_do or superseded"),
        ("    type: prevent", "    type: preventt", "did you mean 'prevent'? (use prevent, detect, mitigate, repair, process or investigate)"),
    ],
)
def test_every_hint_can_work(tmp_path: Path, old: str, new: str, hint: str) -> None:
    [finding] = findings(tmp_path, old, new)
    assert finding.hint == hint


EXAMPLES = Path(__file__).resolve().parent / "schemas" / "invalid"


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_schema_finding_has_a_hint(tmp_path: Path, example: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "postmortems").mkdir(parents=True)
    (repo / "postmortems" / example.name).write_text(example.read_text())
    result = run_check(CheckOptions(repo=str(repo), as_of=dt.date(2026, 6, 15), fail_on="never"))
    schema = [f for f in result.findings if f.name == "schema-violation" or (f.code == "PM008")]
    assert schema, example.name
    assert all(f.hint for f in schema), [(f.code, f.message) for f in schema if not f.hint]
