"""An escalation has no mitigation-timeline update on or after it.

## What it does
Reports each `escalations` entry of an action when the postmortem's `mitigation_timeline` has
no entry dated on or after the escalation's date (a timestamp in the timeline counts by its date
in the policy's time zone).

## Why it matters
An escalation is a decision point: the sponsor or manager agrees a new plan, new dates or an
interim mitigation. If the timeline is not updated, the decision lives only in someone's inbox,
and the next review cannot tell whether the escalation changed anything.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: blocked
    escalations:
      - to: carol.wu
        at: 2026-06-10
        level: manager
        reason: blocked on the deploy pipeline migration
```

## Use instead
```yaml
mitigation_timeline:
  - at: 2026-06-11
    plan: canary lands after the pipeline migration, by 2026-07-10; manual prompt review until then
    by: carol.wu
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: blocked
    escalations:
      - to: carol.wu
        at: 2026-06-10
        level: manager
        reason: blocked on the deploy pipeline migration
```

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM207"
NAME = "escalation-without-timeline-update"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("mitigation_timeline", "action.escalations")


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    latest = max((entry.date for entry in pm.mitigation_timeline), default=None)
    for action in pm.actions:
        for escalation in action.escalations:
            if latest is not None and latest >= escalation.date:
                continue
            yield Violation(
                CODE,
                escalation.at,
                f"action {action.id} was escalated to {escalation.to} on {escalation.date}, "
                f"but mitigation_timeline has no entry on or after that date",
                hint="add a `mitigation_timeline` entry with the plan agreed in the escalation "
                f"(`at: {escalation.date}` or later)",
                action=action.id,
            )
