"""The records the log's template reads: frozen, already sorted, already in words.

Strings the view built from escaped parts are ``Markdown``; every other string is escaped when
printed (``pmcheck.markdown.finalize``), so the template never has to remember to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pmcheck.markdown import Markdown


class HistoryChange(Protocol):
    """One due-date or owner change found in git (``pmcheck.history``)."""

    @property
    def date(self) -> dt.date | dt.datetime: ...
    @property
    def action(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def old(self) -> Any: ...
    @property
    def new(self) -> Any: ...
    @property
    def recorded(self) -> bool: ...


class History(Protocol):
    @property
    def shallow(self) -> bool: ...
    @property
    def changes(self) -> Sequence[HistoryChange]: ...



@dataclass(frozen=True)
class SeverityRow:
    name: str
    critical: str
    review_every: str
    postmortem_review_within: str
    default_priority: str


@dataclass(frozen=True)
class PriorityRow:
    name: str
    critical: str
    slo: str
    verification: str
    escalation: str
    max_extensions: str
    done_closes: str


@dataclass(frozen=True)
class PolicyView:
    source: str
    timezone: str
    slo_clock_start: Markdown
    severities: tuple[SeverityRow, ...]
    priorities: tuple[PriorityRow, ...]
    closure_criteria: tuple[Markdown, ...]
    due_soon_days: int
    repeat_window_days: int
    waiver_max_days: int
    # The same three in words ("1 day", "2 days") for the sentence that states them.
    due_soon: str
    repeat_window: str
    waiver_max: str


@dataclass(frozen=True)
class Counts:
    postmortems: int
    invalid_files: int
    actions: int
    open_actions: int
    open_critical: int
    overdue: int
    overdue_critical: int
    errors: int
    warnings: int
    infos: int


@dataclass(frozen=True)
class AgendaRow:
    action: str
    postmortem: str
    severity: str
    priority: str
    title: str
    owner: str
    due: str
    days: str
    status: str
    evidence: int
    escalation: str


@dataclass(frozen=True)
class TrendWeek:
    start: dt.date
    end: dt.date
    label: Markdown
    open_critical: int
    overdue_critical: int
    opened: int
    closed: int
    slips: int
    repeats: int
    critical_incidents: int


@dataclass(frozen=True)
class Trend:
    weeks: tuple[TrendWeek, ...]
    start: dt.date
    end: dt.date
    y_max: int
    critical_severities: str
    critical_priorities: str
    directions: tuple[str, ...]
    history_note: Markdown


@dataclass(frozen=True)
class EscalationRow:
    action: str
    postmortem: str
    priority: str
    owner: str
    due: dt.date
    days_over: int
    rung: str
    escalate_to: str
    sponsor: str
    escalated_on: str
    plan_updated: str
    state: str


@dataclass(frozen=True)
class ClosureRow:
    date: dt.date
    action: str
    postmortem: str
    priority: str
    title: str
    outcome: str
    evidence: str
    decided_by: str


@dataclass(frozen=True)
class RoadmapRow:
    action: str
    postmortem: str
    type: str
    priority: str
    title: str
    owner: str
    due: str
    status: str


@dataclass(frozen=True)
class RoadmapMonth:
    label: str
    rows: tuple[RoadmapRow, ...]


@dataclass(frozen=True)
class RecurrenceRow:
    postmortem: str
    started: dt.date
    earlier: str
    earlier_started: dt.date
    days_apart: int
    shared: str
    fix_not_shipped: Markdown


@dataclass(frozen=True)
class FlaggedRepeat:
    code: Markdown
    postmortem: str
    message: str


@dataclass(frozen=True)
class IndexRow:
    id: Markdown
    title: str
    severity: str
    status: str
    started: dt.date
    open_actions: int
    actions: int
    findings: int


@dataclass(frozen=True)
class InvalidFile:
    path: str
    codes: str


@dataclass(frozen=True)
class FindingRow:
    code: Markdown
    name: str
    severity: str
    count: int


@dataclass(frozen=True)
class LogView:
    as_of: dt.date
    marker: Markdown
    counts: Counts
    policy: PolicyView
    findings: tuple[FindingRow, ...]
    agenda: tuple[AgendaRow, ...]
    trend: Trend
    escalations: tuple[EscalationRow, ...]
    closures: tuple[ClosureRow, ...]
    roadmap: tuple[RoadmapMonth, ...]
    recurrences: tuple[RecurrenceRow, ...]
    flagged_repeats: tuple[FlaggedRepeat, ...]
    index: tuple[IndexRow, ...]
    invalid: tuple[InvalidFile, ...]


def marker(as_of: dt.date) -> Markdown:
    """The comment that records the as-of date in the log (``render --check`` reads it back)."""
    return Markdown(f"<!-- pmcheck:as-of {as_of.isoformat()} -->")
