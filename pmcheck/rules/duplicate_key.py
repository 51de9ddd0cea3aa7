"""A mapping repeats a key.

## What it does
Reports the second (and any later) occurrence of a key in the same mapping, at any depth, with
the line of the first one.

## Why it matters
YAML loaders silently keep only the last value, so a reviewer reading the first `owner:` or
`due:` sees a different postmortem from the one that is checked and published.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    owner: bo.chen
    due: 2026-06-30
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
    due: 2026-06-30
    status: open
```

## Options
None.
"""

from __future__ import annotations

from pmcheck.findings import Severity

CODE = "PM002"
NAME = "duplicate-key"
SEVERITY = Severity.ERROR
SCOPE = "engine"
