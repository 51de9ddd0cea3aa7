"""An incident recurred while the earlier postmortem's fix for that failure was still open.

## What it does
For each `related_incidents` entry with `relation: recurrence` (postmortem A says it is a
recurrence of B), looks at B's `prevent` and `mitigate` actions for a failure mode A shares: an
action counts when it `addresses` a contributing factor of B whose category is one of A's
`failure_modes`, or, when it addresses nothing, when B's `failure_modes` share one with A's. A
link only counts when A's incident started after B's (a link back from B to A is no repeat). The
link is reported when any such action was not terminal on the day A's incident started: it is
still open, or it was completed (`verification.at`, else `completed_at`) or closed
(`closure.decided_at`) after that day.

## Why it matters
"Known fix not shipped" is the most expensive kind of repeat: the organisation had already found
the cause and agreed what to do. These links tell the review which overdue prevention work turned
into a second incident, and give the escalation its evidence.

## Example
```yaml
# file: PM-2026-001.yaml
id: PM-2026-001
---
id: PM-2026-002
title: Support assistant again quoted a refund policy that does not exist
incident:
  started_at: 2026-06-10T08:00:00Z
  resolved_at: 2026-06-10T11:00:00Z
related_incidents:
  - {id: PM-2026-001, relation: recurrence}
```

## Use instead
```yaml
# file: PM-2026-001.yaml
id: PM-2026-001
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: done
    completed_at: 2026-06-05
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
    evidence:
      - type: pull_request
        url: https://git.example.com/ml/prompt-pipeline/pull/88
---
id: PM-2026-002
title: Support assistant again quoted a refund policy that does not exist
incident:
  started_at: 2026-06-10T08:00:00Z
  resolved_at: 2026-06-10T11:00:00Z
related_incidents:
  - {id: PM-2026-001, relation: recurrence}
```

## Options
`priorities.<P>.done_is_terminal` in `pmcheck.yaml` decides whether `done` is enough.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context, Corpus
from pmcheck.dates import local_date
from pmcheck.findings import Severity, Violation, first_few
from pmcheck.judgements import unshipped_fixes
from pmcheck.model import zone

CODE = "PM502"
NAME = "repeat-with-open-fix"
SEVERITY = Severity.ERROR
SCOPE = "corpus"
READS = (
    "failure_modes",
    "incident.started_at",
    "related_incidents",
    "contributing_factors",
    "actions.type",
    "actions.status",
    "actions.priority",
    "actions.addresses",
    "actions.completed_at",
    "actions.verification",
    "actions.closure",
)


def check(corpus: Corpus, ctx: Context) -> Iterator[Violation]:
    tz = zone(ctx.policy.timezone)
    for pm in corpus.postmortems:
        started = local_date(pm.incident.started_at, tz)
        for link in pm.related_incidents:
            earlier = corpus.find(link.id)
            if link.relation != "recurrence" or earlier is None or earlier.id == pm.id:
                continue
            # Teams link recurrences both ways; only the later incident can repeat the earlier.
            if earlier.incident.started_at >= pm.incident.started_at:
                continue
            unshipped = unshipped_fixes(earlier, pm, ctx.policy)
            open_fixes = [action.id for action, _ in unshipped]
            shared = set().union(*(covered for _, covered in unshipped))
            if not open_fixes:
                continue
            yield Violation(
                CODE,
                link.at,
                f"postmortem {pm.id} is a recurrence of {earlier.id}, whose fix{'es' if len(open_fixes) > 1 else ''} "
                f"{first_few(open_fixes)} for {', '.join(sorted(shared))} "
                f"{'were' if len(open_fixes) > 1 else 'was'} not finished when this incident started on {started}",
                hint=f"escalate the open fix in {earlier.id} and review why it had not shipped",
                path=pm.path,
                postmortem=pm.id,
            )
