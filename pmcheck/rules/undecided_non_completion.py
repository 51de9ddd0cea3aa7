"""An action is dropped (`wont_do` or `superseded`) without a complete, recorded decision.

## What it does
Reports an action with status `wont_do` or `superseded` that has no `closure`, or whose `closure`
lacks `rationale`, `decided_by` or `decided_at`; a `superseded` action must also name its
replacement in `superseded_by`. For a critical priority (default P0 and P1) the decider must hold
role `approver` or `exec_sponsor` in `people.yaml` (checked only when the roster exists).

## Why it matters
Not doing an action is a risk decision: someone accepts that the failure may recur. Recording who
decided, when and why makes the decision reviewable; an action that silently turns into `wont_do`
is the same as an action that was forgotten.

Deleting the action (or its whole postmortem) is the same silent drop: in pull-request and
pre-commit mode, an action that was not terminal at the base and whose id is now nowhere in the
corpus is reported too. Moving an action to another file is not a deletion.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    status: wont_do
```

## Use instead
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    status: wont_do
    closure:
      decision: risk_accepted
      rationale: the prompt pipeline is retired in July; its replacement gates on evals by design
      decided_by: carol.wu
      decided_at: 2026-06-12
```

## Options
`priorities.<P>.critical` in `pmcheck.yaml` decides which closures need an approver.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM306"
NAME = "undecided-non-completion"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("action.status", "action.priority", "action.closure")

CLOSED_UNDONE = frozenset({"wont_do", "superseded"})
DECIDER_ROLES = ("approver", "exec_sponsor")


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        if action.status not in CLOSED_UNDONE:
            continue
        closure = action.closure
        if closure is None:
            yield Violation(
                CODE,
                action.at,
                f"action {action.id} is {action.status} with no closure decision",
                hint="add `closure:` with decision, rationale, decided_by and decided_at",
                action=action.id,
            )
            continue
        missing = [
            key
            for key, value in (
                ("rationale", closure.rationale),
                ("decided_by", closure.decided_by),
                ("decided_at", closure.decided_at),
            )
            if value is None or (isinstance(value, str) and not value.strip())
        ]
        if action.status == "superseded" and not closure.superseded_by:
            missing.append("superseded_by")
        if missing:
            yield Violation(
                CODE,
                closure.at,
                f"the closure of action {action.id} ({action.status}) lacks {', '.join(missing)}",
                hint=f"record {', '.join(missing)} under `closure:`",
                action=action.id,
            )
        if ctx.roster is None or closure.decided_by is None or not ctx.policy.is_critical_priority(action.priority):
            continue
        person = ctx.roster.get(closure.decided_by)
        # An unknown decider is PM103's finding.
        if person is not None and not any(person.has_role(role) for role in DECIDER_ROLES):
            yield Violation(
                CODE,
                closure.at + ("decided_by",),
                f"action {action.id} ({action.priority}) was closed as {action.status} by {person.id}, "
                "who is neither an approver nor an executive sponsor",
                hint="have a person with role `approver` or `exec_sponsor` decide a critical action's closure",
                action=action.id,
            )


@dataclass(frozen=True)
class Dropped:
    """An action deleted without a decision: its postmortem id and the violation to report."""

    postmortem: str
    violation: Violation


def check_deleted(ctx: Context, present: frozenset[str]) -> Iterator[Dropped]:
    """Actions not terminal at the git base whose ids are absent from the whole corpus now.

    ``present`` holds every postmortem and action id of the corpus as it is, so an action moved
    to another file is not reported. The violation points at the postmortem's ``actions``.
    """
    git = ctx.git
    if git is None:
        return
    for pm_id, data in sorted(git.base_postmortems.items()):
        actions = data.get("actions")
        for action in actions if isinstance(actions, list) else ():
            if not isinstance(action, Mapping) or not isinstance(action.get("id"), str):
                continue
            if action["id"] in present:
                continue
            status, priority = _text(action, "status"), _text(action, "priority")
            if ctx.policy.is_terminal(status, priority):
                continue
            yield Dropped(
                pm_id,
                Violation(
                    CODE,
                    ("actions",),
                    f"action {action['id']} ({priority or 'no priority'}, {status or 'no status'} at the base) "
                    "was deleted without a closure decision",
                    hint=f"restore the action and close it with `pmcheck action drop {action['id']}`, which records the decision",
                    action=action["id"],
                ),
            )


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""
