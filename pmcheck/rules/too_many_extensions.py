"""An action's deadline was extended more often than its priority allows without the sponsor.

## What it does
Reports an action with more `deadline_changes` entries than its priority's `max_extensions`
(default: 1 for P0, 2 for P1, unlimited otherwise) when the newest entry is not approved by the
postmortem's `executive_sponsor`. Points at the newest entry.

## Why it matters
One slip is planning; repeated slips mean the action is not getting the time it needs, or is
the wrong action. Past the limit, only the executive sponsor, who can trade other work for
it, should grant more time.

## Example
```yaml
executive_sponsor: dana.kim
reviews:
  - date: 2026-06-10
actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: P0
    owner: alice.ng
    due: 2026-06-26
    status: in_progress
    success_criteria: refund-policy eval pass rate >= 99% on 500 prompts before any rollout
    deadline_changes:
      - from: 2026-06-12
        to: 2026-06-19
        at: 2026-06-08
        reason: eval suite flaky on 3% of prompts
        approved_by: carol.wu
      - from: 2026-06-19
        to: 2026-06-26
        at: 2026-06-14
        reason: SRE time moved to the checkout outage
        approved_by: carol.wu
```

## Use instead
```yaml
executive_sponsor: dana.kim
reviews:
  - date: 2026-06-10
actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: P0
    owner: alice.ng
    due: 2026-06-26
    status: in_progress
    success_criteria: refund-policy eval pass rate >= 99% on 500 prompts before any rollout
    deadline_changes:
      - from: 2026-06-12
        to: 2026-06-19
        at: 2026-06-08
        reason: eval suite flaky on 3% of prompts
        approved_by: carol.wu
      - from: 2026-06-19
        to: 2026-06-26
        at: 2026-06-14
        reason: SRE time moved to the checkout outage; sponsor keeps the rollout freeze until then
        approved_by: dana.kim
```

## Options
`priorities.<name>.max_extensions` in `pmcheck.yaml` (leave it out for no limit).
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM208"
NAME = "too-many-extensions"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("executive_sponsor", "action.priority", "action.deadline_changes")


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        level = ctx.policy.priorities.get(action.priority)
        if level is None or level.max_extensions is None or not action.deadline_changes:
            continue
        count = len(action.deadline_changes)
        # The list is append-only, so the last entry is the newest.
        newest = action.deadline_changes[-1]
        if count <= level.max_extensions or (pm.executive_sponsor and newest.approved_by == pm.executive_sponsor):
            continue
        sponsor = pm.executive_sponsor
        yield Violation(
            CODE,
            newest.at,
            f"action {action.id} has {count} deadline change{'s' if count != 1 else ''}, more than the "
            f"{level.max_extensions} {action.priority} allows, and the newest is approved by {newest.approved_by}, "
            "not the executive sponsor",
            hint=f"have the executive sponsor {sponsor} approve the extension" if sponsor
            else "name an `executive_sponsor` for the postmortem and have them approve the extension",
            action=action.id,
        )
