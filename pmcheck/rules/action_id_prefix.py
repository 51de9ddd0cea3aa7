"""An action id does not start with its postmortem's id.

## What it does
Reports an action whose `id` is not `<postmortem id>-A<n>` for the postmortem that holds it
(`PM-2026-014-A2` belongs in `PM-2026-014`).

## Why it matters
Action ids travel alone: in tickets, commit messages, the review agenda. An id that names another
postmortem sends people to the wrong incident, and usually means an action was copied without
being renumbered.

## Example
```yaml
actions:
  - id: PM-2025-117-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
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

from collections.abc import Iterator

from pmcheck.context import Context, Document
from pmcheck.findings import Severity, Violation

CODE = "PM006"
NAME = "action-id-prefix"
SEVERITY = Severity.ERROR
SCOPE = "raw"


def check(doc: Document, ctx: Context) -> Iterator[Violation]:
    pm_id, action_ids = doc.ids
    if pm_id is None:
        return
    prefix = pm_id + "-A"
    for index, action_id in enumerate(action_ids):
        if action_id is None:
            continue
        rest = action_id[len(prefix):]
        if not (action_id.startswith(prefix) and rest.isdigit()):
            yield Violation(
                CODE,
                ("actions", index, "id"),
                f"action id {action_id} does not start with its postmortem id {pm_id}",
                hint=f"number it {prefix}<n>, e.g. {prefix}{index + 1}",
                action=action_id,
                postmortem=pm_id,
            )
