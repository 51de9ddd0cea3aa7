"""An action is past its due date and not finished.

## What it does
Reports an action that is not terminal and whose `due` date is before the as-of date (today in
the policy's time zone, or `--as-of`). An action due today is not overdue. The finding is an
error for priorities the policy marks `critical` (default P0 and P1) and a warning otherwise.
A `done` action that still waits for its verification is finished work, not overdue work: PM305
reports it, and this rule leaves it alone.

## Why it matters
An overdue corrective action means the risk the incident exposed is still there, past the date
the organisation agreed to live with it. Overdue critical actions are what governance reviews
exist for.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-06-10
    status: in_progress
```

## Use instead
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-06-30
    status: in_progress
    deadline_changes:
      - from: 2026-06-10
        to: 2026-06-30
        at: 2026-06-09
        reason: the canary needs the new deploy pipeline, which lands on 2026-06-25
        approved_by: carol.wu
```

## Options
`priorities.<name>.critical` sets which priorities make this an error; `timezone` sets the
day boundary. `done` counts as finished only for priorities marked `done_is_terminal`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.judgements import awaits_verification, days_overdue, is_overdue
from pmcheck.model import Postmortem

CODE = "PM205"
NAME = "action-overdue"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("action.due", "action.status", "action.priority")
# Time alone produces it on an unchanged file: pull-request mode demotes it outside the change.
TIME_DRIVEN = True


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        if ctx.policy.is_terminal(action.status, action.priority) or not is_overdue(action.due, ctx.as_of):
            continue
        if awaits_verification(action, ctx.policy):
            continue  # finished work waiting for its verification is PM305's
        days = days_overdue(action.due, ctx.as_of)
        critical = ctx.policy.is_critical_priority(action.priority)
        yield Violation(
            CODE,
            action.path("due"),
            f"{action.priority} action {action.id} is {days} day{'s' if days != 1 else ''} overdue "
            f"(due {action.due}, {action.status})",
            hint="finish it, or move `due` with an approved entry in `deadline_changes`",
            action=action.id,
            severity=Severity.ERROR if critical else Severity.WARNING,
        )
