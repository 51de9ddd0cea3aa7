"""The command line through its entry point: exit codes, stdout and stderr exactly.

Every test runs ``pmcheck.cli.main`` in the test process (``tests/cli_runner.py``) in a
temporary repository with the test roster and pins ``--as-of``; ``test_cli_process.py`` runs
the real process. Exit codes (SPEC section 7): 0 nothing failing, 1 findings at or above --fail-on,
2 usage or configuration error (one line on stderr), 3 internal error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli_runner import CliRun, run_pmcheck

TESTS = Path(__file__).resolve().parent
BASE = (TESTS / "rules" / "example_base.yaml").read_text()
ROSTER = (TESTS / "data" / "people.yaml").read_text()
AS_OF = "2026-06-15"
SPEC_FINDING_KEYS = [
    "path", "line", "column", "end_line", "end_column", "code", "name", "severity",
    "message", "hint", "pointer", "postmortem", "action",
]


def pmcheck(*args: str, cwd: Path, env: dict[str, str] | None = None) -> CliRun:
    return run_pmcheck(*args, cwd=cwd, env=env)


def postmortem(number: int, *edits: tuple[str, str], pm_id: str | None = None) -> str:
    """The healthy base postmortem as PM-2026-<number>, on its own service and workflow so no two repeat."""
    text = BASE.replace("PM-2026-001", pm_id or f"PM-2026-{number:03d}")
    text = text.replace("services: [support-api]", f"services: [service-{number}]")
    text = text.replace("workflow: support-assistant", f"workflow: flow-{number}")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "postmortems").mkdir(parents=True)
    (root / "pmcheck.yaml").write_text("{}\n")
    (root / "people.yaml").write_text(ROSTER)
    (root / "postmortems" / "PM-2026-001.yaml").write_text(postmortem(1))
    return root


@pytest.fixture
def broken(repo: Path) -> Path:
    """Three files with one known error each: PM003 at 7:1, PM004 at 4:1, PM002 at 6:1."""
    pms = repo / "postmortems"
    (pms / "PM-2026-002.yaml").write_text(postmortem(2, ("status: in_review", "status: finished")))
    (pms / "PM-2026-003.yaml").write_text(postmortem(3, pm_id="PM-2026-009"))
    (pms / "PM-2026-004.yaml").write_text(
        postmortem(4, ("severity: SEV-3\n", "title: A second title\nseverity: SEV-3\n"))
    )
    return repo


PM003_LINE = (
    "postmortems/PM-2026-002.yaml:7:9: [error] PM003 schema-violation: "
    "status: 'finished' is not one of draft, in_review, reviewed, published, closed"
)
PM004_LINE = "postmortems/PM-2026-003.yaml:4:1: [error] PM004 id-filename-mismatch: id PM-2026-009 does not match the file name PM-2026-003.yaml"
PM002_LINE = "postmortems/PM-2026-004.yaml:6:1: [error] PM002 duplicate-key: duplicate key 'title' (first defined on line 5)"


def finding_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if re.match(r"\S+:\d+:\d+: \[", line)]


def test_clean_repository_exits_0_with_only_the_summary(repo: Path) -> None:
    done = pmcheck("check", "--as-of", AS_OF, cwd=repo)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "0 errors, 0 warnings, 0 info in 1 file (1 postmortem, 1 action) (as of 2026-06-15)\n"


def test_error_at_a_known_line_and_column_exactly(repo: Path) -> None:
    (repo / "postmortems" / "PM-2026-002.yaml").write_text(postmortem(2, ("status: in_review", "status: finished")))
    done = pmcheck("check", "--as-of", AS_OF, "postmortems/PM-2026-002.yaml", cwd=repo)
    assert done.returncode == 1
    assert done.stderr == ""
    assert done.stdout == (
        PM003_LINE + "\n"
        "  hint: use draft, in_review, reviewed, published or closed\n"
        "1 error, 0 warnings, 0 info in 1 file (1 postmortem, 1 action) (as of 2026-06-15)\n"
    )


def test_every_finding_sorted_by_path_line_column_code(broken: Path) -> None:
    done = pmcheck("check", "--as-of", AS_OF, cwd=broken)
    assert (done.returncode, done.stderr) == (1, "")
    assert finding_lines(done.stdout) == [PM003_LINE, PM004_LINE, PM002_LINE]
    assert done.stdout.splitlines()[-1] == "3 errors, 0 warnings, 0 info in 4 files (4 postmortems, 4 actions) (as of 2026-06-15)"
    assert "  hint: remove one of the two; YAML keeps only the last" in done.stdout


def test_fail_on_never_reports_but_exits_0(broken: Path) -> None:
    done = pmcheck("check", "--as-of", AS_OF, "--fail-on", "never", cwd=broken)
    assert (done.returncode, done.stderr) == (0, "")
    assert finding_lines(done.stdout) == [PM003_LINE, PM004_LINE, PM002_LINE]


def test_fail_on_warning_fails_on_a_warning_only_run(repo: Path) -> None:
    # Five days past due is a PM205 warning for a P2 action.
    late = "2026-07-20"
    assert pmcheck("check", "--as-of", late, cwd=repo).returncode == 0
    done = pmcheck("check", "--as-of", late, "--fail-on", "warning", cwd=repo)
    assert done.returncode == 1
    assert "postmortems/PM-2026-001.yaml:23:5: [warning] PM205 action-overdue:" in done.stdout
    assert pmcheck("check", "--as-of", late, "--fail-on", "warning", "--ignore", "PM205", cwd=repo).returncode == 0


def test_as_of_moves_time_dependent_findings(repo: Path) -> None:
    on_time = pmcheck("check", "--as-of", "2026-07-15", "--select", "PM205", cwd=repo)
    late = pmcheck("check", "--as-of", "2026-07-16", "--select", "PM205", cwd=repo)
    assert finding_lines(on_time.stdout) == []
    assert [line.split(": ")[1] for line in finding_lines(late.stdout)] == ["[warning] PM205 action-overdue"]
    assert "(as of 2026-07-16)" in late.stdout


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--select", "PM003"], [PM003_LINE]),
        (["--select", "PM00"], [PM003_LINE, PM004_LINE, PM002_LINE]),
        (["--select", "pm002,PM004"], [PM004_LINE, PM002_LINE]),
        (["--select", "PM002", "--select", "PM003"], [PM003_LINE, PM002_LINE]),
        (["--ignore", "PM003"], [PM004_LINE, PM002_LINE]),
        (["--ignore", "PM0"], []),
        # The longer prefix wins: select the family, carve one code out.
        (["--select", "PM0", "--ignore", "PM004"], [PM003_LINE, PM002_LINE]),
        (["--select", "PM004", "--ignore", "PM0"], [PM004_LINE]),
    ],
)
def test_select_and_ignore_by_code_and_prefix(broken: Path, options: list[str], expected: list[str]) -> None:
    done = pmcheck("check", "--as-of", AS_OF, *options, cwd=broken)
    assert done.stderr == ""
    assert finding_lines(done.stdout) == expected
    assert done.returncode == (1 if expected else 0)


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["check", "--select", "PM777"], "pmcheck: error: 'PM777' is not a rule code or prefix (see `pmcheck rules`)\n"),
        (["check", "--ignore", "E501"], "pmcheck: error: 'E501' is not a rule code or prefix (see `pmcheck rules`)\n"),
        (["check", "postmortems/PM-2026-404.yaml"], "pmcheck: error: postmortems/PM-2026-404.yaml: no such file or directory\n"),
        (["check", "--as-of", "2026-02-30"], "pmcheck: error: Invalid value for '--as-of': '2026-02-30' is not a date (YYYY-MM-DD) (see `pmcheck check --help`)\n"),
        (["check", "--fail-on", "sometimes"], None),
        (["check", "--format", "xml"], None),
        (["check", "--report", "text"], None),
        (["check", "--output", "no/such/folder/report.txt"], "pmcheck: error: cannot write no/such/folder/report.txt: No such file or directory\n"),
        (["--repo", "no-such-folder", "check"], "pmcheck: error: --repo no-such-folder: not a directory\n"),
        (["--config", "absent.yaml", "check"], "pmcheck: error: --config absent.yaml: no such file\n"),
        (["no-such-command"], "pmcheck: error: No such command 'no-such-command'. (see `pmcheck --help`)\n"),
        (["schema", "everything"], None),
    ],
)
def test_usage_errors_exit_2_with_one_line(repo: Path, args: list[str], stderr: str | None) -> None:
    done = pmcheck(*args, cwd=repo)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("pmcheck: error: ")
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    if stderr is not None:
        assert done.stderr == stderr


def test_no_postmortems_is_pm905_and_fails(tmp_path: Path) -> None:
    (tmp_path / "pmcheck.yaml").write_text("{}\n")
    done = pmcheck("check", "--as-of", AS_OF, cwd=tmp_path)
    assert (done.returncode, done.stderr) == (1, "")
    assert finding_lines(done.stdout) == [
        ".:1:1: [error] PM905 no-postmortems-found: no postmortem files found in postmortems/**/*.yaml, postmortems/**/*.yml"
    ]


def test_selection_never_hides_an_empty_run(tmp_path: Path) -> None:
    (tmp_path / "pmcheck.yaml").write_text("{}\n")
    done = pmcheck("check", "--as-of", AS_OF, "--select", "PM1", "--ignore", "PM905", cwd=tmp_path)
    assert done.returncode == 1
    assert ": [error] PM905 no-postmortems-found:" in done.stdout


def test_an_empty_folder_argument_is_pm905(repo: Path) -> None:
    (repo / "postmortems" / "2025").mkdir()
    done = pmcheck("check", "--as-of", AS_OF, "postmortems/2025", cwd=repo)
    assert done.returncode == 1
    assert ": [error] PM905 no-postmortems-found: no postmortem files found in postmortems/2025" in done.stdout


def test_json_output_has_the_spec_shape(broken: Path) -> None:
    done = pmcheck("check", "--as-of", AS_OF, "--format", "json", cwd=broken)
    assert (done.returncode, done.stderr) == (1, "")
    document = json.loads(done.stdout)
    assert list(document)[:4] == ["version", "as_of", "findings", "summary"]
    assert (document["version"], document["as_of"]) == (1, "2026-06-15")
    findings = document["findings"]
    for finding in findings:
        assert list(finding)[: len(SPEC_FINDING_KEYS)] == SPEC_FINDING_KEYS
    keys = [(f["path"], f["line"], f["column"], f["code"]) for f in findings]
    assert keys == sorted(keys) == [
        ("postmortems/PM-2026-002.yaml", 7, 9, "PM003"),
        ("postmortems/PM-2026-003.yaml", 4, 1, "PM004"),
        ("postmortems/PM-2026-004.yaml", 6, 1, "PM002"),
    ]
    first = findings[0]
    assert first["severity"] == "error" and first["name"] == "schema-violation"
    assert (first["pointer"], first["postmortem"], first["action"]) == ("/status", "PM-2026-002", None)
    assert (first["end_line"], first["end_column"]) == (7, 17)
    summary = document["summary"]
    assert list(summary)[:5] == ["files", "postmortems", "actions", "by_severity", "by_code"]
    assert (summary["files"], summary["postmortems"], summary["actions"]) == (4, 4, 4)
    assert summary["by_severity"] == {"error": 3, "warning": 0, "info": 0}
    assert summary["by_code"] == {"PM002": 1, "PM003": 1, "PM004": 1}


def test_json_pointer_and_action_of_an_action_finding(repo: Path) -> None:
    done = pmcheck("check", "--as-of", "2026-07-20", "--select", "PM205", "--format", "json", cwd=repo)
    [finding] = json.loads(done.stdout)["findings"]
    assert (finding["line"], finding["column"]) == (23, 5)
    assert finding["pointer"] == "/actions/0/due"
    assert (finding["postmortem"], finding["action"]) == ("PM-2026-001", "PM-2026-001-A1")


def test_output_file_gets_the_report_and_stdout_stays_empty(broken: Path) -> None:
    expected = pmcheck("check", "--as-of", AS_OF, cwd=broken).stdout
    done = pmcheck("check", "--as-of", AS_OF, "--output", "report.txt", cwd=broken)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "")
    assert (broken / "report.txt").read_text() == expected
    as_json = pmcheck("check", "--as-of", AS_OF, "--format", "json", "--output", "report.json", cwd=broken)
    assert (as_json.returncode, as_json.stdout) == (1, "")
    assert json.loads((broken / "report.json").read_text())["version"] == 1


def test_extra_reports_in_the_same_run(broken: Path) -> None:
    done = pmcheck("check", "--as-of", AS_OF, "--report", "json=out.json", cwd=broken)
    assert done.returncode == 1
    assert finding_lines(done.stdout) == [PM003_LINE, PM004_LINE, PM002_LINE]
    assert len(json.loads((broken / "out.json").read_text())["findings"]) == 3


def test_output_is_identical_across_runs(broken: Path) -> None:
    first = pmcheck("check", "--as-of", AS_OF, "--format", "json", cwd=broken).stdout
    second = pmcheck("check", "--as-of", AS_OF, "--format", "json", cwd=broken).stdout
    assert first == second


def test_text_paths_are_relative_to_the_working_directory(broken: Path) -> None:
    # SPEC section 7: clickable from where the user stands.
    done = pmcheck("check", "--as-of", AS_OF, "PM-2026-002.yaml", cwd=broken / "postmortems")
    assert finding_lines(done.stdout) == [PM003_LINE.removeprefix("postmortems/")]
    from_outside = pmcheck("check", "--as-of", AS_OF, broken.name, cwd=broken.parent)
    assert finding_lines(from_outside.stdout) == [f"{broken.name}/{line}" for line in (PM003_LINE, PM004_LINE, PM002_LINE)]
    # Other formats keep repository-relative paths.
    as_json = pmcheck("check", "--as-of", AS_OF, "--format", "json", broken.name, cwd=broken.parent)
    assert [f["path"] for f in json.loads(as_json.stdout)["findings"]][0] == "postmortems/PM-2026-002.yaml"


def test_no_color_when_not_a_terminal_or_with_no_color(broken: Path) -> None:
    plain = pmcheck("check", "--as-of", AS_OF, cwd=broken, env={"NO_COLOR": "1"})
    assert "\033[" not in plain.stdout
    assert "\033[" not in pmcheck("check", "--as-of", AS_OF, cwd=broken).stdout


def test_github_format_is_the_default_on_github_actions(broken: Path) -> None:
    done = pmcheck("check", "--as-of", AS_OF, cwd=broken, env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 1
    assert "::error " in done.stdout
    assert PM003_LINE not in done.stdout


def test_statistics_counts_per_code(broken: Path) -> None:
    done = pmcheck("check", "--as-of", AS_OF, "--statistics", cwd=broken)
    assert done.returncode == 1
    tail = done.stdout.splitlines()[-3:]
    assert [line.split() for line in tail] == [
        ["1", "PM002", "duplicate-key"],
        ["1", "PM003", "schema-violation"],
        ["1", "PM004", "id-filename-mismatch"],
    ]


def test_schema_command_prints_each_packaged_schema(repo: Path) -> None:
    for name in ("postmortem", "people", "policy"):
        done = pmcheck("schema", name, cwd=repo)
        assert (done.returncode, done.stderr) == (0, "")
        assert json.loads(done.stdout)["$id"].endswith(f"/{name}.schema.json")


def test_version_and_help(repo: Path) -> None:
    from pmcheck import __version__

    version = pmcheck("--version", cwd=repo)
    assert (version.returncode, version.stdout) == (0, f"pmcheck, version {__version__}\n")
    helped = pmcheck("check", "--help", cwd=repo)
    assert helped.returncode == 0 and "--fail-on" in helped.stdout


def test_internal_error_exits_3_with_a_please_report_hint(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    import pmcheck.engine
    from pmcheck.cli import main

    def explode(options: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pmcheck.engine, "run_check", explode)
    monkeypatch.chdir(repo)
    with pytest.raises(SystemExit) as exited:
        main(["check", "--as-of", AS_OF])
    assert exited.value.code == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("pmcheck: internal error: RuntimeError: boom\n")
    assert "please report" in captured.err
    assert "Traceback" not in captured.err
