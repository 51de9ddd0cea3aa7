"""The policy: built-in defaults, pmcheck.yaml merged over them, and located configuration errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pmcheck.errors import ConfigError
from pmcheck.findings import Severity
from pmcheck.policy import Rung, find_root, load_policy
from tests.cli_runner import CliRun, run_pmcheck

BASE = Path(__file__).resolve().parent / "rules" / "example_base.yaml"


def policy_in(tmp_path: Path, text: str | None):  # type: ignore[no-untyped-def]
    if text is not None:
        (tmp_path / "pmcheck.yaml").write_text(textwrap.dedent(text))
    return load_policy(tmp_path)


def config_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        policy_in(tmp_path, text)
    return str(raised.value)


def test_defaults_without_a_policy_file(tmp_path: Path) -> None:
    policy = policy_in(tmp_path, None)
    assert policy.source is None
    assert list(policy.severities) == ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]
    assert list(policy.priorities) == ["P0", "P1", "P2", "P3"]
    assert [s.default_priority for s in policy.severities.values()] == ["P0", "P1", "P2", "P3"]
    assert [p.slo_days for p in policy.priorities.values()] == [14, 30, 60, 90]
    assert policy.severities["SEV-1"].critical and not policy.severities["SEV-3"].critical
    assert policy.severities["SEV-3"].postmortem_review_within_days is None
    assert policy.priorities["P1"].escalate == (Rung(7, "manager"), Rung(30, "exec_sponsor"))
    assert policy.priorities["P0"].max_extensions == 1
    assert policy.priorities["P3"].max_extensions is None
    assert (policy.timezone, policy.due_soon_days, policy.repeat_window_days, policy.waiver_max_days) == ("UTC", 2, 180, 90)
    assert policy.postmortems == ("postmortems/**/*.yaml", "postmortems/**/*.yml")
    assert (policy.people, policy.log, policy.log_template) == ("people.yaml", "RELIABILITY_LOG.md", None)
    assert policy.slo_clock_start == "resolved_at"
    assert policy.rules == {}
    assert len(policy.failure_modes) == 12 and policy.failure_modes[-1] == "other"
    assert policy.trend_weeks == 12


@pytest.mark.parametrize(
    ("status", "priority", "terminal"),
    [
        ("verified", "P0", True),
        ("wont_do", "P0", True),
        ("superseded", "P1", True),
        ("done", "P0", False),
        ("done", "P1", False),
        ("done", "P2", True),
        ("done", "P3", True),
        ("open", "P3", False),
        ("blocked", "P3", False),
        ("done", "P9", False),
    ],
)
def test_terminal_statuses_follow_the_priority(tmp_path: Path, status: str, priority: str, terminal: bool) -> None:
    assert policy_in(tmp_path, None).is_terminal(status, priority) is terminal


@pytest.mark.parametrize("text", ["", "# all defaults\n", "{}\n", "~\n"])
def test_an_empty_policy_file_means_the_defaults(tmp_path: Path, text: str) -> None:
    policy = policy_in(tmp_path, text)
    assert policy.source == "pmcheck.yaml"
    assert policy.due_soon_days == 2 and list(policy.priorities) == ["P0", "P1", "P2", "P3"]


def test_top_level_keys_override_and_the_rest_stay_default(tmp_path: Path) -> None:
    policy = policy_in(
        tmp_path,
        """\
        due_soon_days: 5
        timezone: Europe/Berlin
        trend: {weeks: 4}
        """,
    )
    assert (policy.due_soon_days, policy.timezone, policy.trend_weeks) == (5, "Europe/Berlin", 4)
    assert policy.waiver_max_days == 90
    assert list(policy.severities) == ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]


def test_renamed_levels_replace_the_tables_in_their_own_order(tmp_path: Path) -> None:
    policy = policy_in(
        tmp_path,
        """\
        severities:
          S1: {critical: true, default_priority: urgent}
          S2: {}
        priorities:
          urgent: {critical: true, slo_days: 3, requires_verification: true,
                   escalate: [{after_days_overdue: 5, to: exec_sponsor}, {after_days_overdue: 1, to: manager}]}
          later: {slo_days: 120}
        """,
    )
    assert list(policy.severities) == ["S1", "S2"]
    assert policy.severities["S2"].default_priority == "later"  # the least urgent, when not given
    assert policy.severities["S2"].review_every_days == 30
    urgent, later = policy.priorities.values()
    assert (urgent.rank, later.rank) == (0, 1)
    # Rungs are ordered by days overdue, whatever order the file lists them in.
    assert urgent.escalate == (Rung(1, "manager"), Rung(5, "exec_sponsor"))
    # done is terminal exactly where verification is not required, unless said otherwise.
    assert (urgent.done_is_terminal, later.done_is_terminal) == (False, True)
    assert policy.is_critical_priority("urgent") and not policy.is_critical_priority("P0")
    assert policy.priority_rank("unknown") == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rules: {PM404: off}\n", "off"),
        ("rules: {PM404: 'off'}\n", "off"),
        ("rules: {PM404: OFF}\n", "off"),
        ("rules: {PM205: warning}\n", Severity.WARNING),
        ("rules: {PM205: info}\n", Severity.INFO),
        ("rules: {PM205: error}\n", Severity.ERROR),
    ],
)
def test_rule_overrides(tmp_path: Path, text: str, expected: object) -> None:
    policy = policy_in(tmp_path, text)
    [code] = policy.rules
    assert policy.severity_override(code) == expected
    assert policy.severity_override("PM101") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("due_soon_days: soon\n", "pmcheck.yaml:1:1: due_soon_days: expected a whole number, got text 'soon' (write a number)"),
        ("\n\ndue_son_days: 3\n", "pmcheck.yaml:3:1: top level: unknown key 'due_son_days' (did you mean 'due_soon_days'?)"),
        ("timezone: UTC\ntimezone: Mars/Olympus\n", "pmcheck.yaml:2:1: duplicate key 'timezone' (first defined on line 1)"),
        ("timezone: Mars/Olympus\n", "pmcheck.yaml:1:1: timezone: unknown time zone 'Mars/Olympus'"),
        (
            "severities:\n  SEV-1: {default_priority: P9}\n",
            "pmcheck.yaml:2:11: severities.SEV-1.default_priority: 'P9' is not a priority (P0, P1, P2, P3)",
        ),
        ("rules:\n  PM404: loud\n", "pmcheck.yaml:2:3: rules.PM404: 'loud' is not one of error, warning, info, off (use error, warning, info or off)"),
        ("rules:\n  pm404: off\n", "pmcheck.yaml:2:3: rules: key 'pm404' is not a valid name (rename the key)"),
        ("people: ../../etc/passwd\n", "pmcheck.yaml:1:1: people: '../../etc/passwd' must be a path inside the repository"),
        ("log: /var/log/reliability.md\n", "pmcheck.yaml:1:1: log: '/var/log/reliability.md' must be a path inside the repository"),
        ("trend: {weeks: yes}\n", "pmcheck.yaml:1:9: trend.weeks: expected a whole number, got unquoted 'yes', which YAML reads as a boolean (quote it: 'yes')"),
        ("- due_soon_days: 3\n", "pmcheck.yaml:1:1: top level: expected a mapping, got a list (write a mapping of `key: value` lines)"),
        ("slo_clock_start: detected_at\n", "pmcheck.yaml:1:1: slo_clock_start: 'detected_at' is not one of resolved_at, created (use resolved_at or created)"),
    ],
)
def test_bad_policy_is_one_located_config_error(tmp_path: Path, text: str, expected: str) -> None:
    assert config_error(tmp_path, text) == expected


def test_a_partial_priorities_table_says_it_replaces_the_built_in_one(tmp_path: Path) -> None:
    message = config_error(tmp_path, "due_soon_days: 3\npriorities:\n  P0: {slo_days: 7}\n")
    assert message.startswith("pmcheck.yaml:2:1: priorities: the built-in severity SEV-2 expects priority 'P1'")
    assert "list every level" in message


def test_explicit_config_file_is_used_and_named_as_given(tmp_path: Path) -> None:
    (tmp_path / "pmcheck.yaml").write_text("due_soon_days: 9\n")
    (tmp_path / "strict.yaml").write_text("due_soon_days: 1\nwaiver_max_days: oops\n")
    with pytest.raises(ConfigError, match=r"^" + str(tmp_path / "strict.yaml") + r":2:1: waiver_max_days"):
        load_policy(tmp_path, str(tmp_path / "strict.yaml"))
    (tmp_path / "strict.yaml").write_text("due_soon_days: 1\n")
    policy = load_policy(tmp_path, str(tmp_path / "strict.yaml"))
    assert (policy.due_soon_days, policy.source) == (1, str(tmp_path / "strict.yaml"))


def test_missing_explicit_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--config nowhere.yaml: no such file"):
        load_policy(tmp_path, "nowhere.yaml")


def test_root_is_the_nearest_folder_with_a_policy(tmp_path: Path) -> None:
    (tmp_path / "pmcheck.yaml").write_text("{}\n")
    deep = tmp_path / "postmortems" / "2026"
    deep.mkdir(parents=True)
    (deep / "PM-2026-001.yaml").write_text("")
    assert find_root(None, str(deep / "PM-2026-001.yaml")) == tmp_path
    assert find_root(None, str(deep)) == tmp_path
    assert find_root(str(deep), None) == deep


def test_repo_option_must_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a directory"):
        find_root(str(tmp_path / "absent"), None)


def run_cli(args: list[str], cwd: Path) -> CliRun:
    return run_pmcheck(*args, cwd=cwd)


def repo_with_policy(tmp_path: Path, policy: str) -> Path:
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "postmortems" / "PM-2026-001.yaml").write_text(BASE.read_text())
    (tmp_path / "pmcheck.yaml").write_text(policy)
    return tmp_path


@pytest.mark.parametrize(
    ("policy", "stderr"),
    [
        ("due_soon_days: soon\n", "pmcheck: error: pmcheck.yaml:1:1: due_soon_days: expected a whole number, got text 'soon' (write a number)\n"),
        ("{due_soon_days: 1, typo: 2}\n", "pmcheck: error: pmcheck.yaml:1:20: top level: unknown key 'typo' (allowed keys: "),
        ("timezone: Moon/Tranquility\n", "pmcheck: error: pmcheck.yaml:1:1: timezone: unknown time zone 'Moon/Tranquility'\n"),
        (
            "severities:\n  SEV-1: {default_priority: P0}\n  SEV-2:\n    default_priority: P7\n",
            "pmcheck: error: pmcheck.yaml:4:5: severities.SEV-2.default_priority: 'P7' is not a priority (P0, P1, P2, P3)\n",
        ),
    ],
)
def test_bad_policy_exits_2_with_one_line_through_the_cli(tmp_path: Path, policy: str, stderr: str) -> None:
    repo = repo_with_policy(tmp_path, policy)
    done = run_cli(["check", "--as-of", "2026-06-15"], cwd=repo)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(stderr)
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_rule_turned_off_in_the_policy_is_not_reported(tmp_path: Path) -> None:
    repo = repo_with_policy(tmp_path, "{}\n")
    (repo / "postmortems" / "PM-2026-002.yaml").write_text(BASE.read_text())
    before = run_cli(["check", "--as-of", "2026-06-15", "--select", "PM004"], cwd=repo)
    assert before.returncode == 1 and " PM004 " in before.stdout
    (repo / "pmcheck.yaml").write_text("rules:\n  PM004: off\n")
    after = run_cli(["check", "--as-of", "2026-06-15", "--select", "PM004"], cwd=repo)
    assert (after.returncode, after.stderr) == (0, "")
    assert " PM004 " not in after.stdout


def test_rule_demoted_to_warning_no_longer_fails_the_run(tmp_path: Path) -> None:
    repo = repo_with_policy(tmp_path, "rules: {PM004: warning}\n")
    (repo / "postmortems" / "PM-2026-002.yaml").write_text(BASE.read_text())
    done = run_cli(["check", "--as-of", "2026-06-15", "--select", "PM004"], cwd=repo)
    assert done.returncode == 0
    assert "postmortems/PM-2026-002.yaml:4:1: [warning] PM004 id-filename-mismatch:" in done.stdout
    assert "0 errors, 1 warning, 0 info" in done.stdout
    failing = run_cli(["check", "--as-of", "2026-06-15", "--select", "PM004", "--fail-on", "warning"], cwd=repo)
    assert failing.returncode == 1
