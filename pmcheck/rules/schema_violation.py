"""The document does not match the postmortem schema.

## What it does
Validates each postmortem against `postmortem.schema.json` (print it with `pmcheck schema`)
with the policy's own severities, priorities and failure modes, and reports one finding per
error at the offending node: a missing key at the mapping that lacks it, an unknown key (with a
"did you mean" hint), a wrong type, a value outside an enumeration, a malformed id, date or
timestamp. A severity, priority or failure mode the policy does not define is reported as
PM008 unknown-reference instead. Rules that need a well-formed document run only once the schema is satisfied.

## Why it matters
Every other rule, the operating log and downstream tools read these fields. A typo such as
`ownr:` or `due: 2026-02-30` would otherwise pass silently and drop the action out of every view.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    ownr: bo.chen
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
`severities`, `priorities` and `failure_modes` in `pmcheck.yaml` define the allowed values.
"""

from __future__ import annotations

from pmcheck.findings import Severity

CODE = "PM003"
NAME = "schema-violation"
SEVERITY = Severity.ERROR
SCOPE = "engine"
