"""An action's `due` date moved without a matching `deadline_changes` entry.

## What it does
Compares every action with its version at the base revision, matched by action id: the merge
base in pull-request mode (`pmcheck check --changed-since REF`), `HEAD` when files are given
(pre-commit passes the staged files). When `due` differs, the change must append
`deadline_changes` entries leading from the old date to the new one: `from` and `to` must agree
with what git shows. For a critical priority (P0 and P1 by default) the entry must be approved
by someone other than the action's owner. The list is append-only, so a change that rewrites or
deletes an earlier entry is reported as well.

## Why it matters
A deadline that moves quietly is how an urgent fix becomes next quarter's wish. A recorded move
says who agreed to the slip and why; it keeps the slip visible in the governance review, lets
the SLO (PM202) and extension limit (PM208) rules judge it, and feeds the operating log's
deadline-slip trend. Rewriting old entries erases that trail.

## Example
The base revision has `due: 2026-07-15`; the change moves the date and records nothing:
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-29
    status: open
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
```

## Use instead
The same change appends the move, approved by someone other than the owner:
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-29
    status: open
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
    deadline_changes:
      - from: 2026-07-15
        to: 2026-07-29
        at: 2026-06-14
        reason: the canary needs the new eval runner, which ships on 2026-07-20
        approved_by: carol.wu
```

## Options
Which priorities are critical comes from `priorities:` in `pmcheck.yaml`. The rule needs git:
without a base revision (a plain `pmcheck check` of the whole repository, or a folder that is
not a git work tree) it has nothing to compare and stays silent.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.judgements import judge_move, rewritten_entry
from pmcheck.model import Postmortem

CODE = "PM203"
NAME = "deadline-moved-without-record"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("action.id", "action.due", "action.owner", "action.priority", "action.deadline_changes")


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    git = ctx.git
    if git is None:
        return
    for action in pm.actions:
        base = git.base_actions.get(action.id)
        if base is None:
            continue
        rewritten = rewritten_entry(CODE, action, base, "deadline_changes", "move")
        if rewritten is not None:
            yield rewritten
        move = judge_move(base, action.raw, ctx.policy.is_critical_priority(action.priority))
        if move is None or move.recorded:
            continue
        if move.verdict == "self-approved":
            message = (
                f"due date of {action.priority} action {action.id} moved from {move.old} to {move.new} "
                f"with a deadline change approved by its owner"
            )
            hint = "have someone other than the owner (a manager or the executive sponsor) approve the move"
        else:
            message = (
                f"due date of action {action.id} moved from {move.old} to {move.new} "
                "without a deadline_changes entry"
            )
            hint = f"append to deadline_changes: {{from: {move.old}, to: {move.new}, at, reason, approved_by}}"
        yield Violation(CODE, action.at + ("due",), message, hint=hint, action=action.id)
