"""An action's `owner` changed without a matching `owner_changes` entry.

## What it does
Compares every action with its version at the base revision, matched by action id: the merge
base in pull-request mode (`pmcheck check --changed-since REF`), `HEAD` when files are given
(pre-commit passes the staged files). When `owner` differs, the change must append
`owner_changes` entries leading from the old owner to the new one: `from` and `to` must agree
with what git shows. The list is append-only, so a change that rewrites or deletes an earlier
entry is reported as well. Giving an ownerless action its first owner is not a hand-over.

## Why it matters
One accountable owner only helps if everyone knows who it is and since when. A silent
hand-over leaves the new owner without the context, the old owner still answering for it in
the review, and no trace of why the action changed hands.

## Example
The base revision has `owner: alice.ng`; the change hands the action over and records nothing:
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: bo.chen
    due: 2026-07-15
    status: open
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
```

## Use instead
The same change appends the hand-over:
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: bo.chen
    due: 2026-07-15
    status: open
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
    owner_changes:
      - from: alice.ng
        to: bo.chen
        at: 2026-06-14
        reason: alice.ng moved to the evals team; bo.chen owns the rollout pipeline
```

## Options
None. The rule needs git: without a base revision (a plain `pmcheck check` of the whole
repository, or a folder that is not a git work tree) it has nothing to compare and stays silent.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.judgements import judge_handover, rewritten_entry
from pmcheck.model import Postmortem

CODE = "PM106"
NAME = "owner-changed-without-record"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("action.id", "action.owner", "action.owner_changes")


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    git = ctx.git
    if git is None:
        return
    for action in pm.actions:
        base = git.base_actions.get(action.id)
        if base is None:
            continue
        rewritten = rewritten_entry(CODE, action, base, "owner_changes", "hand-over")
        if rewritten is not None:
            yield rewritten
        handover = judge_handover(base, action.raw)
        if handover is None or handover.recorded:
            continue
        yield Violation(
            CODE,
            action.at + ("owner",),
            f"owner of action {action.id} changed from {handover.old} to {handover.new} "
            "without an owner_changes entry",
            hint=f"append to owner_changes: {{from: {handover.old}, to: {handover.new}, at, reason}}",
            action=action.id,
        )
