"""An action has no owner.

## What it does
Reports an action with no `owner` key (pointing at the action), or whose `owner` is null, an
empty string, blank or an empty list (pointing at the key). Every action is checked, whatever
its status: a closed action still records who was accountable for it.

## Why it matters
An action without an owner is the classic way a postmortem fails: everyone agrees it matters
and nobody does it. Review meetings, escalations and the operating log all start from the owner.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    due: 2026-07-15
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
    due: 2026-07-15
    status: open
```

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.judgements import has_no_owner
from pmcheck.model import Postmortem

CODE = "PM101"
NAME = "action-without-owner"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("action.owner",)

HINT = "set `owner:` to the id of the one person from people.yaml who is accountable for it"


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        if not has_no_owner(action):
            continue
        if "owner" not in action.raw:
            yield Violation(CODE, action.at, f"action {action.id} has no owner", hint=HINT, action=action.id)
        else:
            yield Violation(
                CODE,
                action.path("owner"),
                f"action {action.id} has an empty owner",
                hint=HINT,
                action=action.id,
            )
