"""A critical postmortem has no action that prevents or mitigates a recurrence.

## What it does
Reports a postmortem of a critical severity (default SEV-1 and SEV-2) none of whose actions has
type `prevent` or `mitigate`. Actions closed as `wont_do` or `superseded` do not count.

## Why it matters
Detection, repair and process actions make the next incident shorter; only prevention or
mitigation makes it less likely or less harmful. A severe incident whose actions are all
"add an alert" and "write a runbook" is expected to happen again.

## Example
```yaml
severity: SEV-2
executive_sponsor: dana.kim
reviews:
  - {date: 2026-06-12, attendees: [alice.ng, dana.kim]}
actions:
  - id: PM-2026-001-A1
    title: Alert when the refund-policy eval pass rate drops below 99%
    type: detect
    priority: P1
    owner: alice.ng
    due: 2026-06-30
    status: open
    success_criteria: an alert pages on-call within 10 minutes of the pass rate dropping below 99%
```

## Use instead
```yaml
severity: SEV-2
executive_sponsor: dana.kim
reviews:
  - {date: 2026-06-12, attendees: [alice.ng, dana.kim]}
actions:
  - id: PM-2026-001-A1
    title: Alert when the refund-policy eval pass rate drops below 99%
    type: detect
    priority: P1
    owner: alice.ng
    due: 2026-06-30
    status: open
    success_criteria: an alert pages on-call within 10 minutes of the pass rate dropping below 99%
  - id: PM-2026-001-A2
    title: Ground refund answers in the policy document through retrieval
    type: prevent
    priority: P1
    owner: bo.chen
    due: 2026-06-30
    status: open
    success_criteria: refund-policy eval pass rate >= 99% on 500 prompts
```

## Options
`severities.<SEV>.critical` in `pmcheck.yaml`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM403"
NAME = "no-root-cause-fix"
SEVERITY = Severity.WARNING
SCOPE = "document"
READS = ("severity", "actions.type", "actions.status")

FIX_TYPES = frozenset({"prevent", "mitigate"})
CLOSED_UNDONE = frozenset({"wont_do", "superseded"})


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    if not ctx.policy.is_critical_severity(pm.severity):
        return
    if any(a.type in FIX_TYPES and a.status not in CLOSED_UNDONE for a in pm.actions):
        return
    yield Violation(
        CODE,
        ("actions",),
        f"{pm.severity} postmortem {pm.id} has no prevent or mitigate action",
        hint="add an action of type `prevent` or `mitigate` that addresses the root cause",
    )
