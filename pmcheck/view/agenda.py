"""Review agenda: open actions of critical postmortems, grouped by postmortem, most urgent first.

Each postmortem's heading line carries what the chair needs before its rows: severity, owner,
sponsor, the last review and when the next one is due. Rows are short; what is wrong with an
action is said in words in its flags, judged as the rules judge it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pmcheck.context import Context
from pmcheck.dates import add_days, local_date
from pmcheck.judgements import is_overdue
from pmcheck.markdown import Markdown, code, emphasis, escape
from pmcheck.model import Postmortem, zone
from pmcheck.policy import Policy
from pmcheck.view.escalations import escalation_state, waived_until
from pmcheck.view.lifetimes import Life
from pmcheck.view.records import AgendaGroup, AgendaRow
from pmcheck.view.text import DASH, day, due_cell, owner_cell, owner_flag


def review_due(pm: Postmortem, policy: Policy) -> tuple[dt.date | None, dt.date | None]:
    """(last review, next review due) as PM401 counts them; None when the severity is unknown."""
    level = policy.severities.get(pm.severity)
    last = max((review.date for review in pm.reviews), default=None)
    if level is None:
        return last, None
    if last is not None:
        return last, add_days(last, level.review_every_days)
    stamp = pm.incident.resolved_at or pm.incident.started_at
    start = local_date(stamp, zone(policy.timezone))
    limit = level.postmortem_review_within_days
    return None, add_days(start, limit if limit is not None else level.review_every_days)


def _flags(life: Life, ctx: Context, unescalated: frozenset[str]) -> Markdown:
    action, policy = life.action, ctx.policy
    flags: list[str] = []
    if (who := owner_flag(action, ctx.roster)) is not None:
        flags.append(who)
    # A done action that is not terminal waits for its verification, not for work (PM305).
    if is_overdue(action.due, ctx.as_of) and action.status != "done":
        flags.append("overdue")
    state = escalation_state(life, ctx)
    if state is not None and state.missing:
        # Said as the check decided it: reported, waived, or (rule turned off) not flagged.
        if action.id in unescalated:
            flags.append("escalation missing")
        elif waived_until(life, unescalated) is not None:
            flags.append("escalation waived")
    level = policy.priorities.get(action.priority)
    if action.status == "done" and level is not None and level.requires_verification:
        flags.append("awaiting verification")
    if action.status == "done" and not action.evidence:
        flags.append("no evidence")
    return Markdown(", ".join(f"**{flag}**" for flag in flags)) if flags else Markdown(DASH)


def agenda(lives: list[Life], ctx: Context, unescalated: frozenset[str]) -> tuple[AgendaGroup, ...]:
    policy, as_of = ctx.policy, ctx.as_of
    groups: dict[str, list[tuple[tuple[Any, ...], AgendaRow]]] = {}
    pms: dict[str, Postmortem] = {}
    for life in lives:
        action, pm = life.action, life.pm
        if life.terminal or not policy.is_critical_severity(pm.severity):
            continue
        due = action.due
        over = (as_of - due).days if due is not None else 0
        key = (policy.priority_rank(action.priority), -over, due or dt.date.max, action.id)
        row = AgendaRow(
            action=Markdown(f"{code(action.id)} {escape(action.title)}"),
            priority=action.priority,
            owner=owner_cell(action),
            due=due_cell(due, as_of),
            status=action.status,
            flags=_flags(life, ctx, unescalated),
        )
        groups.setdefault(pm.id, []).append((key, row))
        pms[pm.id] = pm
    out: list[tuple[tuple[Any, ...], AgendaGroup]] = []
    for pm_id, rows in groups.items():
        rows.sort(key=lambda r: r[0])
        pm = pms[pm_id]
        last, upcoming = review_due(pm, policy)
        if upcoming is None:
            next_review = Markdown(DASH)
        elif upcoming < as_of:
            next_review = Markdown(f"{day(upcoming)} **review overdue**")
        else:
            next_review = day(upcoming)
        group = AgendaGroup(
            postmortem=code(pm.id),
            title=pm.title,
            severity=pm.severity,
            owner=code(pm.owner) if pm.owner else emphasis("no owner"),
            sponsor=code(pm.executive_sponsor) if pm.executive_sponsor else emphasis("no sponsor"),
            last_review=day(last) if last is not None else Markdown("none yet"),
            next_review=next_review,
            rows=tuple(row for _, row in rows),
        )
        # The postmortem whose most urgent action is most urgent comes first.
        out.append(((rows[0][0], policy.severity_rank(pm.severity), pm_id), group))
    out.sort(key=lambda g: g[0])
    return tuple(group for _, group in out)
