"""A reviewed, published or closed postmortem has no approval from someone other than its owner.

## What it does
Reports a postmortem whose status is `reviewed`, `published` or `closed` when no person other than
the postmortem `owner` has `decision: approved` as their latest decision in `approvers`.

## Why it matters
Review is where someone outside the incident challenges the root cause and the actions. A
postmortem that moves past review with no approval, or approved only by its own author, has not
been reviewed at all.

## Example
```yaml
status: reviewed
approvers:
  - {person: alice.ng, decision: approved, at: 2026-06-12T10:00:00Z}
```

## Use instead
```yaml
status: reviewed
approvers:
  - {person: carol.wu, decision: changes_requested, at: 2026-06-10T10:00:00Z}
  - {person: carol.wu, decision: approved, at: 2026-06-12T10:00:00Z}
```

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Approval, Postmortem

CODE = "PM402"
NAME = "missing-approval"
SEVERITY = Severity.ERROR
SCOPE = "document"
# With the owner unknown, only "nobody approved it" can be judged, which is what the check does then.
READS = ("status", "?owner", "approvers")

PAST_REVIEW = frozenset({"reviewed", "published", "closed"})


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    if pm.status not in PAST_REVIEW:
        return
    latest: dict[str, Approval] = {}
    # A later "changes_requested" withdraws an earlier approval by the same person.
    for approval in sorted(pm.approvers, key=lambda a: (a.date, a.at)):
        latest[approval.person] = approval
    if any(a.decision == "approved" and person != pm.owner for person, a in latest.items()):
        return
    owner_only = any(a.decision == "approved" for a in latest.values())
    detail = f"only its owner {pm.owner} approved it" if owner_only else "nobody approved it"
    yield Violation(
        CODE,
        ("approvers",) if "approvers" in pm.raw else ("status",),
        f"postmortem {pm.id} is {pm.status} but {detail}",
        hint="have an approver other than the owner add `{person, decision: approved, at}` under `approvers:`",
    )
