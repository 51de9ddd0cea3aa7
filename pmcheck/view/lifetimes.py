"""One action's life: when it was open and what its due date was on any day, worked out once.

The weekly series of the trend read every action's life on every week-end; working the life
out once keeps the view linear in the number of actions.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from pmcheck.judgements import closed_on, is_overdue
from pmcheck.model import Action, Postmortem
from pmcheck.policy import Policy


@dataclass(frozen=True)
class Life:
    """When an action was open and what its due date was on any day, worked out once."""

    pm: Postmortem
    action: Action
    critical: bool
    terminal: bool
    created: dt.date
    # The day it became terminal; None while open. Terminal with no date: closed before
    # anything the log looks at.
    closed: dt.date | None
    moves: tuple[tuple[dt.date, dt.date], ...]  # (recorded on, new due), by date
    first_due: dt.date | None

    def open_on(self, day: dt.date) -> bool:
        if self.created > day:
            return False
        if not self.terminal:
            return True
        return self.closed is not None and self.closed > day

    def due_on(self, day: dt.date) -> dt.date | None:
        """The due date in force on ``day``, from the recorded deadline changes."""
        n = bisect.bisect_right(self.moves, (day, dt.date.max))
        return self.moves[n - 1][1] if n else self.first_due

    def overdue_on(self, day: dt.date) -> bool:
        due = self.due_on(day)
        return is_overdue(due, day) and self.open_on(day)



def life_of(pm: Postmortem, action: Action, policy: Policy) -> Life:
    moves = sorted(action.deadline_changes, key=lambda c: c.date)
    terminal = policy.is_terminal(action.status, action.priority)
    return Life(
        pm=pm,
        action=action,
        critical=policy.is_critical_priority(action.priority),
        terminal=terminal,
        created=action.created,
        closed=closed_on(action, policy),
        moves=tuple((c.date, c.to_date) for c in moves),
        first_due=moves[0].from_date if moves else action.due,
    )
