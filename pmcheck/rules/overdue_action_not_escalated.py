"""An overdue action has passed a rung of its escalation ladder and nobody was told.

## What it does
For each overdue action that is not terminal, walks its priority's `escalate` ladder. A rung
`{after_days_overdue: N, to: ...}` is passed once the action is N days overdue (N = 0 means from
the first overdue day). The rung's person is the postmortem's `executive_sponsor` for
`exec_sponsor`, and the manager of the owner's team in `people.yaml` for `manager`. The rung is
satisfied by an `escalations` entry to that person dated on or after the due date; when the
person cannot be determined (no sponsor named, no roster, no team manager) an entry whose
`level` is the rung's is accepted. A rung whose person is the owner (a manager owning the action)
is skipped; the next rung still applies. One finding per unsatisfied rung, pointing at the
action's `escalations` (or the action when it has none). A `done` action that waits for its
verification is finished work: PM305 reports it, not this rule.

## Why it matters
Escalation is how an overdue critical fix gets the time, people or scope decision it needs.
With the defaults, an overdue P0 goes to the executive sponsor on its first overdue day; a P1
goes to the owner's manager after a week and to the sponsor after a month.

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
    due: 2026-06-12
    status: in_progress
    success_criteria: refund-policy eval pass rate >= 99% on 500 prompts before any rollout
    waivers:
      - rule: PM205
        reason: the rollout freeze holds the risk until the gate ships
        approved_by: dana.kim
        expires: 2026-06-30
```

## Use instead
```yaml
executive_sponsor: dana.kim
reviews:
  - date: 2026-06-10
mitigation_timeline:
  - at: 2026-06-13
    plan: gate ships by 2026-06-19; prompt rollouts frozen until then
    by: alice.ng
actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: P0
    owner: alice.ng
    due: 2026-06-12
    status: in_progress
    success_criteria: refund-policy eval pass rate >= 99% on 500 prompts before any rollout
    escalations:
      - to: dana.kim
        at: 2026-06-13
        level: exec_sponsor
        reason: eval suite flaky on 3% of prompts; needs two more days of SRE time
    waivers:
      - rule: PM205
        reason: the rollout freeze holds the risk until the gate ships
        approved_by: dana.kim
        expires: 2026-06-30
```

## Options
`priorities.<name>.escalate` in `pmcheck.yaml`: a list of `{after_days_overdue, to}` with `to`
one of `manager` or `exec_sponsor`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.judgements import days_overdue, passed_rungs
from pmcheck.model import Postmortem

CODE = "PM206"
NAME = "overdue-action-not-escalated"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = (
    "executive_sponsor",
    "action.due",
    "action.status",
    "action.priority",
    "action.owner",
    "action.escalations",
)
# Time alone produces it on an unchanged file: pull-request mode demotes it outside the change.
TIME_DRIVEN = True

WHO = {"exec_sponsor": "executive sponsor", "manager": "owner's manager"}


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        for step in passed_rungs(pm, action, ctx):
            if step.satisfied:
                continue
            days = days_overdue(action.due, ctx.as_of)
            role = WHO.get(step.rung.to, step.rung.to)
            if step.person is not None:
                who, missing = f"its {role} {step.person}", f"no escalation to {step.person}"
            else:
                who, missing = f"its {role} (not known from the files)", f"no {step.rung.to} escalation"
            yield Violation(
                CODE,
                action.path("escalations") if action.escalations else action.at,
                f"{action.priority} action {action.id} is {days} day{'s' if days != 1 else ''} overdue: "
                f"{who} should have been told since {step.since}, but {missing} "
                f"dated on or after the due date {action.due} is recorded",
                hint=f"escalate and record it: `escalations: [{{to: {step.person or '<person>'}, "
                f"at: {ctx.as_of}, level: {step.rung.to}, reason: ...}}]`, then update `mitigation_timeline`",
                action=action.id,
            )
