"""Every output format on the same findings: golden files, and the contracts each format keeps.

Refresh the golden files with ``PMCHECK_UPDATE_GOLDEN=1 pytest tests/test_reporters.py`` and
review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from pmcheck.engine import Result
from pmcheck.findings import Finding, Severity
from pmcheck.reporters import REPORTERS, get_reporter
from pmcheck.reporters.markdown_report import ROW_BUDGET, cell

GOLDEN = Path(__file__).resolve().parent / "golden" / "formats"
AS_OF = dt.date(2026, 6, 15)
CHANGED = "postmortems/PM-2026-014.yaml"
OTHER = "postmortems/PM-2026-003.yaml"
HOSTILE = "postmortems/odd, name: 100%.yaml"


def finding(
    path: str,
    line: int,
    code: str,
    name: str,
    severity: Severity,
    message: str,
    *,
    column: int = 9,
    hint: str = "",
    pointer: str = "",
    action: str | None = None,
    notice: bool = False,
) -> Finding:
    pm = Path(path).stem
    return Finding(
        path=path,
        line=line,
        column=column,
        code=code,
        end_line=line,
        end_column=column + 8,
        name=name,
        severity=severity,
        message=message,
        hint=hint,
        pointer=pointer,
        postmortem=pm,
        action=action,
        notice=notice,
    )


def sample_findings() -> list[Finding]:
    return [
        finding(OTHER, 30, "PM205", "action-overdue", Severity.WARNING, "action PM-2026-003-A1 is 12 days overdue (due 2026-06-03)",
                hint="finish it, or record a deadline change", pointer="/actions/0/due", action="PM-2026-003-A1"),
        finding(OTHER, 41, "PM206", "overdue-action-not-escalated", Severity.ERROR, "action PM-2026-003-A2 is overdue and was not escalated to dana.kim",
                pointer="/actions/1", action="PM-2026-003-A2", notice=True),
        finding(CHANGED, 23, "PM101", "action-without-owner", Severity.ERROR, "action PM-2026-014-A2 has no owner",
                hint="add `owner:` with one person id from people.yaml", pointer="/actions/1", action="PM-2026-014-A2"),
        finding(CHANGED, 31, "PM101", "action-without-owner", Severity.ERROR, "action PM-2026-014-A3 has no owner",
                hint="add `owner:` with one person id from people.yaml", pointer="/actions/2", action="PM-2026-014-A3"),
        finding(CHANGED, 40, "PM204", "action-due-soon", Severity.INFO, "action PM-2026-014-A4 is due in 2 days",
                pointer="/actions/3/due", action="PM-2026-014-A4"),
        finding(HOSTILE, 2, "PM004", "id-filename-mismatch", Severity.ERROR,
                "id 'PM-2026-099' differs from the file name\n::error::injected, 50% <b>bold</b> | @team [x](http://evil.example)",
                column=5, hint="rename the file\r\nor fix `id:`", pointer="/id"),
        finding(OTHER, 12, "PM003", "schema-violation", Severity.ERROR, "actions[0].type: 'fix' is not one of prevent, detect, mitigate",
                column=11, pointer="/actions/0/type"),
    ]


def sample_result(findings: list[Finding] | None = None, changed: frozenset[str] | None = frozenset({CHANGED})) -> Result:
    chosen = sample_findings() if findings is None else findings
    return Result(
        root=Path("repo"),
        as_of=AS_OF,
        findings=tuple(sorted(chosen)),
        files=3,
        postmortems=2,
        actions=7,
        fail_on="error",
        notes=("no people.yaml found: owner roster rules (PM103, PM104, PM105 roles) were skipped",),
        changed_paths=changed,
    )


EXTENSIONS = {"text": "txt", "json": "json", "github": "txt", "sarif": "sarif", "junit": "xml", "markdown": "md"}


def test_every_registered_format_has_a_golden_file() -> None:
    assert set(REPORTERS) == set(EXTENSIONS)


def _without_catalogue(text: str) -> str:
    """SARIF minus what the rule catalogue decides (tested in test_sarif.py), so adding or
    documenting a rule does not change this golden file."""
    log = json.loads(text)
    for run in log["runs"]:
        run["tool"]["driver"]["rules"] = "(the rule catalogue)"
        run["tool"]["driver"]["version"] = run["tool"]["driver"]["semanticVersion"] = "(version)"
        for item in run["results"]:
            item["ruleIndex"] = "(index)"
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_golden(fmt: str) -> None:
    text = get_reporter(fmt)(sample_result())
    if fmt == "sarif":
        text = _without_catalogue(text)
    golden = GOLDEN / f"findings.{fmt}.{EXTENSIONS[fmt]}"
    if os.environ.get("PMCHECK_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8"), f"{golden.name} differs; refresh with PMCHECK_UPDATE_GOLDEN=1"


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_formats_are_pure_and_deterministic(fmt: str) -> None:
    result = sample_result()
    render = get_reporter(fmt)
    assert render(result) == render(result)
    assert render(result).endswith("\n")


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_formats_render_a_clean_run(fmt: str) -> None:
    text = get_reporter(fmt)(sample_result([], changed=None))
    if fmt == "sarif":
        assert json.loads(text)["runs"][0]["results"] == []
    else:
        assert "PM-2026" not in text and "postmortems/" not in text


# --- JUnit -----------------------------------------------------------------------------------


def test_junit_counts_and_structure() -> None:
    root = ET.fromstring(get_reporter("junit")(sample_result()).encode("utf-8"))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert sorted(suites) == sorted({CHANGED, OTHER, HOSTILE})
    changed = suites[CHANGED]
    cases = {c.get("name"): c for c in changed.findall("testcase")}
    # One test case per rule: both PM101 findings share one failure.
    assert sorted(cases) == ["PM101 action-without-owner", "PM204 action-due-soon"]
    failure = cases["PM101 action-without-owner"].find("failure")
    assert failure is not None and failure.get("type") == "PM101"
    assert "PM-2026-014-A2" in (failure.text or "") and "PM-2026-014-A3" in (failure.text or "")
    assert failure.get("message") == "action PM-2026-014-A2 has no owner (and 1 more)"
    # Info findings never fail; they are listed.
    info = cases["PM204 action-due-soon"]
    assert info.find("failure") is None
    assert "due in 2 days" in (info.findtext("system-out") or "")
    assert (changed.get("tests"), changed.get("failures")) == ("2", "1")
    # The PR notice (PM206) does not fail; the warning (PM205) and PM003 do.
    other = {c.get("name"): c for c in suites[OTHER].findall("testcase")}
    assert other["PM206 overdue-action-not-escalated"].find("failure") is None
    assert other["PM205 action-overdue"].find("failure") is not None
    assert (suites[OTHER].get("tests"), suites[OTHER].get("failures")) == ("3", "2")
    total_tests = sum(int(s.get("tests", "0")) for s in suites.values())
    total_failures = sum(int(s.get("failures", "0")) for s in suites.values())
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == (str(total_tests), str(total_failures), "0")
    assert len(root.findall(".//testcase")) == total_tests
    assert len(root.findall(".//failure")) == total_failures


def test_junit_escapes_and_survives_control_characters() -> None:
    nasty = finding("postmortems/a&b<c>.yaml", 1, "PM001", "yaml-syntax-error", Severity.ERROR, 'bad "quote" & <tag> \x01\x1b end ]]>')
    text = get_reporter("junit")(sample_result([nasty]))
    root = ET.fromstring(text.encode("utf-8"))
    failure = root.find(".//failure")
    assert failure is not None
    # Control characters are shown as escapes, as every other format shows them.
    assert failure.get("message") == 'bad "quote" & <tag> \\x01\\x1b end ]]>'
    assert root.find("testsuite").get("name") == "postmortems/a&b<c>.yaml"  # type: ignore[union-attr]


def test_junit_clean_run_is_one_passing_case() -> None:
    root = ET.fromstring(get_reporter("junit")(sample_result([], changed=None)).encode("utf-8"))
    assert (root.get("tests"), root.get("failures")) == ("1", "0")
    assert root.find(".//failure") is None


# --- Markdown summary --------------------------------------------------------------------------


def _table_rows(text: str) -> list[list[str]]:
    """The cells of the findings table as a Markdown parser sees them."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    rows: list[list[str]] = []
    row: list[str] | None = None
    in_first_table = True
    for token in tokens:
        if token.type == "table_close":
            in_first_table = False
        if not in_first_table:
            continue
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content)
        elif token.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
    return rows


