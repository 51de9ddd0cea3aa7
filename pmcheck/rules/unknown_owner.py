"""A person id is not in `people.yaml`.

## What it does
Reports every person id that the roster does not define: the postmortem `owner` and
`executive_sponsor`, `approvers[].person`, `reviews[].attendees`, `mitigation_timeline[].by`,
`waivers[].approved_by` (on the postmortem and on actions), and on each action its `owner`,
`verification.by`, `closure.decided_by`, `deadline_changes[].approved_by`,
`owner_changes[].from`/`to` and `escalations[].to`. An action owner that is missing, a list or
several names is left to PM101 and PM102.

## Why it matters
An id that matches nobody cannot be notified, escalated to or held to account, and a typo
(`alice.n`) silently detaches an action from its owner. The roster is also where roles live:
who may approve, verify and sponsor.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.n
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
`people` in `pmcheck.yaml` names the roster file (default `people.yaml`). Without a roster this
rule is skipped and the run says so.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import DataPath, Severity, Violation, dotted
from pmcheck.judgements import several_owners
from pmcheck.model import Action, Postmortem, Waiver
from pmcheck.people import Roster

CODE = "PM103"
NAME = "unknown-owner"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS: tuple[str, ...] = ()

Reference = tuple[DataPath, str, Action | None]


def _waivers(waivers: tuple[Waiver, ...], action: Action | None) -> Iterator[Reference]:
    for waiver in waivers:
        yield waiver.at + ("approved_by",), waiver.approved_by, action


def _action_references(action: Action, roster: Roster) -> Iterator[Reference]:
    owner = action.owner
    if owner is not None and several_owners(action, roster) is None:
        yield action.path("owner"), owner, action
    if action.verification is not None:
        yield action.verification.at + ("by",), action.verification.by, action
    if action.closure is not None and action.closure.decided_by is not None:
        yield action.closure.at + ("decided_by",), action.closure.decided_by, action
    for change in action.deadline_changes:
        yield change.at + ("approved_by",), change.approved_by, action
    for handover in action.owner_changes:
        yield handover.at + ("from",), handover.from_owner, action
        yield handover.at + ("to",), handover.to_owner, action
    for escalation in action.escalations:
        yield escalation.at + ("to",), escalation.to, action
    yield from _waivers(action.waivers, action)


def references(pm: Postmortem, roster: Roster) -> Iterator[Reference]:
    """Every person id the postmortem names: (data path, id, the action holding it or None)."""
    yield ("owner",), pm.owner, None
    if pm.executive_sponsor is not None:
        yield ("executive_sponsor",), pm.executive_sponsor, None
    for approval in pm.approvers:
        yield approval.at + ("person",), approval.person, None
    for review in pm.reviews:
        for n, person in enumerate(review.attendees):
            yield review.at + ("attendees", n), person, None
    for entry in pm.mitigation_timeline:
        yield entry.at + ("by",), entry.by, None
    yield from _waivers(pm.waivers, None)
    for action in pm.actions:
        yield from _action_references(action, roster)


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    roster = ctx.roster
    if roster is None:
        return
    for at, person, action in references(pm, roster):
        # A blank id is a missing value (PM003 or PM101 says so), not an unknown person.
        if not person or person in roster:
            continue
        close = difflib.get_close_matches(person, list(roster.people), n=1)
        where = f"action {action.id} {dotted(at[len(action.at):])}" if action else f"postmortem {pm.id} {dotted(at)}"
        yield Violation(
            CODE,
            at,
            f"{where} names {person!r}, who is not in {roster.path}",
            hint=f"did you mean {close[0]}?" if close else f"use a person id from {roster.path}, or add the person there",
            action=action.id if action else None,
        )
