"""Two incidents look like the same failure, and neither postmortem links the other.

## What it does
Looks across the whole repository for postmortems that share the `workflow` (or a service from
`services`) **and** a failure mode, with incidents starting within `repeat_window_days` of each
other (default 180). When neither lists the other in `related_incidents`, the newer postmortem is
reported, naming the nearest earlier match. A newer postmortem that links any earlier incident of
the same workflow or service and failure mode inside the window (or is linked from one) is
considered traced: repeats are usually recorded as a chain, each linking its predecessor.

## Why it matters
A repeat failure is the strongest signal that a fix did not land or did not work. Linking the
postmortems lets the operating log show the recurrence, lets PM502 check whether the earlier fix
was still open, and stops a review from treating the same failure as news.

## Example
```yaml
# file: PM-2026-001.yaml
id: PM-2026-001
---
id: PM-2026-002
title: Support assistant promised refunds outside the 30-day window
incident:
  started_at: 2026-06-10T08:00:00Z
  resolved_at: 2026-06-10T11:00:00Z
```

## Use instead
```yaml
# file: PM-2026-001.yaml
id: PM-2026-001
---
id: PM-2026-002
title: Support assistant promised refunds outside the 30-day window
incident:
  started_at: 2026-06-10T08:00:00Z
  resolved_at: 2026-06-10T11:00:00Z
related_incidents:
  - {id: PM-2026-001, relation: related}
```

## Options
`repeat_window_days` in `pmcheck.yaml` (default 180).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from pmcheck.context import Context, Corpus
from pmcheck.dates import local_date
from pmcheck.findings import Severity, Violation
from pmcheck.model import zone
from pmcheck.summary import Summary

CODE = "PM501"
NAME = "unlinked-repeat-failure"
SEVERITY = Severity.WARNING
SCOPE = "corpus"
READS = ("workflow", "services", "failure_modes", "incident.started_at", "related_incidents")

# (("workflow" | "service", name), failure mode)
Key = tuple[tuple[str, str], str]


def _keys(pm: Summary) -> set[Key]:
    places = {("service", s) for s in pm.services}
    if pm.workflow:
        places.add(("workflow", pm.workflow))
    return {(place, mode) for place in places for mode in pm.failure_modes}


def check(corpus: Corpus, ctx: Context) -> Iterator[Violation]:
    tz = zone(ctx.policy.timezone)
    window = ctx.policy.repeat_window_days
    start: dict[str, dt.date] = {}
    neighbours: dict[str, set[str]] = defaultdict(set)
    buckets: dict[Key, list[Summary]] = defaultdict(list)
    # Only a file loaded in full can be reported on (a check of one file reads the others'
    # summaries): only the buckets that hold one are ordered and walked.
    loaded = {document.path for document in corpus.documents}
    wanted: set[Key] = set()
    # Every file's summary, loaded in full or not: a repeat is judged against the whole repository.
    for pm in corpus.postmortem_summaries:
        assert pm.id is not None and pm.started is not None
        # A duplicated id is PM005's finding; the first file keeps the id here.
        if pm.id in start:
            continue
        start[pm.id] = local_date(pm.started, tz)
        for link in pm.links:
            neighbours[pm.id].add(link)
            neighbours[link].add(pm.id)
        keys = _keys(pm)
        for key in keys:
            buckets[key].append(pm)
        if pm.path in loaded:
            wanted |= keys

    reported: dict[tuple[str, str], tuple[Summary, Key]] = {}
    # Workflow keys first, so a pair found through both is named by its workflow.
    for key in sorted(wanted, key=lambda k: (k[0][0] != "workflow", k)):
        bucket = sorted(buckets[key], key=lambda pm: (start[pm.id], pm.id))  # type: ignore[index]
        position = {pm.id: n for n, pm in enumerate(bucket)}
        for n in range(1, len(bucket)):
            newer, older = bucket[n], bucket[n - 1]
            assert newer.id is not None and older.id is not None
            if (newer.id, older.id) in reported or (start[newer.id] - start[older.id]).days > window:
                continue
            # Only the nearest earlier match is reported, and only when no earlier match in the
            # window is linked: the work per postmortem is its own links, not the bucket's size.
            traced = any(
                position.get(other, n) < n and (start[newer.id] - start[other]).days <= window
                for other in neighbours[newer.id]
            )
            if not traced:
                reported[(newer.id, older.id)] = (newer, key)

    for (newer_id, older_id), (newer, key) in sorted(reported.items()):
        (kind, place), mode = key
        days = (start[newer_id] - start[older_id]).days
        yield Violation(
            CODE,
            ("related_incidents",) if newer.has_links_key else (),
            f"postmortem {newer_id} repeats {older_id} ({kind} {place}, failure mode {mode}, "
            f"{days} days apart) and neither links the other",
            hint=f"add `{{id: {older_id}, relation: recurrence}}` (or `related`) to `related_incidents`",
            path=newer.path,
            postmortem=newer_id,
        )
