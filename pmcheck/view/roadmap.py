"""Prevention roadmap: open prevent, detect and mitigate actions by due month."""

from __future__ import annotations

import datetime as dt

from pmcheck.markdown import Markdown, code, escape
from pmcheck.policy import Policy
from pmcheck.view.lifetimes import Life
from pmcheck.view.records import RoadmapMonth, RoadmapRow
from pmcheck.view.text import due_cell, owner_cell

ROADMAP_TYPES = ("prevent", "detect", "mitigate")


def roadmap(lives: list[Life], policy: Policy, as_of: dt.date) -> tuple[RoadmapMonth, ...]:
    groups: dict[tuple[int, int] | None, list[Life]] = {}
    for life in lives:
        if life.terminal or life.action.type not in ROADMAP_TYPES:
            continue
        due = life.action.due
        groups.setdefault((due.year, due.month) if due else None, []).append(life)
    months: list[RoadmapMonth] = []
    for key in sorted(groups, key=lambda k: k if k is not None else (10**6, 0)):
        members = sorted(
            groups[key],
            key=lambda life: (life.action.due or dt.date.max, policy.priority_rank(life.action.priority), life.action.id),
        )
        label = dt.date(key[0], key[1], 1).strftime("%B %Y") if key else "No due date"
        if key is not None and (key[0], key[1]) < (as_of.year, as_of.month):
            label += " (overdue)"
        months.append(
            RoadmapMonth(
                label=label,
                rows=tuple(
                    RoadmapRow(
                        due=due_cell(life.action.due, as_of),
                        action=Markdown(f"{code(life.action.id)} {escape(life.action.priority)} · {escape(life.action.title)}"),
                        type=life.action.type,
                        owner=owner_cell(life.action),
                        status=life.action.status,
                    )
                    for life in members
                ),
            )
        )
    return tuple(months)
