"""The incident's timestamps are not in the order started, detected, mitigated, resolved.

## What it does
Reports an `incident` timestamp that is earlier than the one before it in
`started_at` <= `detected_at` <= `mitigated_at` <= `resolved_at` (timestamps that are left out
are skipped, so `resolved_at` is compared with `mitigated_at`, else `detected_at`, else
`started_at`). Offsets are taken into account: `10:00+02:00` is before `09:00Z`.

## Why it matters
Time to detect, time to mitigate and time to resolve are computed from these fields, and the
SLO clock of every action starts at `resolved_at`. A typo that puts detection before the start
produces negative durations in reports and moves every deadline.

## Example
```yaml
incident:
  started_at: 2026-06-01T09:00:00Z
  detected_at: 2026-06-01T08:20:00Z
  mitigated_at: 2026-06-01T10:00:00Z
  resolved_at: 2026-06-01T12:00:00Z
```

## Use instead
```yaml
incident:
  started_at: 2026-06-01T09:00:00Z
  detected_at: 2026-06-01T09:20:00Z
  mitigated_at: 2026-06-01T10:00:00Z
  resolved_at: 2026-06-01T12:00:00Z
```

## Options
None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Postmortem

CODE = "PM007"
NAME = "timestamps-out-of-order"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("incident",)

ORDER = ("started_at", "detected_at", "mitigated_at", "resolved_at")


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    previous: tuple[str, dt.datetime] | None = None
    for key in ORDER:
        stamp: dt.datetime | None = getattr(pm.incident, key)
        if stamp is None:
            continue
        if previous is not None and stamp < previous[1]:
            before = previous[0]
            written = pm.raw.get("incident", {})
            yield Violation(
                CODE,
                ("incident", key),
                f"incident.{key} {written.get(key)} is earlier than incident.{before} {written.get(before)}",
                hint=f"fix the timestamp (or its offset): {key} must not be before {before}",
                postmortem=pm.id,
            )
        previous = (key, stamp)
