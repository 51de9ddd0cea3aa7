"""A postmortem is `closed` while one of its actions is still open.

## What it does
Reports each action of a `closed` postmortem that is not terminal: `verified`, `wont_do`,
`superseded`, or `done` for a priority the policy marks `done_is_terminal` (default P2 and P3).
An action that is only `done` while its priority requires verification is reported by PM305
instead, so the same gap is not reported twice.

## Why it matters
Closing a postmortem takes it off the review agenda. Open actions under a closed postmortem are
promises that nobody will ask about again, which is how the same incident comes back.

## Example
```yaml
status: closed
approvers:
  - {person: carol.wu, decision: approved, at: 2026-06-12T10:00:00Z}
```

## Use instead
```yaml
status: closed
approvers:
  - {person: carol.wu, decision: approved, at: 2026-06-12T10:00:00Z}
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: done
    completed_at: 2026-06-10
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
    evidence:
      - type: pull_request
        url: https://git.example.com/ml/prompt-pipeline/pull/88
```

## Options
`priorities.<P>.done_is_terminal` in `pmcheck.yaml`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM307"
NAME = "closed-postmortem-with-open-actions"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("status", "action.status", "action.priority")


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    if pm.status != "closed":
        return
    for action in pm.actions:
        if ctx.policy.is_terminal(action.status, action.priority):
            continue
        level = ctx.policy.priorities.get(action.priority)
        if action.status == "done" and level is not None and level.requires_verification:
            continue  # PM305 reports it
        yield Violation(
            CODE,
            action.path("status"),
            f"postmortem {pm.id} is closed but action {action.id} is still {action.status}",
            hint="finish, verify or formally close the action (wont_do with a closure) before closing the postmortem",
            action=action.id,
        )
