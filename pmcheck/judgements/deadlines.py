"""Due dates: when an action is overdue, the SLO limit of its due date, and how a move was recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pmcheck.context import Context
from pmcheck.dates import add_days, local_date
from pmcheck.judgements.audit_trail import appended
from pmcheck.model import Action, Postmortem, parse_date, zone


def days_overdue(due: dt.date | None, day: dt.date) -> int:
    """How many days past ``due`` ``day`` is: 1 on the day after it; 0 on or before it, or undated."""
    return max((day - due).days, 0) if due is not None else 0


def is_overdue(due: dt.date | None, day: dt.date) -> bool:
    """Whether an open action due on ``due`` is overdue on ``day``: from the day after the due date.

    Whether the action is still open is the caller's question (``Policy.is_terminal``, or an
    action's life in the log); this is the one place that says where "overdue" starts.
    """
    return days_overdue(due, day) > 0


def clock_start(pm: Postmortem, action: Action, ctx: Context) -> dt.date:
    """The day the priority's SLO clock starts for this action."""
    if ctx.policy.slo_clock_start == "created":
        return action.created
    stamp = pm.incident.resolved_at or pm.incident.started_at
    return local_date(stamp, zone(ctx.policy.timezone))


def slo_limit(pm: Postmortem, action: Action, ctx: Context) -> dt.date | None:
    """The latest due date the priority's SLO allows; None for a priority the policy lacks."""
    level = ctx.policy.priorities.get(action.priority)
    if level is None:
        return None
    return add_days(clock_start(pm, action, ctx), level.slo_days)


@dataclass(frozen=True)
class Move:
    """A due date that differs between two versions of an action, and how it was recorded."""

    old: dt.date
    new: dt.date
    # "recorded", "unrecorded", or "self-approved" (recorded, but approved by the owner).
    verdict: str

    @property
    def recorded(self) -> bool:
        return self.verdict == "recorded"


def judge_move(base: Mapping[str, Any], head: Mapping[str, Any], critical: bool) -> Move | None:
    """How the move of ``due`` from ``base`` to ``head`` was recorded; None when it did not move.

    The entries ``head`` appended must chain from the old date to the new one (several moves in
    one change are fine). Adding a first due date, or dropping one, is not a move.
    """
    old, new = parse_date(base.get("due")), parse_date(head.get("due"))
    if old is None or new is None or old == new:
        return None
    owners = {o for o in (base.get("owner"), head.get("owner")) if isinstance(o, str)}
    current = old
    self_approved = False
    for entry in appended(base, head, "deadline_changes"):
        if not isinstance(entry, Mapping) or parse_date(entry.get("from")) != current:
            continue
        to = parse_date(entry.get("to"))
        if to is None:
            continue
        current = to
        if critical and entry.get("approved_by") in owners:
            self_approved = True
        if current == new:
            return Move(old, new, "self-approved" if self_approved else "recorded")
    return Move(old, new, "unrecorded")
