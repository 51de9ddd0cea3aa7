"""A postmortem with open critical actions has not been reviewed within its cadence.

## What it does
For a postmortem that still has open (non-terminal) actions of a critical priority (default P0 and
P1), takes the date of its latest `reviews` entry, or, before any review, the date the incident was
resolved (else started), and reports the postmortem when more than its severity's
`review_every_days` have passed since then (default 7 days for SEV-1, 14 for SEV-2, 30 for SEV-3,
90 for SEV-4). Before the first review, the severity's `postmortem_review_within_days` applies
instead when the policy sets it (default 7 days for SEV-1, 14 for SEV-2).

## Why it matters
The governance review is where slipping critical actions get noticed, re-planned and escalated.
A postmortem that drops off the review rotation keeps its open risk out of sight until the
incident repeats. Add a `reviews` entry each time it is discussed.

## Example
```yaml
severity: SEV-2
executive_sponsor: dana.kim
incident:
  started_at: 2026-05-20T09:00:00Z
  resolved_at: 2026-05-20T12:00:00Z
actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: P1
    owner: alice.ng
    due: 2026-06-19
    status: in_progress
    success_criteria: refund-policy eval pass rate >= 99% on 500 prompts before any prompt rollout
```

## Use instead
```yaml
severity: SEV-2
executive_sponsor: dana.kim
incident:
  started_at: 2026-05-20T09:00:00Z
  resolved_at: 2026-05-20T12:00:00Z
reviews:
  - {date: 2026-06-10, attendees: [alice.ng, dana.kim], notes: eval gate in staging; on track for 06-19}
actions:
  - id: PM-2026-001-A1
    title: Gate prompt rollouts on the refund-policy eval suite
    type: prevent
    priority: P1
    owner: alice.ng
    due: 2026-06-19
    status: in_progress
    success_criteria: refund-policy eval pass rate >= 99% on 500 prompts before any prompt rollout
```

## Options
`severities.<S>.postmortem_review_within_days` sets the deadline of the first review.
`severities.<SEV>.review_every_days` and `priorities.<P>.critical` in `pmcheck.yaml`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.dates import local_date
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem, zone

CODE = "PM401"
NAME = "review-overdue"
SEVERITY = Severity.WARNING
SCOPE = "document"
# Per action: an action whose status is unknown cannot make a postmortem need a review that its
# known open critical actions do not already need.
READS = ("severity", "reviews", "incident.started_at", "incident.resolved_at", "action.priority", "action.status")
# Time alone produces it on an unchanged file: pull-request mode demotes it outside the change.
TIME_DRIVEN = True


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    policy = ctx.policy
    level = policy.severities.get(pm.severity)
    if level is None:
        return
    open_critical = [
        action.id
        for action in pm.actions
        if policy.is_critical_priority(action.priority) and not policy.is_terminal(action.status, action.priority)
    ]
    if not open_critical:
        return
    if pm.reviews:
        reference = max(review.date for review in pm.reviews)
        since = f"was last reviewed on {reference}"
    else:
        stamp = pm.incident.resolved_at or pm.incident.started_at
        reference = local_date(stamp, zone(policy.timezone))
        since = f"has not been reviewed since the incident ({reference})"
    days = (ctx.as_of - reference).days
    # The first review has its own deadline when the policy sets one; later ones follow the cadence.
    first = not pm.reviews and level.postmortem_review_within_days is not None
    limit = level.postmortem_review_within_days if first else level.review_every_days
    assert limit is not None
    if days <= limit:
        return
    cadence = (
        f"a {pm.severity} postmortem is first reviewed within {limit} days"
        if first
        else f"{pm.severity} is reviewed every {limit} days"
    )
    yield Violation(
        CODE,
        # An empty `reviews: []` is still the place to add the entry.
        ("reviews",) if "reviews" in pm.raw else (),
        f"postmortem {pm.id} has open critical actions ({', '.join(open_critical)}) and {since}, "
        f"{days} days ago; {cadence}",
        hint="discuss it at the next governance review and add a `reviews:` entry with the date",
    )
