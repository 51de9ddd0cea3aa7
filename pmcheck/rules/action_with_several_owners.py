"""An action names several owners, or a team, instead of one person.

## What it does
Reports an action whose `owner` is a list (even a list of one), a text that joins several
names (`alice.ng, bo.chen`, `alice.ng/bo.chen`, `Alice & Bob`, `alice.ng; bo.chen`,
`Alice and Bob`, `alice.ng + bo.chen`), or the id of a team in `people.yaml` that is not also a
person.

## Why it matters
Shared ownership is no ownership: each owner assumes another is driving. A team is not
accountable either; someone on it has to be. One person owns the action and may delegate the
work, and the roster, escalation ladder and review agenda all key on that one person.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng and bo.chen
    due: 2026-07-15
    status: open
```

## Use instead
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    team: ml-platform
    due: 2026-07-15
    status: open
```

## Options
None. Teams are the keys of `teams:` in `people.yaml`; without a roster only lists and joined
names are reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Action, Postmortem
from pmcheck.people import Roster
from pmcheck.rules.action_without_owner import has_no_owner

CODE = "PM102"
NAME = "action-with-several-owners"
SEVERITY = Severity.ERROR
SCOPE = "document"

# Person ids cannot hold these characters, so a separator always means several names.
_JOINED = re.compile(r"[,/&;+]|\s+and\s+", re.I)


def several_owners(action: Action, roster: Roster | None) -> tuple[str, str] | None:
    """(message, hint) when the owner is not one person; None when it is, or is missing."""
    value = action.owner_raw
    if has_no_owner(action):
        return None
    if isinstance(value, list):
        names = [str(v).strip() for v in value if isinstance(v, str) and v.strip()]
        if len(names) == 1:
            return (
                f"action {action.id} has its owner written as a list",
                f"write one person id as text: `owner: {names[0]}`",
            )
        return (
            f"action {action.id} has {len(names)} owners: {', '.join(names)}",
            "choose the one person accountable; others can be named in the title or tracker",
        )
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _JOINED.search(text):
        names = [n.strip() for n in _JOINED.split(text) if n.strip()]
        return (
            f"action {action.id} has several owners: {text!r}",
            f"choose the one person accountable, e.g. `owner: {names[0]}`" if names else "choose the one person accountable",
        )
    if roster is not None and roster.is_team(text):
        manager = roster.teams[text].manager
        return (
            f"action {action.id} is owned by the team {text}, not a person",
            f"name one person of {text} (e.g. its manager {manager}) and keep the team in `team:`"
            if manager
            else f"name one person of {text} and keep the team in `team:`",
        )
    return None


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        found = several_owners(action, ctx.roster)
        if found is not None:
            message, hint = found
            yield Violation(CODE, action.path("owner"), message, hint=hint, action=action.id)
