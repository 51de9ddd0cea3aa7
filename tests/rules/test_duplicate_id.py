"""PM005 duplicate-id: an id used twice anywhere in the repository, reported at every place."""

from __future__ import annotations

from pmcheck.findings import Finding
from tests.rules.action_fragments import ACTIONS_LINE, action, actions
from tests.rules.conftest import RunCheck

HINT = "give each postmortem and action its own id; ids are never reused"


def of(found: list[Finding]) -> list[tuple[str, int, int, str, str | None, str]]:
    return sorted((f.path, f.line, f.column, f.pointer, f.action, f.message) for f in found if f.code == "PM005")


def test_an_action_id_repeated_in_one_file_is_reported_at_both_entries(run: RunCheck) -> None:
    found = run(actions(action(1), action(1, owner="bo.chen")))
    path = "postmortems/PM-2026-001.yaml"
    second = ACTIONS_LINE + 1 + action(1).count("\n")
    assert of(found) == [
        (path, ACTIONS_LINE + 1, 5, "/actions/0/id", "PM-2026-001-A1", f"action id PM-2026-001-A1 is also used in {path} (entry 2)"),
        (path, second, 5, "/actions/1/id", "PM-2026-001-A1", f"action id PM-2026-001-A1 is also used in {path} (entry 1)"),
    ]
    assert {(f.hint, f.severity.label) for f in found if f.code == "PM005"} == {(HINT, "error")}


def test_a_postmortem_id_used_by_two_files_names_the_other_file(run: RunCheck) -> None:
    # PM-2026-002.yaml claims PM-2026-001; its actions are renamed with it, so they collide too.
    found = run({"PM-2026-001": "id: PM-2026-001\n", "PM-2026-002": "id: PM-2026-001\n"})
    messages = {(f.path, f.pointer): f.message for f in found if f.code == "PM005"}
    assert messages == {
        ("postmortems/PM-2026-001.yaml", "/id"): "postmortem id PM-2026-001 is also used in postmortems/PM-2026-002.yaml",
        ("postmortems/PM-2026-002.yaml", "/id"): "postmortem id PM-2026-001 is also used in postmortems/PM-2026-001.yaml",
        ("postmortems/PM-2026-001.yaml", "/actions/0/id"): "action id PM-2026-001-A1 is also used in postmortems/PM-2026-002.yaml (entry 1)",
        ("postmortems/PM-2026-002.yaml", "/actions/0/id"): "action id PM-2026-001-A1 is also used in postmortems/PM-2026-001.yaml (entry 1)",
    }


def test_three_uses_name_the_two_others(run: RunCheck) -> None:
    found = run(actions(action(1), action(1), action(1)))
    first = next(f for f in found if f.code == "PM005" and f.pointer == "/actions/0/id")
    assert first.message.endswith("(entry 2), postmortems/PM-2026-001.yaml (entry 3)")
    assert len([f for f in found if f.code == "PM005"]) == 3


def test_distinct_ids_and_an_action_named_like_a_postmortem_are_no_duplicates(run: RunCheck) -> None:
    assert of(run(actions(action(1), action(2)))) == []
    # Postmortem ids and action ids are separate namespaces.
    other = "id: PM-2026-002\n" + actions(action(1, pm="PM-2026-002"))
    assert of(run({"PM-2026-001": actions(action(1)), "PM-2026-002": other})) == []
