"""Words and cells the sections share: day counts, due dates, owners, escalation rungs."""

from __future__ import annotations

import datetime as dt

from pmcheck.judgements import has_no_owner, is_overdue, several_owners
from pmcheck.markdown import BR, Markdown, code, escape, join
from pmcheck.model import Action
from pmcheck.people import Roster
from pmcheck.policy import Rung

DASH = "—"


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def day(date: dt.date | None) -> Markdown:
    """A date as a code span, so it never breaks at its hyphens; a dash when there is none."""
    return code(date.isoformat()) if date is not None else Markdown(DASH)


def due_cell(due: dt.date | None, as_of: dt.date) -> Markdown:
    """The due date and how far it is: "`2026-11-20` 7 days over"."""
    if due is None:
        return Markdown("no due date")
    over = (as_of - due).days
    if is_overdue(due, as_of):
        when = f"{days(over)} over"
    elif over == 0:
        when = "due today"
    else:
        when = f"{days(-over)} left"
    # Non-breaking spaces keep "7 days over" together on the line under the date.
    return Markdown(f"{day(due)}{BR}{when.replace(' ', '&nbsp;')}")


def owner_cell(action: Action) -> Markdown:
    """The owner as written: one person as a code span, several joined, none as a dash and team."""
    raw = action.owner_raw
    if has_no_owner(action):
        return Markdown(DASH + (f" (team {escape(action.team)})" if action.team else ""))
    if isinstance(raw, list):
        return join([code(str(p)) for p in raw if isinstance(p, str) and p.strip()], " and ")
    return code(str(raw).strip())


def owner_flag(action: Action, roster: Roster | None) -> str | None:
    """"no owner" or "several owners", judged as PM101 and PM102 judge it."""
    if has_no_owner(action):
        return "no owner"
    if several_owners(action, roster) is not None:
        return "several owners"
    return None


def rung_words(rung: Rung) -> str:
    if rung.after_days_overdue == 0:
        return f"{rung.to} when overdue"
    return f"{rung.to} after {days(rung.after_days_overdue)} overdue"
