"""A schema error hides nothing else (SPEC section 2).

``tests/partial/fixed`` is a realistic repository with governance problems (overdue, ownerless,
unescalated, self-verified, unverified actions, an unlinked repeat, an expired waiver).
``tests/partial/broken`` is the same repository after a careless migration: a bad enum, a bad
date, a year out of range, a `done` action without `completed_at`, a list where text belongs, a
misspelled key and a severity the policy does not define, each next to those problems. One check
must report every schema error *and* exactly the governance findings of the fixed copy.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from pmcheck.engine import CheckOptions, Result, run_check
from pmcheck.loader import load_text
from pmcheck.model import Postmortem, build_postmortem
from pmcheck.reads import Reads, touches, visible
from pmcheck.schema import compile_validator, iter_schema_errors, postmortem_schema

HERE = Path(__file__).resolve().parent / "partial"
AS_OF = dt.date(2026, 12, 15)
SCHEMA_CODES = {"PM003", "PM008"}


def check(repo: Path) -> Result:
    return run_check(CheckOptions(repo=str(repo), as_of=AS_OF, fail_on="never"))


def governance(result: Result) -> set[tuple[str, str, str, str, str | None, str | None]]:
    """The non-schema findings, without line numbers (a removed line moves the ones below)."""
    return {
        (f.path, f.code, f.pointer, f.message, f.postmortem, f.action)
        for f in result.findings
        if not (f.code in SCHEMA_CODES and f.name in ("schema-violation", "unknown-reference") and _is_schema(f.message))
    }


def _is_schema(message: str) -> bool:
    # PM008 is also a rule finding (a link to no postmortem); schema PM008s name a policy level.
    return "defined by the policy" in message or ":" in message.split(" ")[0]


@pytest.fixture(scope="module")
def broken() -> Result:
    return check(HERE / "broken")


@pytest.fixture(scope="module")
def fixed() -> Result:
    return check(HERE / "fixed")


def test_every_schema_error_is_reported_at_its_value(broken: Result) -> None:
    schema = sorted(
        (f.path.split("/")[-1], f.line, f.column, f.code, f.pointer)
        for f in broken.findings
        if f.code in SCHEMA_CODES and _is_schema(f.message)
    )
    assert [(name, code, pointer) for name, _, _, code, pointer in schema] == [
        ("PM-2026-006.yaml", "PM008", "/severity"),
        ("PM-2026-015.yaml", "PM003", "/actions/1/tem"),
        ("PM-2026-034.yaml", "PM003", "/incident/detected_at"),
        ("PM-2026-038.yaml", "PM003", "/approvers/1/at"),
        ("PM-2026-038.yaml", "PM003", "/actions/5/status"),
        ("PM-2026-041.yaml", "PM003", "/actions/4/type"),
        ("PM-2026-043.yaml", "PM003", "/actions/0/team"),
        ("PM-2026-043.yaml", "PM003", "/actions/1"),
    ]


def test_the_governance_findings_are_those_of_the_fixed_copy(broken: Result, fixed: Result) -> None:
    assert not any(f.code in SCHEMA_CODES and _is_schema(f.message) for f in fixed.findings)
    found = governance(broken)
    assert found == governance(fixed)
    # Not a vacuous equality: the problems a schema error used to hide are all there.
    codes = {code for _, code, *_ in found}
    assert {"PM101", "PM102", "PM205", "PM206", "PM304", "PM305", "PM401", "PM501", "PM901"} <= codes
    # In the very files and actions that carry schema errors.
    assert ("PM-2026-043-A1", "PM205") in {(action, code) for _, code, _, _, _, action in found}
    assert ("PM-2026-041-A2", "PM101") in {(action, code) for _, code, _, _, _, action in found}
    assert any(path.endswith("PM-2026-006.yaml") and code == "PM501" for path, code, *_ in found)


def test_every_postmortem_is_counted_and_modelled(broken: Result) -> None:
    assert (broken.files, broken.postmortems, broken.actions) == (12, 12, 61)


def test_fixing_the_schema_errors_reveals_nothing(tmp_path: Path, broken: Result) -> None:
    """Fix the broken files one error at a time: no governance finding ever appears."""
    repo = tmp_path / "repo"
    shutil.copytree(HERE / "broken", repo)
    before = governance(broken)
    for fixed_file in sorted((HERE / "fixed" / "postmortems").glob("*.yaml")):
        target = repo / "postmortems" / fixed_file.name
        if target.read_bytes() == fixed_file.read_bytes():
            continue
        shutil.copyfile(fixed_file, target)
        assert governance(check(repo)) == before, fixed_file.name


# The engine, one rule/action pair at a time.

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
actions:
  - id: PM-2026-001-A1
    title: Validate discount expiry in the pricing tool
    type: prevent
    priority: P1
    owner: alice.ng
    due: {due1}
    status: {status1}
  - id: PM-2026-001-A2
    title: Alert on discount answers that quote expired codes
    type: {type2}
    priority: P1
    owner: {owner2}
    due: 2026-06-10
    status: open
"""


