"""Text output as SPEC section 7: ``path:line:col: [level] CODE name: message``, paths relative to
the working directory, colour per no-color.org."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from pmcheck import cli
from pmcheck.findings import Finding, Result, Severity
from pmcheck.reporters import text

ROOT = Path("/repo")


def result(*findings: Finding) -> Result:
    return Result(root=ROOT, as_of=dt.date(2026, 6, 15), findings=findings, files=1, postmortems=1, actions=2)


def finding(severity: Severity, code: str = "PM205", notice: bool = False, path: str = "postmortems/PM-2026-014.yaml") -> Finding:
    return Finding(path, 23, 9, code, 23, 12, "action-overdue", severity, "late", "finish it", notice=notice)


@pytest.mark.parametrize(
    ("severity", "notice", "level"),
    [(Severity.ERROR, False, "error"), (Severity.WARNING, False, "warning"), (Severity.INFO, False, "info"), (Severity.ERROR, True, "notice")],
)
def test_every_line_says_its_level(severity: Severity, notice: bool, level: str) -> None:
    first = text.render(result(finding(severity, notice=notice))).splitlines()[0]
    assert first == f"postmortems/PM-2026-014.yaml:23:9: [{level}] PM205 action-overdue: late"


@pytest.mark.parametrize(
    ("cwd", "shown"),
    [
        (ROOT, "postmortems/PM-2026-014.yaml"),
        (ROOT / "postmortems", "PM-2026-014.yaml"),
        (ROOT.parent, "repo/postmortems/PM-2026-014.yaml"),
        # Outside the repository an absolute path reads better than a climb of ../
        (Path("/elsewhere/deep"), "/repo/postmortems/PM-2026-014.yaml"),
        (None, "postmortems/PM-2026-014.yaml"),
    ],
)
def test_paths_are_relative_to_the_working_directory(cwd: Path | None, shown: str) -> None:
    first = text.render(result(finding(Severity.ERROR)), cwd=cwd).splitlines()[0]
    assert first.startswith(f"{shown}:23:9: [error] PM205")


def test_a_run_level_finding_names_the_repository() -> None:
    first = text.render(result(finding(Severity.ERROR, "PM905", path=".")), cwd=ROOT.parent).splitlines()[0]
    assert first.startswith("repo:23:9: [error] PM905")


def test_colour_keeps_the_level_visible() -> None:
    coloured = text.render(result(finding(Severity.WARNING)), color=True).splitlines()[0]
    assert "[warning]" in coloured and "\033[33m" in coloured


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("value", "coloured"), [(None, True), ("", True), ("1", False), ("false", False)])
def test_no_color_turns_colour_off_only_when_non_empty(monkeypatch: pytest.MonkeyPatch, value: str | None, coloured: bool) -> None:
    # no-color.org: "when present and not an empty string".
    monkeypatch.setattr("sys.stdout", _Terminal())
    monkeypatch.delenv("TERM", raising=False)
    if value is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", value)
    assert cli._use_color() is coloured
