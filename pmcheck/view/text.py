"""Words the sections share: day counts, owners, escalation rungs."""

from __future__ import annotations

from pmcheck.markdown import Markdown, emphasis, escape, join
from pmcheck.model import Action
from pmcheck.policy import Rung

DASH = "—"


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def owner_cell(action: Action) -> str:
    raw = action.owner_raw
    if isinstance(raw, list):
        return Markdown(f"{join([str(p) for p in raw])} {emphasis('(several owners)')}")
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    team = f" (team {escape(action.team)})" if action.team else ""
    return Markdown(emphasis("no owner") + team)



def rung_words(rung: Rung) -> str:
    if rung.after_days_overdue == 0:
        return f"{rung.to} when overdue"
    return f"{rung.to} after {days(rung.after_days_overdue)} overdue"
