"""An action that is still open is due within the next few days.

## What it does
Reports, for information, an action that is not terminal and whose `due` date is today or
within `due_soon_days` days after the as-of date (default 2). An action due today is due soon,
not overdue. A `done` action that waits for its verification is left to PM305.

## Why it matters
A reminder before the deadline is cheaper than an escalation after it: the owner can still
finish, or ask for an approved extension while there is time to decide.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-06-16
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
    due: 2026-06-16
    status: done
    completed_at: 2026-06-14
    evidence:
      - type: pull_request
        url: https://git.example.com/ml-platform/rollout/pull/412
```

## Options
`due_soon_days` in `pmcheck.yaml` (default 2; 0 reports only actions due today).
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.judgements import awaits_verification
from pmcheck.model import Postmortem

CODE = "PM204"
NAME = "action-due-soon"
SEVERITY = Severity.INFO
SCOPE = "document"
READS = ("action.due", "action.status", "action.priority")
# Time alone produces it on an unchanged file: pull-request mode demotes it outside the change.
TIME_DRIVEN = True


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        if action.due is None or ctx.policy.is_terminal(action.status, action.priority):
            continue
        if awaits_verification(action, ctx.policy):
            continue  # finished work waiting for its verification is PM305's
        days_left = (action.due - ctx.as_of).days
        if 0 <= days_left <= ctx.policy.due_soon_days:
            when = "today" if days_left == 0 else ("tomorrow" if days_left == 1 else f"in {days_left} days")
            yield Violation(
                CODE,
                action.path("due"),
                f"action {action.id} is due {when} ({action.due}) and is {action.status}",
                hint="finish it, or record an approved extension in `deadline_changes` before it is overdue",
                action=action.id,
            )
