"""Escalations: overdue actions past a rung of their ladder, judged as PM206 judges them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pmcheck.context import Context
from pmcheck.judgements import days_overdue, passed_rungs
from pmcheck.markdown import BR, Markdown, code, emphasis, escape
from pmcheck.view.lifetimes import Life
from pmcheck.view.records import EscalationRow
from pmcheck.view.text import DASH, day, due_cell, owner_cell, rung_words

# overdue-action-not-escalated: the escalation section shows its findings and honours its waivers.
ESCALATION_CODE = "PM206"


@dataclass(frozen=True)
class EscalationState:
    rung: str
    target: str | None
    escalated_on: dt.date | None
    plan_updated: dt.date | None
    missing: bool


def escalation_state(life: Life, ctx: Context) -> EscalationState | None:
    """Where an overdue action stands on its escalation ladder, judged as PM206 judges it."""
    steps = passed_rungs(life.pm, life.action, ctx)
    if not steps:
        return None
    due = life.action.due
    assert due is not None
    dates = [e.date for e in life.action.escalations if e.date >= due]
    escalated_on = max(dates) if dates else None
    plan = [m.date for m in life.pm.mitigation_timeline if escalated_on is not None and m.date >= escalated_on]
    # Name the rungs still owed: a P1 escalated to its sponsor but never to the manager is
    # missing the manager, which is what PM206 reports.
    missing = [step for step in steps if not step.satisfied]
    shown = missing or steps[-1:]
    targets = [step.person for step in shown if step.person is not None]
    return EscalationState(
        rung="; ".join(rung_words(step.rung) for step in shown),
        target=", ".join(targets) if targets else None,
        escalated_on=escalated_on,
        plan_updated=min(plan) if plan else None,
        missing=bool(missing),
    )


def waived_until(life: Life, unescalated: frozenset[str]) -> dt.date | None:
    """The expiry of the waiver that kept PM206 quiet on this action, if one did."""
    if life.action.id in unescalated:
        return None
    waivers = [w.expires for w in (*life.action.waivers, *life.pm.waivers) if w.rule == ESCALATION_CODE]
    return max(waivers) if waivers else None


def escalations(lives: list[Life], ctx: Context, unescalated: frozenset[str]) -> tuple[EscalationRow, ...]:
    policy, as_of = ctx.policy, ctx.as_of
    rows: list[tuple[tuple[Any, ...], EscalationRow]] = []
    for life in lives:
        state = escalation_state(life, ctx)
        if state is None:
            continue
        action, pm = life.action, life.pm
        waived = waived_until(life, unescalated) if state.missing else None
        days_over = days_overdue(action.due, as_of)
        sponsor = code(pm.executive_sponsor) if pm.executive_sponsor else emphasis("no sponsor")
        target = code(state.target) if state.target else emphasis("nobody named")
        if state.escalated_on is None:
            escalated = Markdown(DASH)
        else:
            plan = day(state.plan_updated) if state.plan_updated else emphasis("not updated")
            escalated = Markdown(f"{day(state.escalated_on)}{BR}{plan}")
        if waived:
            # A waiver the check honoured is shown as such, so the log agrees with a green run.
            shown = Markdown(f"missing, PM206 waived until{BR}{day(waived)}")
        else:
            shown = Markdown("**missing**" if state.missing else "escalated")
        row = EscalationRow(
            action=Markdown(f"{code(action.id)} {escape(action.priority)} · {escape(action.title)}"),
            owner=Markdown(f"{owner_cell(action)} / {sponsor}"),
            due=due_cell(action.due, as_of),
            escalate_to=Markdown(f"{target} ({escape(state.rung)})"),
            escalated=escalated,
            state=shown,
        )
        rows.append(((not state.missing, policy.priority_rank(action.priority), -days_over, action.id), row))
    rows.sort(key=lambda r: r[0])
    return tuple(row for _, row in rows)
