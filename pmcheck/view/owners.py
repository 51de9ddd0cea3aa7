"""Owner load: open and overdue actions per owner, so the review sees who is overloaded."""

from __future__ import annotations

import datetime as dt

from pmcheck.judgements import is_overdue
from pmcheck.markdown import BR, Markdown, code, join
from pmcheck.people import Roster
from pmcheck.view.lifetimes import Life
from pmcheck.view.records import OwnerLoad
from pmcheck.view.text import DASH, owner_cell


def owner_load(lives: list[Life], roster: Roster | None, as_of: dt.date) -> tuple[OwnerLoad, ...]:
    groups: dict[str, list[Life]] = {}
    cells: dict[str, Markdown] = {}
    for life in lives:
        if life.terminal:
            continue
        cell = owner_cell(life.action)
        # One row per owner as written: a list or a missing owner is its own row, as the
        # agenda flags it, instead of being split or dropped.
        groups.setdefault(cell, []).append(life)
        cells[cell] = cell
    rows: list[OwnerLoad] = []
    for key, members in groups.items():
        # A done action awaiting verification is not late work (PM305 has it, not PM205).
        overdue = sorted(
            (m for m in members if is_overdue(m.action.due, as_of) and m.action.status != "done"),
            key=lambda m: (m.action.due, m.action.id),
        )
        owner = members[0].action.owner
        person = roster.get(owner) if roster is not None and owner else None
        teams = sorted({m.action.team for m in members if m.action.team})
        team = person.team if person is not None and person.team else ", ".join(teams) or DASH
        rows.append(
            OwnerLoad(
                owner=cells[key],
                team=team,
                open=len(members),
                overdue=len(overdue),
                critical=sum(1 for m in members if m.critical),
                actions=join([code(m.action.id) for m in overdue], BR) if overdue else Markdown(DASH),
            )
        )
    rows.sort(key=lambda r: (-r.overdue, -r.critical, -r.open, str(r.owner)))
    return tuple(rows)
