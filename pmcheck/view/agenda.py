"""Review agenda: open actions of critical postmortems, most urgent first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pmcheck.context import Context
from pmcheck.judgements import is_overdue
from pmcheck.markdown import Markdown, emphasis
from pmcheck.view.escalations import escalation_state
from pmcheck.view.lifetimes import Life
from pmcheck.view.records import AgendaRow
from pmcheck.view.text import DASH, days, owner_cell


def agenda(lives: list[Life], ctx: Context) -> tuple[AgendaRow, ...]:
    policy, as_of = ctx.policy, ctx.as_of
    rows: list[tuple[tuple[Any, ...], AgendaRow]] = []
    for life in lives:
        action, pm = life.action, life.pm
        if life.terminal or not policy.is_critical_severity(pm.severity):
            continue
        due = action.due
        over = (as_of - due).days if due is not None else 0
        if due is None:
            left = "no due date"
        elif is_overdue(due, as_of):
            left = f"{days(over)} over"
        elif over == 0:
            left = "due today"
        else:
            left = f"{days(-over)} left"
        state = escalation_state(life, ctx)
        if action.escalations:
            latest = max(action.escalations, key=lambda e: e.date)
            escalation = f"{latest.level} {latest.to} on {latest.date.isoformat()}"
        else:
            escalation = DASH
        if state is not None and state.missing:
            escalation = Markdown(emphasis(f"missing: {state.rung}"))
        key = (policy.priority_rank(action.priority), -over, due or dt.date.max, action.id)
        rows.append(
            (
                key,
                AgendaRow(
                    action=action.id,
                    postmortem=pm.id,
                    severity=pm.severity,
                    priority=action.priority,
                    title=action.title,
                    owner=owner_cell(action),
                    due=due.isoformat() if due else DASH,
                    days=left,
                    status=action.status,
                    evidence=len(action.evidence),
                    escalation=escalation,
                ),
            )
        )
    rows.sort(key=lambda r: r[0])
    return tuple(row for _, row in rows)
