"""Who is recording a decision: a person id given on the command line, or the git user's."""

from __future__ import annotations

from pathlib import Path

from pmcheck.errors import UsageError
from pmcheck.people import Roster

# GitHub's private commit addresses carry the handle: `12345+handle@users.noreply.github.com`.
NOREPLY = "@users.noreply.github.com"


def person_for_email(roster: Roster, email: str) -> str | None:
    """The roster person whose ``email`` (or GitHub handle, for a GitHub no-reply address) is ``email``."""
    wanted = email.strip().lower()
    handle = wanted[: -len(NOREPLY)].rpartition("+")[2] if wanted.endswith(NOREPLY) else None
    for person in roster.people.values():
        if person.email is not None and person.email.strip().lower() == wanted:
            return person.id
        if handle and person.github is not None and person.github.lower() == handle:
            return person.id
    return None


def resolve_person(given: str | None, option: str, roster: Roster | None, root: Path) -> str:
    """The person id ``option`` names, checked against the roster; the git user's when omitted."""
    if given is not None:
        given = given.strip()
        if not given:
            raise UsageError(f"{option} is empty; give a person id from the roster")
        if roster is not None and given not in roster:
            raise UsageError(f"{option} {given}: no such person in {roster.path}")
        return given
    # Asked only when the option is omitted: git (and GitPython) load on this path alone.
    from pmcheck.git import user_email

    email = user_email(root)
    if roster is None or email is None:
        why = "git config user.email is not set" if email is None else "the repository has no roster"
        raise UsageError(f"{option} is required ({why}, so the person recording cannot be found)")
    person = person_for_email(roster, email)
    if person is None:
        raise UsageError(
            f"{option} is required: nobody in {roster.path} has email or GitHub handle matching {email}"
        )
    return person


def resolve_people(given: str, option: str, roster: Roster | None) -> tuple[str, ...]:
    """A comma-separated list of person ids, each checked against the roster."""
    people = tuple(dict.fromkeys(p.strip() for p in given.split(",") if p.strip()))
    if not people:
        raise UsageError(f"{option} names nobody; give person ids separated by commas")
    if roster is not None:
        unknown = [p for p in people if p not in roster]
        if unknown:
            raise UsageError(f"{option}: {', '.join(unknown)} not in {roster.path}")
    return people
