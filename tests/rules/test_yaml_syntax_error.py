"""PM001 yaml-syntax-error: a file that is not YAML is one finding where the parser stopped."""

from __future__ import annotations

from pathlib import Path

from tests.rules.action_fragments import action, actions
from tests.rules.conftest import RunCheck


def test_an_unclosed_flow_sequence_is_reported_where_the_parser_gave_up(run: RunCheck) -> None:
    found = run({"PM-2026-001": "id: PM-2026-001\ntitle: [unclosed\n"}, merge=False)
    # Nothing else is judged on a file that does not parse.
    assert [(f.code, f.line, f.column) for f in found] == [("PM001", 3, 1)]
    [finding] = found
    assert finding.message.startswith("invalid YAML: did not find expected ',' or ']'")
    assert "flow sequence that starts at line 2, column 8" in finding.message
    assert finding.severity.label == "error"
    assert finding.path == "postmortems/PM-2026-001.yaml"


def test_a_colon_in_a_plain_scalar_points_at_the_colon(run: RunCheck) -> None:
    found = run({"PM-2026-001": "id: PM-2026-001\ntitle: a: b\n"}, merge=False)
    assert [(f.code, f.line, f.column, f.message) for f in found] == [
        ("PM001", 2, 9, "invalid YAML: mapping values are not allowed in this context")
    ]


def test_the_same_colon_quoted_is_valid_yaml(run: RunCheck) -> None:
    found = run('title: "Support assistant: quoted a refund policy"\n')
    assert [f for f in found if f.code == "PM001"] == []


def test_a_broken_file_hides_nothing_in_the_other_files(run: RunCheck, repo: Path) -> None:
    (repo / "postmortems" / "PM-2026-002.yaml").write_text("id: PM-2026-002\ntitle: [unclosed\n")
    found = run(actions(action(owner=None)))
    assert sorted((f.path, f.code) for f in found) == [
        ("postmortems/PM-2026-001.yaml", "PM101"),
        ("postmortems/PM-2026-002.yaml", "PM001"),
    ]
