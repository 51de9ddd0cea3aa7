"""Risk trend: the weekly series, and what changed against the week before."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from pmcheck.dates import add_days, local_date
from pmcheck.markdown import Markdown
from pmcheck.model import Postmortem, parse_date, zone
from pmcheck.policy import Policy
from pmcheck.view.lifetimes import Life
from pmcheck.view.records import History, RecurrenceRow, Trend, TrendWeek

# Overdue bars in red, the open line in blue: told apart by colour and named in the title.
PALETTE = ("#d73a49", "#0366d6")


def moved_later(old: dt.date | None, new: dt.date | None) -> bool:
    """A due-date change that postpones (unparseable values count: git saw the date move)."""
    return old is None or new is None or new > old


def trend(
    lives: list[Life],
    postmortems: list[Postmortem],
    recurrences: Sequence[RecurrenceRow],
    policy: Policy,
    as_of: dt.date,
    history: History | None,
) -> Trend:
    tz = zone(policy.timezone)
    n = policy.trend_weeks
    first = add_days(as_of, -(7 * n - 1))
    ends = [add_days(as_of, -7 * (n - 1 - i)) for i in range(n)]

    def week(day: dt.date | None) -> int | None:
        """Index of the week holding ``day``; None outside the window."""
        if day is None or day < first or day > as_of:
            return None
        return (day - first).days // 7

    opened, closed, slips, repeats, incidents = ([0] * n for _ in range(5))
    for life in lives:
        if (i := week(life.created)) is not None:
            opened[i] += 1
        if life.terminal and (i := week(life.closed)) is not None:
            closed[i] += 1
        for change in life.action.deadline_changes:
            if change.to_date > change.from_date and (i := week(change.date)) is not None:
                slips[i] += 1
    # Why git history could not be read, besides a shallow clone (``pmcheck.history``).
    unavailable = getattr(history, "unavailable", None)
    if history is not None and not history.shallow and not unavailable:
        for h in history.changes:
            day = local_date(h.date, tz) if isinstance(h.date, dt.datetime) else h.date
            if h.field == "due" and not h.recorded and moved_later(parse_date(str(h.old)), parse_date(str(h.new))):
                if (i := week(day)) is not None:
                    slips[i] += 1
    for pm in postmortems:
        if policy.is_critical_severity(pm.severity) and (i := week(local_date(pm.incident.started_at, tz))) is not None:
            incidents[i] += 1
    for rec in recurrences:
        if (i := week(rec.started)) is not None:
            repeats[i] += 1
    critical = [life for life in lives if life.critical]
    weeks = tuple(
        TrendWeek(
            start=add_days(end, -6),
            end=end,
            label=Markdown(_label(end, ends[i - 1] if i else None)),
            open_critical=sum(1 for life in critical if life.open_on(end)),
            overdue_critical=sum(1 for life in critical if life.overdue_on(end)),
            opened=opened[i],
            closed=closed[i],
            slips=slips[i],
            repeats=repeats[i],
            critical_incidents=incidents[i],
        )
        for i, end in enumerate(ends)
    )
    note: str
    if history is None:
        note = "Deadline slips count the recorded `deadline_changes` that moved a due date later."
    elif history.shallow or unavailable:
        note = f"Deadline slips count recorded `deadline_changes` only: git history unavailable ({unavailable or 'shallow clone'})."
    else:
        note = "Deadline slips count recorded `deadline_changes` and due-date moves git shows without a record."
    critical_severities = [s.name for s in policy.severities.values() if s.critical]
    critical_priorities = [p.name for p in policy.priorities.values() if p.critical]
    return Trend(
        weeks=weeks,
        start=first,
        end=as_of,
        y_max=_axis_top(max([0] + [max(w.open_critical, w.overdue_critical) for w in weeks])),
        critical_severities="/".join(critical_severities) or "critical",
        critical_priorities="/".join(critical_priorities) or "critical",
        changes=changes(weeks, "/".join(critical_severities) or "critical"),
        history_note=Markdown(note),
        palette=Markdown(", ".join(PALETTE)),
    )


def _label(end: dt.date, before: dt.date | None) -> str:
    """A week's label on the chart: the year only on the first week and where it changes."""
    if before is None or before.year != end.year:
        return f"{end:%b} {end.day} '{end:%y}"
    return f"{end:%b} {end.day}"


def _axis_top(top: int) -> int:
    """The y-axis maximum: room above the tallest bar or point so Mermaid never clips it."""
    return max(2, top + max(1, math.ceil(top / 5)))


def changes(weeks: Sequence[TrendWeek], severities: str) -> tuple[str, ...]:
    """What changed against the week before, in words: "overdue critical actions rose from 0 to 1"."""
    if len(weeks) < 2:
        return ()
    before, now = weeks[-2], weeks[-1]
    series = (
        ("open critical actions", "open_critical"),
        ("overdue critical actions", "overdue_critical"),
        ("actions opened", "opened"),
        ("actions closed", "closed"),
        ("deadline slips", "slips"),
        ("repeat failures", "repeats"),
        (f"{severities} incidents", "critical_incidents"),
    )
    out = []
    for label, attr in series:
        a, b = getattr(before, attr), getattr(now, attr)
        if b != a:
            out.append(f"{label} {'rose' if b > a else 'fell'} from {a} to {b}")
    return tuple(out)
