"""A waiver runs too long, or is approved by the owner of what it waives.

## What it does
Reports a waiver whose `expires` date is more than `waiver_max_days` (default 90) after the as-of
date, or whose `approved_by` is the owner of the waived action (for a waiver on the postmortem
itself: the postmortem's owner). Such a waiver suppresses nothing.

## Why it matters
A waiver trades a known gap for time, and that trade needs a second person and an end date. A
waiver that is effectively permanent, or that owners grant themselves, turns every rule into a
suggestion.

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
        approved_by: alice.ng
        expires: 2026-06-30
```

## Use instead
```yaml
actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: P1
    owner: alice.ng
    due: 2026-06-30
    status: open
    waivers:
      - rule: PM301
        reason: the pass-rate bar depends on the eval baseline, measured in the last week of June
        approved_by: carol.wu
        expires: 2026-06-30
```

## Options
`waiver_max_days` in `pmcheck.yaml` (default 90).
"""

from __future__ import annotations

from pmcheck.findings import Severity

CODE = "PM902"
NAME = "waiver-too-long-or-self-approved"
SEVERITY = Severity.ERROR
# Judged where waivers are applied (pmcheck.decide), since only that step knows what they cover.
SCOPE = "engine"
