"""An action's priority is less urgent than its postmortem's severity calls for, with no rationale.

## What it does
Reports an action whose `priority` ranks below its severity's `default_priority` (for example a P3
action in a SEV-3 postmortem, whose default is P2) when it has no `priority_rationale`. Actions
decided `wont_do` or `superseded` are left out: their urgency no longer matters.

## Why it matters
The severity sets how fast the organisation promised to retire the risk. Quietly filing the
actions one level lower stretches every SLO without anyone deciding it; a one-line rationale
makes the trade-off visible in review.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P3
    owner: alice.ng
    due: 2026-07-15
    status: open
```

## Use instead
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P3
    priority_rationale: the refund answers are already served from a vetted template until the canary ships
    owner: alice.ng
    due: 2026-07-15
    status: open
```

## Options
`severities.<SEV>.default_priority` in `pmcheck.yaml`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM404"
NAME = "priority-below-severity-default"
SEVERITY = Severity.WARNING
SCOPE = "document"
READS = ("severity", "action.priority", "action.status", "action.priority_rationale")


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    policy = ctx.policy
    level = policy.severities.get(pm.severity)
    if level is None:
        return
    default = level.default_priority
    for action in pm.actions:
        # A decision not to do the work (PM306 judges it) makes its urgency moot.
        if action.priority not in policy.priorities or action.status in ("wont_do", "superseded"):
            continue
        if policy.priority_rank(action.priority) <= policy.priority_rank(default):
            continue
        if action.priority_rationale is not None and action.priority_rationale.strip():
            continue
        yield Violation(
            CODE,
            action.path("priority"),
            f"action {action.id} is {action.priority}, below the {default} that {pm.severity} calls for, with no rationale",
            hint=f"raise it to {default}, or say why it can wait in `priority_rationale:`",
            action=action.id,
        )