def model(**values: str) -> Postmortem:
    fields = {"due1": "2026-06-10", "status1": "open", "type2": "detect", "owner2": "bo.chen", **values}
    loaded = load_text(BASE.format(**fields), "postmortems/PM-2026-001.yaml")
    validator = compile_validator(postmortem_schema(["SEV-1", "SEV-2", "SEV-3", "SEV-4"], ["P0", "P1", "P2", "P3"], ["other"]))
    refused = [e.refused for e in iter_schema_errors(validator, loaded.data) if e.refused is not None]
    return build_postmortem(loaded.path, loaded.data, dt.timezone.utc, refused)


def test_an_invalid_value_is_unknown_on_its_action_only() -> None:
    pm = model(due1="2026-06-31")
    assert pm.unknown == frozenset()
    assert [a.unknown for a in pm.actions] == [frozenset({"due"}), frozenset()]
    assert pm.actions[0].due is None


def test_a_rule_sees_the_actions_whose_read_fields_are_known() -> None:
    pm = model(due1="2026-06-31")
    overdue = visible(pm, Reads.parse(("action.due", "action.status", "action.priority")))
    assert overdue is not None and [a.id for a in overdue.actions] == ["PM-2026-001-A2"]
    # A rule that does not read `due` judges both actions: the same object, nothing copied.
    assert visible(pm, Reads.parse(("action.owner",))) is pm


def test_a_rule_over_every_action_skips_the_postmortem() -> None:
    pm = model(type2="detection")
    assert visible(pm, Reads.parse(("severity", "actions.type", "actions.status"))) is None
    assert visible(pm, Reads.parse(("severity",))) is pm


def test_a_rule_without_reads_sees_only_valid_postmortems() -> None:
    assert visible(model(status1="finished"), Reads.parse(None)) is None
    clean = model()
    assert visible(clean, Reads.parse(None)) is clean


def test_a_sub_field_is_unknown_inside_its_mapping() -> None:
    reads = Reads.parse(("action.verification.by",))
    assert touches(frozenset({"verification.result"}), ("verification",))
    assert touches(frozenset({"verification"}), ("verification.by",))
    assert not touches(frozenset({"verification.result"}), ("verification.by",))
    assert reads.action == ("verification.by",)


def test_a_wrongly_typed_owner_holds_back_only_the_owner_rules(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "postmortems").mkdir(parents=True)
    (repo / "postmortems" / "PM-2026-001.yaml").write_text(
        BASE.format(due1="2026-06-10", status1="open", type2="detect", owner2="42")
    )
    result = run_check(CheckOptions(repo=str(repo), as_of=dt.date(2026, 6, 20), fail_on="never"))
    by_action = {(f.action, f.code) for f in result.findings}
    assert [f.pointer for f in result.findings if f.code == "PM003"] == ["/actions/1/owner"]
    # Both actions are overdue; the one with a broken owner still is, but no owner rule judges it.
    assert ("PM-2026-001-A1", "PM205") in by_action and ("PM-2026-001-A2", "PM205") in by_action
    assert not any(f.action == "PM-2026-001-A2" and f.code in ("PM101", "PM102", "PM103") for f in result.findings)


@pytest.mark.parametrize(
    ("text", "modelled"),
    [
        ("- just a list\n", False),
        ("id: 42\ntitle: no usable id\n", False),
        ("id: PM-2026-001\ntitle: only an id\n", True),
    ],
)
def test_a_file_without_a_mapping_or_an_id_has_no_model(tmp_path: Path, text: str, modelled: bool) -> None:
    repo = tmp_path / "repo"
    (repo / "postmortems").mkdir(parents=True)
    (repo / "postmortems" / "PM-2026-001.yaml").write_text(text)
    result = run_check(CheckOptions(repo=str(repo), as_of=AS_OF, fail_on="never"))
    assert result.postmortems == (1 if modelled else 0)
    assert any(f.code == "PM003" for f in result.findings)
