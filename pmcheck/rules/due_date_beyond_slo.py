"""An action is due later than its priority's SLO allows, without an approved extension.

## What it does
Reports an action whose `due` is after the clock start plus its priority's `slo_days`. The
clock starts on the date of `incident.resolved_at` (else `started_at`) in the policy's time
zone, or, with `slo_clock_start: created`, on the action's `created` date (which itself
defaults to the incident date). An action whose newest `deadline_changes` entry moved the
deadline to the current `due` and was approved by someone other than the action's owner has an
approved extension and is not reported. Terminal actions are not reported: their deadline no
longer governs any work.

## Why it matters
The SLO is the promise the organisation made about how fast fixes from an incident of this
priority land. A due date set beyond it on day one quietly breaks that promise; an extension
that someone other than the owner approved is a decision that can be reviewed.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-09-30
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
    due: 2026-09-30
    status: open
    deadline_changes:
      - from: 2026-07-31
        to: 2026-09-30
        at: 2026-06-10
        reason: the canary needs the new deploy pipeline, which lands in September
        approved_by: carol.wu
```

## Options
`priorities.<name>.slo_days`, `slo_clock_start` (`resolved_at` or `created`) and `timezone`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.judgements import clock_start, slo_limit
from pmcheck.model import Action, Postmortem

CODE = "PM202"
NAME = "due-date-beyond-slo"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = (
    "incident.started_at",
    "incident.resolved_at",
    "action.due",
    "action.status",
    "action.priority",
    "action.created",
    "action.owner",
    "action.deadline_changes",
)


def approved_extension(action: Action) -> bool:
    """Whether the newest deadline change set the current due date and was not self-approved."""
    if not action.deadline_changes:
        return False
    newest = action.deadline_changes[-1]
    return newest.to_date == action.due and newest.approved_by != action.owner


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        if action.due is None or ctx.policy.is_terminal(action.status, action.priority):
            continue
        limit = slo_limit(pm, action, ctx)
        if limit is None or action.due <= limit or approved_extension(action):
            continue
        level = ctx.policy.priorities[action.priority]
        start = "created" if ctx.policy.slo_clock_start == "created" else "incident"
        yield Violation(
            CODE,
            action.path("due"),
            f"action {action.id} is due {action.due}, after {limit}, the limit of the {action.priority} SLO "
            f"({level.slo_days} days from the {start} date {clock_start(pm, action, ctx)})",
            hint=f"set `due:` on or before {limit}, or record the extension in `deadline_changes` "
            "with an approver other than the owner",
            action=action.id,
        )
