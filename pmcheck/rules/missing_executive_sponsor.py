"""A critical-severity postmortem has no executive sponsor, or the sponsor is not one.

## What it does
Reports a postmortem whose severity the policy marks `critical` (default `SEV-1` and `SEV-2`)
when it has no `executive_sponsor` (pointing at the document), or when the person named there
does not have the role `exec_sponsor` in `people.yaml` (pointing at the key). A sponsor id that
is not in the roster at all is reported by PM103.

## Why it matters
Actions from the worst incidents compete with roadmap work and usually lose. An executive
sponsor is who overdue P0 actions are escalated to and who can trade scope for them; without
one the escalation ladder has no top rung.

## Example
```yaml
severity: SEV-2
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    priority_rationale: the prompt rollback switch shipped during the incident limits the risk
    owner: alice.ng
    due: 2026-07-15
    status: open
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
```

## Use instead
```yaml
severity: SEV-2
executive_sponsor: dana.kim
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    priority_rationale: the prompt rollback switch shipped during the incident limits the risk
    owner: alice.ng
    due: 2026-07-15
    status: open
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
```

## Options
`critical: true` on a severity in `pmcheck.yaml` makes it require a sponsor. The role check
needs a roster.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM105"
NAME = "missing-executive-sponsor"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("severity", "executive_sponsor")

ROLE = "exec_sponsor"


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    if not ctx.policy.is_critical_severity(pm.severity):
        return
    roster = ctx.roster
    sponsors = sorted(p.id for p in roster.people.values() if p.has_role(ROLE) and p.active) if roster else []
    suggestion = f" (e.g. {', '.join(sponsors[:3])})" if sponsors else ""
    if pm.executive_sponsor is None:
        yield Violation(
            CODE,
            (),
            f"postmortem {pm.id} is {pm.severity} and has no executive sponsor",
            hint=f"add `executive_sponsor:` with a person who has the role {ROLE}{suggestion}",
        )
        return
    person = roster.get(pm.executive_sponsor) if roster is not None else None
    if person is not None and not person.has_role(ROLE):
        yield Violation(
            CODE,
            ("executive_sponsor",),
            f"executive sponsor {person.id} of {pm.severity} postmortem {pm.id} does not have the role {ROLE}",
            hint=f"name a person with the role {ROLE}{suggestion}, or give {person.id} that role in {roster.path}"
            if roster is not None
            else "",
        )
