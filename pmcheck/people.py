"""The roster (``people.yaml``): who may own, verify, approve and sponsor."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pmcheck.errors import ConfigError
from pmcheck.files import Refused, read_bytes
from pmcheck.loader import DEFAULT_LIMITS, load_bytes
from pmcheck.schema import compile_validator, iter_schema_errors, load_schema


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    team: str | None
    github: str | None
    roles: frozenset[str]
    active: bool
    # Lets `pmcheck action`/`review` name the person running them from `git config user.email`.
    email: str | None = None

    def has_role(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class Team:
    id: str
    manager: str | None
    name: str | None


@dataclass(frozen=True)
class Roster:
    path: str
    people: dict[str, Person]
    teams: dict[str, Team]

    def __contains__(self, person_id: object) -> bool:
        return person_id in self.people

    def get(self, person_id: str | None) -> Person | None:
        return self.people.get(person_id) if person_id is not None else None

    def manager_of(self, person_id: str | None) -> str | None:
        """The manager of the person's team, if the roster names one."""
        person = self.get(person_id)
        if person is None or person.team is None:
            return None
        team = self.teams.get(person.team)
        return team.manager if team is not None else None

    def is_team(self, name: str) -> bool:
        return name in self.teams and name not in self.people


def load_roster(root: Path, rel: str) -> Roster | None:
    """The roster at ``root/rel``, or None when the repository has none."""
    try:
        raw = read_bytes(os.path.join(root, rel), DEFAULT_LIMITS.max_bytes, root)
    except Refused as refused:
        if refused.missing:
            return None
        raise ConfigError(f"{rel}:1:1: {refused.reason}") from None
    loaded = load_bytes(raw, rel)
    if loaded.problems:
        problem = loaded.problems[0]
        raise ConfigError(f"{rel}:{problem.line}:{problem.column}: {problem.message}")
    validator = compile_validator(load_schema("people"))
    for error in iter_schema_errors(validator, loaded.data, loaded.spans.yaml11_bools):
        line, column, _, _ = loaded.spans.locate(error.at)
        hint = f" ({error.hint})" if error.hint else ""
        raise ConfigError(f"{rel}:{line}:{column}: {error.message}{hint}")
    data = loaded.data
    people = {
        pid: Person(
            id=pid,
            name=str(spec.get("name", pid)),
            team=spec.get("team"),
            github=spec.get("github"),
            roles=frozenset(spec.get("roles", ())),
            active=bool(spec.get("active", True)),
            email=spec.get("email"),
        )
        for pid, spec in (data.get("people") or {}).items()
    }
    teams = {
        tid: Team(id=tid, manager=(spec or {}).get("manager"), name=(spec or {}).get("name"))
        for tid, spec in (data.get("teams") or {}).items()
    }
    return Roster(path=rel, people=people, teams=teams)
