"""A waiver suppresses nothing.

## What it does
Reports a waiver that is in force (not expired, not too long, not self-approved) but whose rule
reports nothing on the action or postmortem it sits on. A waiver on a postmortem covers that rule
on the postmortem and on every one of its actions.

## Why it matters
There is no silent suppression: every waiver must be earning its place. A waiver left behind
after the gap was fixed would hide the gap if it reappeared, without anyone deciding again.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: open
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
    waivers:
      - rule: PM301
        reason: the pass-rate bar depends on the eval baseline, measured in the last week of June
        approved_by: carol.wu
        expires: 2026-06-30
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
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
```

## Options
None.
"""

from __future__ import annotations

from pmcheck.findings import Severity

CODE = "PM903"
NAME = "unused-waiver"
SEVERITY = Severity.WARNING
# Judged where waivers are applied (pmcheck.decide), since only that step knows what they cover.
SCOPE = "engine"
