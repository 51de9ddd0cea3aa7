"""``pmcheck new`` writes repository values into YAML safely (issue 9 item 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pmcheck.scaffold import yaml_comment, yaml_scalar
from tests.cli_runner import invoke
from tests.test_view import make_repo

AS_OF = "2026-06-15"


HOSTILE_POLICY = """\
failure_modes:
  - "other\\nowner: mallory\\nstatus: closed"
severities:
  "null": {critical: true, default_priority: "1e3"}
  SEV-2: {critical: false, default_priority: "1e3"}
priorities:
  "1e3": {slo_days: 7}
people: "team\\npeople.yaml"
"""


def test_new_writes_policy_values_as_safe_yaml_scalars(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "repo", {}, policy=HOSTILE_POLICY)
    code, _, err = invoke(["--repo", str(repo), "new", "--severity", "null", "--as-of", AS_OF], capsys)
    assert code == 0, err
    text = (repo / "postmortems" / "PM-2026-001.yaml").read_text()
    data = yaml.safe_load(text)
    # Nothing injected: the keys are the template's, the values the strings the policy holds.
    assert data["owner"] == "todo" and data["status"] == "draft"
    assert data["severity"] == "null"
    assert data["actions"][0]["priority"] == "1e3"
    assert data["actions"][0]["id"] == "PM-2026-001-A1"
    assert "mallory" not in "".join(line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("#"))


@pytest.mark.parametrize("value", ["SEV-2", "null", "yes", "1e3", "a: b", "x\ny: z", "- item", "'q'", '"q"', "#c", "é", ""])
def test_yaml_scalar_reads_back_as_the_same_string(value: str) -> None:
    assert yaml.safe_load(f"key: {yaml_scalar(value)}\n") == {"key": value}


def test_yaml_comment_stays_on_one_line() -> None:
    assert "\n" not in yaml_comment("a\nb\rc\x00")
    assert yaml_comment("people.yaml") == "people.yaml"


@pytest.mark.parametrize("day", ["0001-06-01", "1899-12-31"])
def test_new_refuses_a_year_an_id_cannot_hold(tmp_path: Path, capsys: pytest.CaptureFixture[str], day: str) -> None:
    repo = make_repo(tmp_path / "repo", {})
    code, _, err = invoke(["--repo", str(repo), "new", "--as-of", day], capsys)
    # The command line refuses every date outside 1900-9999 before `new` sees it.
    assert (code, err) == (2, f"pmcheck: error: Invalid value for '--as-of': '{day}' is outside the years 1900-9999 (see `pmcheck new --help`)\n")
    assert list((repo / "postmortems").iterdir()) == []


def test_new_command_refuses_a_year_an_id_cannot_hold_when_called_directly(tmp_path: Path) -> None:
    import datetime as dt

    from pmcheck.errors import UsageError
    from pmcheck.scaffold import new_command

    repo = make_repo(tmp_path / "repo", {})
    with pytest.raises(UsageError, match="a postmortem id needs a year from 1900 to 9999"):
        new_command(str(repo), None, None, None, dt.date(1, 6, 1))
    assert list((repo / "postmortems").iterdir()) == []
