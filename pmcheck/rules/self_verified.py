"""An action is verified by its own owner.

## What it does
Reports an action whose `verification.by` is the action's `owner`.

## Why it matters
Verification is the second pair of eyes that checks the evidence against the success criteria.
The person who did the work is the one most likely to read "merged" as "fixed"; an independent
verifier is what makes `verified` mean more than `done`.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: verified
    completed_at: 2026-06-10
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
    evidence:
      - type: pull_request
        url: https://git.example.com/ml/prompt-pipeline/pull/88
    verification: {by: alice.ng, at: 2026-06-12, result: pass}
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
    status: verified
    completed_at: 2026-06-10
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
    evidence:
      - type: pull_request
        url: https://git.example.com/ml/prompt-pipeline/pull/88
    verification: {by: femi.ade, at: 2026-06-12, result: pass, notes: replayed the incident prompts through the canary}
```

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM304"
NAME = "self-verified"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("action.owner", "action.verification.by")


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        verification = action.verification
        if verification is None or action.owner is None or verification.by != action.owner:
            continue
        yield Violation(
            CODE,
            verification.at + ("by",),
            f"action {action.id} is verified by its owner {action.owner}",
            hint="have someone other than the owner check the evidence against the success criteria",
            action=action.id,
        )
