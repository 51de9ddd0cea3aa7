"""Closure decisions: actions that became terminal in the trend window."""

from __future__ import annotations

import datetime as dt

from pmcheck.view.lifetimes import Life
from pmcheck.view.records import ClosureRow
from pmcheck.view.text import DASH


def closures(lives: list[Life], start: dt.date, as_of: dt.date) -> tuple[ClosureRow, ...]:
    rows: list[ClosureRow] = []
    for life in lives:
        if not life.terminal or life.closed is None or not start <= life.closed <= as_of:
            continue
        action = life.action
        if action.closure is not None:
            outcome = f"{action.status}: {action.closure.decision}"
            if action.closure.superseded_by:
                outcome += f" by {action.closure.superseded_by}"
            decided = action.closure.decided_by or DASH
        elif action.verification is not None:
            outcome = f"{action.status} ({action.verification.result})"
            decided = f"verified by {action.verification.by}"
        else:
            outcome = action.status
            decided = DASH
        types = sorted({e.type for e in action.evidence})
        evidence = f"{len(action.evidence)} ({', '.join(types)})" if types else "none"
        rows.append(
            ClosureRow(
                date=life.closed,
                action=action.id,
                postmortem=life.pm.id,
                priority=action.priority,
                title=action.title,
                outcome=outcome,
                evidence=evidence,
                decided_by=decided,
            )
        )
    rows.sort(key=lambda r: (-r.date.toordinal(), r.action))
    return tuple(rows)
