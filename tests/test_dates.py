"""The date convention of SPEC section 2 (docs/formats.md): each kind of field accepts what the
table says and refuses the rest at the value, with a hint that shows the expected form."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from pmcheck.findings import DataPath
from pmcheck.loader import load_text
from pmcheck.model import parse_day, parse_moment
from pmcheck.policy import load_policy
from pmcheck.schema import SchemaError, compile_validator, iter_schema_errors, postmortem_schema

FULL = Path(__file__).resolve().parent / "schemas" / "valid" / "full.yaml"

CALENDAR: list[DataPath] = [
    ("actions", 0, "due"),
    ("actions", 0, "created"),
    ("actions", 0, "completed_at"),
    ("waivers", 0, "expires"),
    ("reviews", 0, "date"),
    ("actions", 0, "deadline_changes", 0, "from"),
    ("actions", 0, "deadline_changes", 0, "to"),
]
RECORD: list[DataPath] = [
    ("approvers", 0, "at"),
    ("actions", 0, "verification", "at"),
    ("actions", 1, "closure", "decided_at"),
    ("actions", 0, "deadline_changes", 0, "at"),
    ("actions", 0, "owner_changes", 0, "at"),
    ("actions", 0, "escalations", 0, "at"),
    ("mitigation_timeline", 0, "at"),
]
INCIDENT: list[DataPath] = [("incident", key) for key in ("started_at", "detected_at", "mitigated_at", "resolved_at")]

DATE = "2026-03-02"
STAMP = "2026-03-02T09:00:00Z"
STAMP_OFFSET = "2026-03-02 10:00:00+01:00"
STAMP_NO_SECONDS = "2026-03-02T09:00Z"
# Refused everywhere: no offset, impossible days, years outside 1900-9999, other spellings.
NEVER = ["2026-03-02T09:00:00", "2026-02-30", "2026-3-2", "02/03/2026", "0026-03-02", "2026-03-02T25:00:00Z", "yesterday"]


def validate(path: DataPath, value: Any) -> list[SchemaError]:
    data = copy.deepcopy(load_text(FULL.read_text(), "postmortems/PM-2026-014.yaml").data)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    validator = compile_validator(postmortem_schema(["SEV-1", "SEV-2", "SEV-3", "SEV-4"], ["P0", "P1", "P2", "P3"], _modes()))
    return list(iter_schema_errors(validator, data))


def _modes() -> list[str]:
    return list(load_policy(FULL.parent).failure_modes)


def refused_with_a_hint(path: DataPath, value: str) -> SchemaError:
    errors = validate(path, value)
    assert [e.at for e in errors] == [path], (value, errors)
    [error] = errors
    assert error.code == "PM003"
    assert "2026-11-18" in error.hint, error.hint
    return error


@pytest.mark.parametrize("path", CALENDAR, ids=lambda p: ".".join(map(str, p)))
def test_calendar_dates_take_a_date_only(path: DataPath) -> None:
    assert validate(path, DATE) == []
    for value in [STAMP, STAMP_NO_SECONDS, *NEVER]:
        error = refused_with_a_hint(path, value)
        assert "YYYY-MM-DD" in error.message


@pytest.mark.parametrize("path", RECORD, ids=lambda p: ".".join(map(str, p)))
def test_record_times_take_a_date_or_a_timestamp(path: DataPath) -> None:
    for value in (DATE, STAMP, STAMP_OFFSET):
        assert validate(path, value) == [], value
    for value in [STAMP_NO_SECONDS, *NEVER]:
        error = refused_with_a_hint(path, value)
        assert "a date or an RFC 3339 timestamp" in error.message


@pytest.mark.parametrize("path", INCIDENT, ids=lambda p: ".".join(map(str, p)))
def test_incident_times_take_a_timestamp_with_offset_seconds_optional_or_a_date(path: DataPath) -> None:
    # Keep the times in order; the order is PM007's business, not the schema's.
    for value in (DATE, STAMP, STAMP_OFFSET, STAMP_NO_SECONDS):
        assert validate(path, value) == [], value
    for value in NEVER:
        error = refused_with_a_hint(path, value)
        assert "RFC 3339 timestamp with offset, or a date" in error.message


def test_a_year_out_of_range_says_so() -> None:
    error = refused_with_a_hint(("actions", 0, "due"), "0026-03-02")
    assert "the year is outside 1900-9999" in error.message
    error = refused_with_a_hint(("incident", "started_at"), "20260-03-02T09:00:00Z")
    assert "is not an RFC 3339 timestamp with offset, or a date" in error.message


def test_a_date_against_a_timestamp_is_the_start_of_that_day_in_the_policy_zone() -> None:
    berlin = dt.timezone(dt.timedelta(hours=1))
    start = parse_moment("2026-11-18", berlin)
    assert start == dt.datetime(2026, 11, 18, 0, 0, tzinfo=berlin)
    assert parse_moment("2026-11-17T23:30:00Z", berlin) is not None
    assert parse_moment("2026-11-17T23:30:00Z", berlin) > start  # type: ignore[operator]
    assert parse_moment("2026-11-18T14:09Z", berlin) == dt.datetime(2026, 11, 18, 14, 9, tzinfo=dt.timezone.utc)
    # A timestamp read as a day is its day in the policy zone.
    assert parse_day("2026-11-17T23:30:00Z", berlin) == dt.date(2026, 11, 18)
    assert parse_day("2026-11-17", berlin) == dt.date(2026, 11, 17)
    assert parse_moment("0026-11-18", berlin) is None


def test_a_postmortem_dated_in_days_only_builds_and_orders(tmp_path: Path) -> None:
    from pmcheck.engine import CheckOptions, run_check

    repo = tmp_path / "repo"
    (repo / "postmortems").mkdir(parents=True)
    (repo / "postmortems" / "PM-2026-001.yaml").write_text(
        "schema_version: 1\nid: PM-2026-001\ntitle: Checkout assistant quoted expired codes\nseverity: SEV-3\n"
        "status: reviewed\nincident:\n  started_at: 2026-06-01\n  detected_at: 2026-06-01T09:30Z\n"
        "  resolved_at: 2026-06-02\nowner: alice.ng\n"
        "approvers:\n  - {person: carol.wu, decision: approved, at: 2026-06-05}\n"
        "actions:\n  - id: PM-2026-001-A1\n    title: Validate discount expiry\n    type: prevent\n"
        "    priority: P2\n    owner: alice.ng\n    due: 2026-07-01\n    status: open\n"
    )
    result = run_check(CheckOptions(repo=str(repo), as_of=dt.date(2026, 6, 15), fail_on="never"))
    assert [f.code for f in result.findings if f.code in ("PM003", "PM007", "PM402")] == []
    assert result.postmortems == 1
