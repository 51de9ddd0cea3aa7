"""An action that is still open has no due date.

## What it does
Reports an action that is not terminal and has no `due` date. Terminal actions (`verified`,
`wont_do`, `superseded`, and `done` for priorities the policy marks `done_is_terminal`) need
none.

## Why it matters
Without a date an action cannot be overdue, so it never reaches a review agenda or an
escalation ladder: it waits forever. The priority's SLO says how late the date may be
(PM202).

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
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
```

## Options
`priorities.<name>.done_is_terminal` decides whether `done` still needs a date.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.judgements import slo_limit
from pmcheck.model import Postmortem

CODE = "PM201"
NAME = "action-without-due-date"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = (
    "action.due",
    "action.status",
    "action.priority",
    "action.created",
    "incident.started_at",
    "incident.resolved_at",
)


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        if action.due is not None or ctx.policy.is_terminal(action.status, action.priority):
            continue
        limit = slo_limit(pm, action, ctx)
        yield Violation(
            CODE,
            action.at,
            f"action {action.id} is {action.status} and has no due date",
            hint=f"add `due:` no later than {limit} ({action.priority} SLO)" if limit else "add `due:`",
            action=action.id,
        )
