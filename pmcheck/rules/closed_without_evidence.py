"""A `done` or `verified` action has no evidence.

## What it does
Reports an action whose status is `done` or `verified` while its `evidence` list is missing or
empty. A `tracker` link does not count: a ticket says that work was planned, not that it shipped
or worked.

## Why it matters
Closing an action is a claim that the risk it addressed is reduced. Without a pull request, deploy,
eval run, dashboard or metric behind it, the claim cannot be checked by the verifier, by the next
review, or by whoever handles the recurrence.

## Example
```yaml
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
    tracker: {url: "https://tracker.example.com/REL-412"}
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
    status: done
    completed_at: 2026-06-10
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
    tracker: {url: "https://tracker.example.com/REL-412"}
    evidence:
      - type: pull_request
        url: https://git.example.com/ml/prompt-pipeline/pull/88
        summary: canary stage runs the refund-policy eval before promotion
```

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM302"
NAME = "closed-without-evidence"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("action.status", "action.evidence", "action.tracker")

CLOSED_DONE = frozenset({"done", "verified"})


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        if action.status not in CLOSED_DONE or action.evidence:
            continue
        message = f"action {action.id} is {action.status} with no evidence"
        if action.tracker_url:
            message += "; its tracker link is tracking, not evidence"
        at = action.path("evidence") if "evidence" in action.raw else action.at
        yield Violation(
            CODE,
            at,
            message,
            hint="add an `evidence:` item (pull request, deploy, eval, dashboard or metric) that shows the work shipped",
            action=action.id,
        )
