"""Escalation ladders: which rungs an overdue action has passed, and who each rung names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pmcheck.context import Context
from pmcheck.dates import add_days
from pmcheck.judgements.closure import awaits_verification
from pmcheck.judgements.deadlines import days_overdue, is_overdue
from pmcheck.model import Action, Postmortem
from pmcheck.policy import Rung


@dataclass(frozen=True)
class Step:
    """A rung an overdue action has passed: who should have been told, since when, and if they were."""

    rung: Rung
    person: str | None
    since: dt.date
    satisfied: bool


def rung_person(rung: Rung, pm: Postmortem, action: Action, ctx: Context) -> str | None:
    """Who the rung escalates to, or None when the files do not say."""
    if rung.to == "exec_sponsor":
        return pm.executive_sponsor
    if rung.to == "manager" and ctx.roster is not None:
        return ctx.roster.manager_of(action.owner)
    return None


def passed_rungs(pm: Postmortem, action: Action, ctx: Context) -> list[Step]:
    """The rungs of the action's ladder it has passed as of ``ctx.as_of`` (empty unless overdue).

    Only unfinished work climbs the ladder: a ``done`` action that waits for its verification
    owes a verifier, not an escalation (PM305), so the check and the log both leave it off.
    """
    level = ctx.policy.priorities.get(action.priority)
    due = action.due
    if (
        level is None
        or due is None
        or not is_overdue(due, ctx.as_of)
        or ctx.policy.is_terminal(action.status, action.priority)
        or awaits_verification(action, ctx.policy)
    ):
        return []
    days_over = days_overdue(due, ctx.as_of)
    steps: list[Step] = []
    for rung in level.escalate:
        if days_over < rung.after_days_overdue:
            continue
        person = rung_person(rung, pm, action, ctx)
        if person is not None and person == action.owner:
            # An owner who manages their own team already knows; the ladder's next rung still applies.
            continue
        satisfied = any(
            e.date >= due and (e.to == person if person is not None else e.level == rung.to)
            for e in action.escalations
        )
        # Day 0 of a ladder is the first overdue day, the day after `due`.
        since = add_days(due, max(rung.after_days_overdue, 1))
        steps.append(Step(rung, person, since, satisfied))
    return steps
