"""An action that must be measurable has no `success_criteria`.

## What it does
Reports an action without `success_criteria` when its priority is critical in the policy
(default P0 and P1), or when its postmortem's severity is critical (default SEV-1 and SEV-2).
Actions closed as `wont_do` or `superseded` are skipped: nobody will measure them.

## Why it matters
"Improve monitoring" can be declared done at any moment. A bounded, measurable statement
("refund-policy eval pass rate >= 99% on 500 prompts") is what the verifier checks the evidence
against, and what tells the review that the risk is actually retired.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: P1
    owner: alice.ng
    due: 2026-06-30
    status: open
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
    success_criteria: refund-policy eval pass rate >= 99% on 500 prompts before any prompt rollout
```

## Options
`priorities.<P>.critical` and `severities.<SEV>.critical` in `pmcheck.yaml` decide which actions
need success criteria.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM301"
NAME = "missing-success-criteria"
SEVERITY = Severity.ERROR
SCOPE = "document"
# A critical priority or a critical severity each suffice: an unknown one holds back only its own reason.
READS = ("?severity", "action.status", "?action.priority", "action.success_criteria")

CLOSED_UNDONE = frozenset({"wont_do", "superseded"})


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    critical_pm = ctx.policy.is_critical_severity(pm.severity)
    for action in pm.actions:
        if action.status in CLOSED_UNDONE:
            continue
        if action.success_criteria is not None and action.success_criteria.strip():
            continue
        if ctx.policy.is_critical_priority(action.priority):
            why = f"its priority {action.priority} is critical"
        elif critical_pm:
            why = f"its postmortem is {pm.severity}"
        else:
            continue
        yield Violation(
            CODE,
            # A blank `success_criteria: " "` is the key to fix; a missing one, the action.
            action.path("success_criteria") if "success_criteria" in action.raw else action.at,
            f"action {action.id} has no success criteria; they are required because {why}",
            hint="add `success_criteria:` with a bounded, measurable statement (metric, threshold, sample)",
            action=action.id,
        )
