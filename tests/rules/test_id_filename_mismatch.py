"""PM004 id-filename-mismatch: the `id` must be the file name without its extension."""

from __future__ import annotations

from pathlib import Path

from tests.rules.conftest import BASE, RunCheck


def test_an_id_naming_another_file_points_at_the_id(run: RunCheck, repo: Path) -> None:
    found = [f for f in run({"PM-2026-001": "id: PM-2026-002\n"}) if f.code == "PM004"]
    lines = (repo / "postmortems" / "PM-2026-001.yaml").read_text().splitlines()
    assert [(f.path, f.line, f.column, f.pointer) for f in found] == [
        ("postmortems/PM-2026-001.yaml", lines.index("id: PM-2026-002") + 1, 1, "/id")
    ]
    assert found[0].message == "id PM-2026-002 does not match the file name PM-2026-001.yaml"
    assert found[0].hint == "rename the file to PM-2026-002.yaml or set `id: PM-2026-001`"
    assert (found[0].severity.label, found[0].postmortem) == ("error", "PM-2026-002")


def test_a_yml_file_and_a_subfolder_match_by_stem(run: RunCheck, repo: Path) -> None:
    body = BASE.read_text()
    (repo / "postmortems" / "2026").mkdir()
    (repo / "postmortems" / "2026" / "PM-2026-002.yaml").write_text(body.replace("PM-2026-001", "PM-2026-002"))
    (repo / "postmortems" / "PM-2026-003.yml").write_text(body.replace("PM-2026-001", "PM-2026-003"))
    assert [f for f in run({}) if f.code == "PM004"] == []


def test_the_case_of_the_id_counts(run: RunCheck) -> None:
    found = [f for f in run({"PM-2026-001": "id: pm-2026-001\n"}) if f.code in ("PM003", "PM004")]
    # A lower-case id is malformed (PM003) and names another file (PM004).
    assert {f.code for f in found} == {"PM003", "PM004"}
