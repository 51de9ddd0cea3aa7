"""PM905 no-postmortems-found: a run that checked nothing fails instead of passing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pmcheck.engine import CheckOptions, run_check
from tests.rules.conftest import BASE, EXAMPLE_AS_OF


def check(repo: Path, *paths: str) -> list[tuple[str, int, int, str, str]]:
    result = run_check(CheckOptions(repo=str(repo), paths=tuple(str(repo / p) for p in paths), as_of=EXAMPLE_AS_OF))
    return [(f.path, f.line, f.column, f.code, f.message) for f in result.findings]


def test_an_empty_repository_names_the_globs(repo: Path) -> None:
    assert check(repo) == [
        (".", 1, 1, "PM905", "no postmortem files found in postmortems/**/*.yaml, postmortems/**/*.yml")
    ]


def test_a_glob_that_matches_nothing_is_named(repo: Path) -> None:
    (repo / "postmortems" / "PM-2026-001.yaml").write_text(BASE.read_text())
    (repo / "pmcheck.yaml").write_text('postmortems: ["post-mortems/**/*.yaml"]\n')
    assert check(repo) == [(".", 1, 1, "PM905", "no postmortem files found in post-mortems/**/*.yaml")]


def test_an_empty_folder_given_as_a_path_is_named_as_given(repo: Path) -> None:
    (repo / "postmortems" / "PM-2026-001.yaml").write_text(BASE.read_text())
    (repo / "postmortems" / "2025").mkdir()
    given = repo / "postmortems" / "2025"
    assert check(repo, "postmortems/2025") == [(".", 1, 1, "PM905", f"no postmortem files found in {given}")]


def test_one_yml_file_is_enough(repo: Path) -> None:
    (repo / "postmortems" / "PM-2026-001.yml").write_text(BASE.read_text())
    assert check(repo) == []


def test_a_file_that_does_not_parse_still_counts_as_found(repo: Path) -> None:
    (repo / "postmortems" / "PM-2026-001.yaml").write_text("id: [unclosed\n")
    assert [code for *_, code, _ in check(repo)] == ["PM001"]


def test_the_finding_is_an_error(repo: Path) -> None:
    result = run_check(CheckOptions(repo=str(repo), as_of=dt.date(2026, 6, 15)))
    assert [(f.code, f.severity.label) for f in result.findings] == [("PM905", "error")]
    assert result.exit_code == 1
