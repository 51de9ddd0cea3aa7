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

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.judgements import several_owners
from pmcheck.model import Postmortem

CODE = "PM102"
NAME = "action-with-several-owners"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("action.owner",)


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        found = several_owners(action, ctx.roster)
        if found is not None:
            message, hint = found
            yield Violation(CODE, action.path("owner"), message, hint=hint, action=action.id)
