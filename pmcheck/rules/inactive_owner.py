"""An open action is owned by someone who is no longer active.

## What it does
Reports an action that is not terminal and whose `owner` is a person marked `active: false` in
`people.yaml` (someone who left the company, the team or the rota).

## Why it matters
Nobody will finish work owned by a person who is gone, and nobody will notice until it is
overdue. Handing the action over while the context is still fresh, and recording the hand-over,
keeps the accountability chain intact.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: erin.li
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
    due: 2026-07-15
    status: open
    owner_changes:
      - from: erin.li
        to: alice.ng
        at: 2026-06-10
        reason: Erin moved to another company; Alice owns the rollout pipeline
```

## Options
None. Terminal statuses come from the policy (`done` is terminal only for priorities marked
`done_is_terminal`). Without a roster this rule is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM104"
NAME = "inactive-owner"
SEVERITY = Severity.WARNING
SCOPE = "document"
READS = ("action.owner", "action.status", "action.priority")


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    if ctx.roster is None:
        return
    for action in pm.actions:
        if ctx.policy.is_terminal(action.status, action.priority):
            continue
        person = ctx.roster.get(action.owner)
        if person is None or person.active:
            continue
        manager = ctx.roster.manager_of(person.id)
        yield Violation(
            CODE,
            action.path("owner"),
            f"action {action.id} is {action.status} and owned by {person.id}, who is not active",
            hint="hand it to an active person and record the hand-over in `owner_changes`"
            + (f" (their manager is {manager})" if manager and manager != person.id else ""),
            action=action.id,
        )
