"""The text and JSON reporters: pure functions of a Result, exact output contracts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pmcheck.engine import Result
from pmcheck.findings import Finding, Severity
from pmcheck.reporters import REPORTERS, get_reporter
from pmcheck.reporters import json_report, text

AS_OF = dt.date(2026, 6, 15)


def finding(path: str, line: int, column: int, code: str, severity: Severity = Severity.ERROR, **extra: object) -> Finding:
    fields: dict[str, object] = {
        "path": path,
        "line": line,
        "column": column,
        "code": code,
        "end_line": line,
        "end_column": column + 5,
        "name": {"PM101": "action-without-owner", "PM205": "action-overdue", "PM003": "schema-violation"}.get(code, "some-rule"),
        "severity": severity,
        "message": f"{code} message",
    }
    fields.update(extra)
    return Finding(**fields)  # type: ignore[arg-type]


def result(*findings: Finding, fail_on: str = "error", notes: tuple[str, ...] = (), files: int = 2) -> Result:
    return Result(
        root=Path("/repo"),
        as_of=AS_OF,
        findings=tuple(sorted(findings)),
        files=files,
        postmortems=1,
        actions=3,
        fail_on=fail_on,
        notes=notes,
    )


def test_text_one_line_per_finding_then_the_summary() -> None:
    owner = finding(
        "postmortems/PM-2026-014.yaml", 23, 9, "PM101",
        message="action PM-2026-014-A2 has no owner", hint="set `owner:` to one person id",
        postmortem="PM-2026-014", action="PM-2026-014-A2", pointer="/actions/1",
    )
    overdue = finding("postmortems/PM-2026-014.yaml", 30, 5, "PM205", Severity.WARNING, message="late")
    schema = finding("postmortems/PM-2026-002.yaml", 7, 1, "PM003", message="status: bad")
    assert text.render(result(owner, overdue, schema)) == (
        "postmortems/PM-2026-002.yaml:7:1: [error] PM003 schema-violation: status: bad\n"
        "postmortems/PM-2026-014.yaml:23:9: [error] PM101 action-without-owner: action PM-2026-014-A2 has no owner\n"
        "  hint: set `owner:` to one person id\n"
        "postmortems/PM-2026-014.yaml:30:5: [warning] PM205 action-overdue: late\n"
        "2 errors, 1 warning, 0 info in 2 files (1 postmortem, 3 actions) (as of 2026-06-15)\n"
    )


def test_text_summary_of_a_clean_run_uses_singulars() -> None:
    clean = Result(root=Path("/repo"), as_of=AS_OF, findings=(), files=1, postmortems=1, actions=1)
    assert text.render(clean) == "0 errors, 0 warnings, 0 info in 1 file (1 postmortem, 1 action) (as of 2026-06-15)\n"


def test_text_notes_come_before_the_summary() -> None:
    rendered = text.render(result(notes=("no people.yaml found: roster rules skipped",)))
    assert rendered.splitlines() == [
        "note: no people.yaml found: roster rules skipped",
        "0 errors, 0 warnings, 0 info in 2 files (1 postmortem, 3 actions) (as of 2026-06-15)",
    ]


def test_text_marks_notices_and_does_not_count_them_as_failures() -> None:
    late = finding("postmortems/PM-2026-001.yaml", 23, 5, "PM205", Severity.WARNING, message="late", notice=True)
    rendered = text.render(result(late))
    assert rendered.splitlines() == [
        "postmortems/PM-2026-001.yaml:23:5: [notice] PM205 action-overdue: late",
        "0 errors, 0 warnings, 0 info, 1 notice in 2 files (1 postmortem, 3 actions) (as of 2026-06-15)",
    ]
    assert result(late, fail_on="info").exit_code == 0


def test_text_without_color_has_no_escape_sequences_and_with_color_keeps_the_text() -> None:
    found = result(finding("a.yaml", 1, 1, "PM003", hint="fix it"), finding("a.yaml", 2, 1, "PM205", Severity.WARNING))
    plain = text.render(found)
    assert "\033" not in plain
    colored = text.render(found, color=True)
    assert "\033[31m" in colored and "\033[33m" in colored
    import re

    assert re.sub(r"\033\[[0-9;]*m", "", colored) == plain


def test_text_escapes_control_characters_from_file_content() -> None:
    sneaky = finding(
        "postmortems/PM-2026-001.yaml", 4, 1, "PM003",
        message="title: \x1b]8;;https://evil.example\x1b\\click\nsecond line",
        hint="line one\rline two",
    )
    rendered = text.render(result(sneaky))
    assert "\x1b" not in rendered and "\r" not in rendered
    lines = rendered.splitlines()
    assert len(lines) == 3
    assert lines[0] == "postmortems/PM-2026-001.yaml:4:1: [error] PM003 schema-violation: title: \\x1b]8;;https://evil.example\\x1b\\click\\nsecond line"
    assert lines[1] == "  hint: line one\\rline two"


def test_exit_code_follows_fail_on() -> None:
    warning = finding("a.yaml", 1, 1, "PM205", Severity.WARNING)
    info = finding("a.yaml", 2, 1, "PM999", Severity.INFO)
    assert result(warning, info).exit_code == 0
    assert result(warning, info, fail_on="warning").exit_code == 1
    assert result(info, fail_on="warning").exit_code == 0
    assert result(info, fail_on="info").exit_code == 1
    assert result(finding("a.yaml", 1, 1, "PM003"), fail_on="never").exit_code == 0


def test_json_document_shape_and_key_order() -> None:
    owner = finding(
        "postmortems/PM-2026-014.yaml", 23, 9, "PM101",
        message="action PM-2026-014-A2 has no owner", hint="set `owner:`",
        postmortem="PM-2026-014", action="PM-2026-014-A2", pointer="/actions/1",
    )
    late = finding("postmortems/PM-2026-014.yaml", 30, 5, "PM205", Severity.WARNING, notice=True)
    document = json.loads(json_report.render(result(owner, late, notes=("a note",))))
    assert list(document) == ["version", "as_of", "findings", "summary", "notes"]
    assert document["version"] == 1 and document["as_of"] == "2026-06-15"
    assert document["findings"][0] == {
        "path": "postmortems/PM-2026-014.yaml",
        "line": 23,
        "column": 9,
        "end_line": 23,
        "end_column": 14,
        "code": "PM101",
        "name": "action-without-owner",
        "severity": "error",
        "message": "action PM-2026-014-A2 has no owner",
        "hint": "set `owner:`",
        "pointer": "/actions/1",
        "postmortem": "PM-2026-014",
        "action": "PM-2026-014-A2",
        "notice": False,
    }
    assert list(document["findings"][0]) == list(document["findings"][1])
    assert document["findings"][1]["notice"] is True
    assert document["summary"] == {
        "files": 2,
        "postmortems": 1,
        "actions": 3,
        "by_severity": {"error": 1, "warning": 0, "info": 0},
        "by_code": {"PM101": 1, "PM205": 1},
        "notices": 1,
        "failed": True,
    }
    assert document["notes"] == ["a note"]


def test_json_keeps_unicode_and_escapes_controls() -> None:
    odd = finding("postmortems/PM-2026-001.yaml", 1, 1, "PM003", message="café \x1b[31m\nnext")
    rendered = json_report.render(result(odd))
    assert "café" in rendered
    assert "\x1b" not in rendered
    assert json.loads(rendered)["findings"][0]["message"] == "café \x1b[31m\nnext"


def test_json_is_byte_identical_for_the_same_result() -> None:
    findings = [finding(f"postmortems/PM-2026-{n:03d}.yaml", n, 1, "PM003") for n in (3, 1, 2)]
    assert json_report.render(result(*findings)) == json_report.render(result(*reversed(findings)))


def test_both_formats_are_registered() -> None:
    assert {"text", "json"} <= set(REPORTERS)
    assert get_reporter("text") is text.render
    assert get_reporter("json") is json_report.render
