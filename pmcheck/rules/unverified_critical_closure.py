"""An action that needs verification is left `done` past its due date, or in a closed postmortem.

## What it does
Reports an action whose priority has `requires_verification` (default P0 and P1) and whose status
is `done` rather than `verified`, when the as-of date is after its `due` date or its postmortem is
`closed`. It also reports such an action marked `verified` whose `verification.result` is `fail`:
a failed check is not a verification. The hint says who may verify: anyone but the owner, with
the owner's manager and the roster's approvers as suggestions. Such an action is this rule's
alone: PM204, PM205 and PM206 concern unfinished work and leave it out.

## Why it matters
For the most urgent actions, `done` only means the owner believes the work shipped. Until someone
checks the evidence against the success criteria the risk is still open, so the action stays on
the review agenda; letting it sit unverified past its deadline, or closing the postmortem over it,
quietly drops that check.

## Example
```yaml
status: closed
approvers:
  - {person: carol.wu, decision: approved, at: 2026-06-12T10:00:00Z}
actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: P1
    owner: alice.ng
    due: 2026-06-30
    status: done
    completed_at: 2026-06-10
    success_criteria: refund-policy eval pass rate >= 99% on 500 prompts before any prompt rollout
    evidence:
      - type: pull_request
        url: https://git.example.com/ml/prompt-pipeline/pull/88
```

## Use instead
```yaml
status: closed
approvers:
  - {person: carol.wu, decision: approved, at: 2026-06-12T10:00:00Z}
actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: P1
    owner: alice.ng
    due: 2026-06-30
    status: verified
    completed_at: 2026-06-10
    success_criteria: refund-policy eval pass rate >= 99% on 500 prompts before any prompt rollout
    evidence:
      - type: pull_request
        url: https://git.example.com/ml/prompt-pipeline/pull/88
    verification: {by: femi.ade, at: 2026-06-11, result: pass}
```

## Options
`priorities.<P>.requires_verification` in `pmcheck.yaml`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.judgements import is_overdue
from pmcheck.model import Action, Postmortem

CODE = "PM305"
NAME = "unverified-critical-closure"
SEVERITY = Severity.ERROR
SCOPE = "document"
# A closed postmortem is one reason among two: an unknown status only holds that one back.
READS = ("?status", "action.due", "action.status", "action.priority", "action.owner", "action.verification")


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        level = ctx.policy.priorities.get(action.priority)
        if level is None or not level.requires_verification:
            continue
        verification = action.verification
        if action.status == "verified" and verification is not None and verification.result == "fail":
            yield Violation(
                CODE,
                verification.at + ("result",),
                f"action {action.id} ({action.priority}) is marked verified but its verification by "
                f"{verification.by} on {verification.date} failed",
                hint="reopen it (`status: in_progress`) until a verification passes",
                action=action.id,
            )
            continue
        if action.status != "done":
            continue
        if is_overdue(action.due, ctx.as_of):
            why = f"its due date {action.due} has passed"
        elif pm.status == "closed":
            why = f"postmortem {pm.id} is closed"
        else:
            continue
        yield Violation(
            CODE,
            action.path("status"),
            f"action {action.id} ({action.priority}) is done but not verified and {why}",
            hint=f"have {_verifiers(action, ctx)} check the evidence against the success criteria, then record "
            f"`status: verified` with `verification: {{by, at, result: pass}}`",
            action=action.id,
        )


def _verifiers(action: Action, ctx: Context) -> str:
    """Who may verify, in words: anyone but the owner, naming whom the roster suggests."""
    owner = action.owner
    anyone = f"someone other than the owner {owner}" if owner else "someone other than the owner"
    roster = ctx.roster
    if roster is None:
        return anyone
    suggested: list[str] = []
    manager = roster.manager_of(owner)
    if manager is not None and manager != owner:
        suggested.append(f"{manager} (the owner's manager)")
    approvers = sorted(
        p.id for p in roster.people.values() if p.has_role("approver") and p.active and p.id not in (owner, manager)
    )
    if approvers:
        shown = ", ".join(approvers[:3]) + (", ..." if len(approvers) > 3 else "")
        suggested.append(f"an approver ({shown})")
    return f"{anyone}, e.g. {' or '.join(suggested)}," if suggested else anyone
