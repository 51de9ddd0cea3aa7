"""The roster: people.yaml loaded into people and teams, or a located configuration error."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pmcheck.errors import ConfigError
from pmcheck.people import load_roster

DATA = Path(__file__).resolve().parent / "data"


def roster_from(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "people.yaml").write_text(textwrap.dedent(text))
    return load_roster(tmp_path, "people.yaml")


def test_no_roster_file_means_none(tmp_path: Path) -> None:
    assert load_roster(tmp_path, "people.yaml") is None


def test_the_spec_example_roster(tmp_path: Path) -> None:
    roster = roster_from(
        tmp_path,
        """\
        people:
          alice.ng: {name: Alice Ng, team: ml-platform, github: alicen, roles: [engineer]}
          dana.kim: {name: Dana Kim, team: exec, roles: [exec_sponsor, approver]}
          bo.chen:  {name: Bo Chen, team: ml-platform, active: false}
        teams:
          ml-platform: {manager: carol.wu}
        """,
    )
    assert roster is not None
    assert list(roster.people) == ["alice.ng", "dana.kim", "bo.chen"]
    alice = roster.people["alice.ng"]
    assert (alice.name, alice.team, alice.github, alice.active) == ("Alice Ng", "ml-platform", "alicen", True)
    assert alice.roles == frozenset({"engineer"})
    assert roster.people["dana.kim"].has_role("exec_sponsor")
    assert roster.people["bo.chen"].roles == frozenset()
    assert roster.people["bo.chen"].active is False
    assert "alice.ng" in roster and "carol.wu" not in roster
    assert roster.get(None) is None and roster.get("nobody") is None
    assert roster.manager_of("alice.ng") == "carol.wu"
    assert roster.manager_of("dana.kim") is None  # team exec is not in `teams`
    assert roster.manager_of("nobody") is None
    assert roster.is_team("ml-platform") and not roster.is_team("alice.ng")


def test_the_test_roster_loads(tmp_path: Path) -> None:
    roster = roster_from(tmp_path, (DATA / "people.yaml").read_text())
    assert roster is not None
    assert roster.teams["exec"].manager is None
    assert roster.people["erin.li"].active is False


def test_a_roster_without_teams_and_a_team_without_fields(tmp_path: Path) -> None:
    roster = roster_from(tmp_path, "people:\n  solo: {name: Solo}\nteams:\n  empty: {}\n")
    assert roster is not None
    assert roster.manager_of("solo") is None
    assert roster.teams["empty"].manager is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "people:\n  alice.ng: {name: Alice, roles: [wizard]}\n",
            "people.yaml:2:35: people.alice.ng.roles[0]: 'wizard' is not one of engineer, manager, approver, exec_sponsor",
        ),
        (
            "people:\n  Alice: {name: Alice}\n",
            "people.yaml:2:3: people: key 'Alice' is not a valid name (A person id from people.yaml, lower case",
        ),
        (
            "people:\n  alice.ng: {name: Alice, activ: true}\n",
            "people.yaml:2:27: people.alice.ng: unknown key 'activ' (did you mean 'active'?)",
        ),
        (
            "people:\n  alice.ng: {name: Alice, active: nope}\n",
            "people.yaml:2:27: people.alice.ng.active: expected true or false, got text 'nope'",
        ),
        (
            "people:\n  alice.ng: {name: Alice}\n  alice.ng: {name: Alice again}\n",
            "people.yaml:3:3: duplicate key 'alice.ng' (first defined on line 2)",
        ),
        ("people: &p {}\n", "people.yaml:1:9: anchors and aliases are not allowed (&p)"),
        ("- alice.ng\n", "people.yaml:1:1: top level: expected a mapping, got a list"),
    ],
)
def test_bad_roster_is_one_located_config_error(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        roster_from(tmp_path, text)
    assert str(raised.value).startswith(expected), str(raised.value)


def test_roster_errors_exit_2_through_the_cli(tmp_path: Path) -> None:
    from tests.cli_runner import run_pmcheck

    (tmp_path / "postmortems").mkdir()
    (tmp_path / "pmcheck.yaml").write_text("{}\n")
    (tmp_path / "people.yaml").write_text("people:\n  alice.ng: {name: Alice, roles: [wizard]}\n")
    done = run_pmcheck("check", "--as-of", "2026-06-15", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("pmcheck: error: people.yaml:2:35: people.alice.ng.roles[0]: 'wizard' is not one of")
    assert done.stderr.count("\n") == 1
