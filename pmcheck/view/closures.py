"""Closure decisions: actions that became terminal in the trend window."""

from __future__ import annotations

import datetime as dt

from pmcheck.markdown import Markdown, code, escape
from pmcheck.view.lifetimes import Life
from pmcheck.view.records import ClosureRow
from pmcheck.view.text import DASH


def closures(lives: list[Life], start: dt.date, as_of: dt.date) -> tuple[ClosureRow, ...]:
    rows: list[ClosureRow] = []
    for life in lives:
        if not life.terminal or life.closed is None or not start <= life.closed <= as_of:
            continue
        action = life.action
        decided: Markdown
        if action.closure is not None:
            outcome = f"{action.status}: {action.closure.decision}"
            if action.closure.superseded_by:
                outcome += f" by {action.closure.superseded_by}"
            decided = code(action.closure.decided_by) if action.closure.decided_by else Markdown(DASH)
        elif action.verification is not None:
            outcome = f"{action.status} ({action.verification.result})"
            decided = Markdown(f"verified by {code(action.verification.by)}")
        else:
            outcome = action.status
            decided = Markdown(DASH)
        types = sorted({e.type for e in action.evidence})
        evidence = f"{len(action.evidence)} ({', '.join(types)})" if types else "none"
        rows.append(
            ClosureRow(
                date=life.closed,
                action=Markdown(f"{code(action.id)} {escape(action.priority)} · {escape(action.title)}"),
                outcome=outcome,
                evidence=evidence,
                decided_by=decided,
            )
        )
    rows.sort(key=lambda r: (-r.date.toordinal(), str(r.action)))
    return tuple(rows)
