"""When an action stopped being open."""

from __future__ import annotations

import datetime as dt

from pmcheck.model import Action
from pmcheck.policy import Policy


def closed_on(action: Action, policy: Policy) -> dt.date | None:
    """The day the action became terminal; None while it is open or when no record dates it.

    The status says which record dates it: the verification for ``verified``, ``completed_at``
    for ``done`` (and a verified action without its verification), the closure decision for
    ``wont_do`` and ``superseded``. What an undated closure means is the caller's choice: the log
    counts it closed before anything it shows; PM502 counts it unshipped.
    """
    if not policy.is_terminal(action.status, action.priority):
        return None
    if action.status == "verified" and action.verification is not None:
        return action.verification.date
    if action.status in ("done", "verified"):
        return action.completed_at
    return action.closure.decided_at if action.closure is not None else None


def awaits_verification(action: Action, policy: Policy) -> bool:
    """A ``done`` action that is not terminal yet: the work is finished, its verification is not.

    Such an action is PM305's alone: it is not due soon, overdue or unescalated *work*.
    """
    return action.status == "done" and not policy.is_terminal(action.status, action.priority)
