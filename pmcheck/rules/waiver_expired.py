"""A waiver has expired.

## What it does
Reports a waiver (on a postmortem or on an action) whose `expires` date is before the as-of date.
An expired waiver suppresses nothing: the rule it waived is reported again, alongside this finding.
A waiver is in force up to and including its `expires` date.

## Why it matters
A waiver is a time-boxed decision to live with a known gap. When the box runs out, someone has to
decide again: fix the gap, or renew the waiver with a fresh approval. Expired waivers left in the
file look like governance while governing nothing.

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
        reason: success criteria waited for the eval baseline, measured in the first week of June
        approved_by: carol.wu
        expires: 2026-06-10
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
None. The waiver's `expires` is the only clock.
"""

from __future__ import annotations

from pmcheck.findings import Severity

CODE = "PM901"
NAME = "waiver-expired"
SEVERITY = Severity.ERROR
# Judged where waivers are applied (pmcheck.decide), since only that step knows what they cover.
SCOPE = "engine"
# Time alone produces it on an unchanged file: pull-request mode demotes it outside the change.
TIME_DRIVEN = True