def test_markdown_table_cells_stay_inert() -> None:
    text = get_reporter("markdown")(sample_result())
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<b>" not in html and "evil.example\"" not in html and "<a " not in html
    rows = _table_rows(text)
    assert rows[0] == ["level", "rule", "location", "message"]
    # Every row has exactly four cells: a `|` in a message never adds a column.
    assert all(len(r) == 4 for r in rows)
    # Most important first: errors in the changed file, then other errors, ..., notices last.
    levels = [r[0] for r in rows[1:]]
    assert levels == ["error", "error", "error", "error", "warning", "notice", "notice"]
    assert "PM-2026-014" in rows[1][2] and "PM206" in rows[-1][1]


def test_markdown_cell_escaping() -> None:
    assert cell("a|b\nc") == "a\\|b c"
    # The operating log's escaper: a character reference such as `&#64;` is decoded before
    # GitHub looks for mentions and links, a zero-width space between them is not.
    assert cell("@team <script>") == "@&#8203;team &lt;script&gt;"
    assert cell("see https://x.example or www.x.example, a: b") == "see https:&#8203;//x.example or www&#8203;.x.example, a: b"
    assert cell("fix #12 \x1b[31m\u202e") == "fix #&#8203;12 \\[31m"
    assert cell("x" * 1000).endswith("…") and len(cell("x" * 1000)) == 300


def test_markdown_stays_under_one_mebibyte() -> None:
    many = [
        finding(f"postmortems/PM-2026-{i:05d}.yaml", 3, "PM101", "action-without-owner", Severity.ERROR, "m" * 2000 + " | @x", action=f"A{i}")
        for i in range(20_000)
    ]
    text = get_reporter("markdown")(sample_result(many, changed=None))
    assert len(text.encode("utf-8")) < 1024 * 1024
    assert len(text.encode("utf-8")) > ROW_BUDGET // 2
    shown = sum(1 for line in text.splitlines() if line.startswith("| error |"))
    assert f"… and {20_000 - shown} more findings" in text


def test_markdown_clean_run() -> None:
    text = get_reporter("markdown")(sample_result([], changed=None))
    assert text.startswith("## pmcheck passed\n") and "No findings." in text


def test_json_report_is_valid_json_for_the_sample() -> None:
    data = json.loads(get_reporter("json")(sample_result()))
    assert data["summary"]["by_severity"] == {"error": 4, "warning": 1, "info": 1}
