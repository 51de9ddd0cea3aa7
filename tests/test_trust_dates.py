"""Extreme dates never crash a run (issue 9, item 5; SPEC section 2, section 7).

Years outside 1900-9999 are schema violations (PM003) in files and usage errors on the command
line; dates inside the range but at its edges (9999-12-31 plus an SLO, a timestamp late on
9999-12-31 read east of UTC) saturate instead of overflowing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pmcheck.dates import add_days, local_date
from pmcheck.schema import is_date, is_date_time
from tests.gitrepo import GitRepo
from tests.trustrepo import AS_OF, invoke, make_repo, one_line_error, pmcheck, postmortem

RESOLVED = "  resolved_at: 2026-06-01T12:00:00Z"
STARTED = "  started_at: 2026-06-01T09:00:00Z"
DUE = "    due: 2026-07-15"


def _findings(done: object) -> list[dict[str, object]]:
    payload = json.loads(done.stdout)  # type: ignore[attr-defined]
    findings: list[dict[str, object]] = payload["findings"]
    return findings


@pytest.mark.parametrize(
    ("edits", "policy"),
    [
        # The SLO limit of a P2 action is resolved_at + 30 days: past 9999-12-31.
        (((RESOLVED, "  resolved_at: 9999-12-31T23:00:00Z"),), "{}\n"),
        (((RESOLVED, "  resolved_at: 9999-12-31T23:00:00-05:00"),), "timezone: Asia/Tokyo\n"),
        (((DUE, "    due: 9999-12-31"),), "{}\n"),
        (((RESOLVED, "  resolved_at: 9999-12-31T23:59:59+14:00"), (DUE, "    due: 9999-12-31")), "slo_clock_start: created\n"),
    ],
    ids=["resolved-at-end-of-calendar", "east-of-utc-at-the-end", "due-at-end", "created-clock"],
)
def test_dates_at_the_end_of_the_calendar_never_crash(tmp_path: Path, edits: tuple[tuple[str, str], ...], policy: str) -> None:
    root = make_repo(tmp_path / "repo", {"postmortems/PM-2026-001.yaml": postmortem(1, *edits)}, policy)
    for as_of in (AS_OF, "9999-12-31", "1900-01-01"):
        done = invoke("check", "--as-of", as_of, "--format", "json", cwd=root)
        assert done.returncode in (0, 1), done.stderr
        assert done.stderr == b""
        assert not [f for f in _findings(done) if f["code"] == "PM003"]
        rendered = invoke("render", "--stdout", "--as-of", as_of, cwd=root)
        assert rendered.returncode == 0, rendered.stderr
        assert f"<!-- pmcheck:as-of {as_of} -->".encode() in rendered.stdout


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        (STARTED, "  started_at: 0001-01-01T00:00:00+05:00", 12),
        (RESOLVED, "  resolved_at: 1899-12-31T23:00:00Z", 15),
        (RESOLVED, "  resolved_at: 0000-01-01T00:00:00Z", 15),
        (DUE, "    due: 0001-01-01", 23),
        (DUE, "    due: 1899-12-31", 23),
    ],
)
def test_years_outside_1900_to_9999_are_schema_violations(tmp_path: Path, old: str, new: str, line: int) -> None:
    root = make_repo(tmp_path / "repo", {"postmortems/PM-2026-001.yaml": postmortem(1, (old, new))})
    done = invoke("check", "--as-of", AS_OF, "--format", "json", cwd=root)
    assert done.returncode == 1, done.stderr
    assert done.stderr == b""
    schema = [f for f in _findings(done) if f["code"] == "PM003"]
    assert len(schema) == 1, schema
    assert schema[0]["line"] == line
    assert "1900-9999" in str(schema[0]["message"])
    rendered = invoke("render", "--stdout", "--as-of", AS_OF, cwd=root)
    assert rendered.returncode == 0, rendered.stderr


def test_format_checks_hold_the_year_range() -> None:
    assert is_date("1900-01-01") and is_date("9999-12-31")
    assert not is_date("1899-12-31") and not is_date("0001-01-01")
    assert is_date_time("9999-12-31T23:00:00Z") and is_date_time("1900-01-01T00:00:00+05:00")
    assert not is_date_time("0001-01-01T00:00:00+05:00") and not is_date_time("1899-12-31T23:59:59Z")


def test_date_arithmetic_saturates_at_the_ends_of_the_calendar() -> None:
    assert add_days(dt.date(9999, 12, 31), 30) == dt.date.max
    assert add_days(dt.date(2026, 1, 1), 10**12) == dt.date.max
    assert add_days(dt.date(1900, 1, 1), -(10**12)) == dt.date.min
    assert add_days(dt.date(2026, 1, 1), 31) == dt.date(2026, 2, 1)
    late = dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert local_date(late, dt.timezone.utc) == dt.date(9999, 12, 31)
    early = dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    assert local_date(early, dt.timezone.utc) == dt.date(1, 1, 1)
    assert local_date(dt.datetime(2026, 1, 1, 23, tzinfo=dt.timezone.utc), dt.timezone(dt.timedelta(hours=2))) == dt.date(2026, 1, 2)


@pytest.mark.parametrize("command", [("check", "--as-of"), ("render", "--stdout", "--as-of"), ("new", "--as-of")])
@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "10000-01-01"])
def test_command_line_dates_outside_the_range_are_usage_errors(tmp_path: Path, command: tuple[str, ...], value: str) -> None:
    root = make_repo(tmp_path / "repo")
    line = one_line_error(invoke(*command, value, cwd=root))
    assert line.startswith("pmcheck: error: ") and "--as-of" in line, line


def test_history_since_outside_the_range_is_a_usage_error(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    make_repo(repo.path)
    repo.commit("postmortems")
    line = one_line_error(pmcheck("history", "--since", "0001-01-01", cwd=repo.path))
    assert "--since" in line and "1900-9999" in line, line
    assert pmcheck("history", "--since", "1900-01-01", cwd=repo.path).returncode == 0


def test_as_of_at_the_end_of_the_calendar_with_a_waiver(tmp_path: Path) -> None:
    # PM902 prints as_of + waiver_max_days, which is past 9999-12-31.
    waiver = "    waivers:\n      - {rule: PM301, reason: r, approved_by: carol.wu, expires: 2026-07-01}\n"
    text = postmortem(1, ("    status: open\n", "    status: open\n" + waiver))
    root = make_repo(tmp_path / "repo", {"postmortems/PM-2026-001.yaml": text})
    done = invoke("check", "--as-of", "9999-12-31", "--format", "json", cwd=root)
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr == b""
