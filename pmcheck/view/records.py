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



# -- header ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    postmortems: int
    invalid_files: int
    actions: int
    open_actions: int
    open_critical: int
    overdue: int
    overdue_critical: int
    missing_escalations: int
    decisions: int
    errors: int
    warnings: int
    infos: int


# -- review agenda ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaRow:
    action: Markdown  # the id as a code span, then the title
    priority: str
    owner: str
    due: Markdown
    status: str
    flags: Markdown


@dataclass(frozen=True)
class AgendaGroup:
    """One postmortem of the agenda: the heading line and its open actions, most urgent first."""

    postmortem: Markdown
    title: str
    severity: str
    owner: Markdown
    sponsor: Markdown
    last_review: Markdown
    next_review: Markdown
    rows: tuple[AgendaRow, ...]


# -- risk trend ------------------------------------------------------------------------------


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
    # What changed against the week before, in words; empty when nothing did.
    changes: tuple[str, ...]
    history_note: Markdown
    palette: Markdown  # the chart's colours, bars then line, as the legend names them


# -- decisions needed ------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """One line the chair reads out: what to decide, about what, and who decides."""

    kind: str  # escalation, overdue, verification, closure, waiver, review
    verb: str
    subject: Markdown
    detail: Markdown
    who: Markdown
    action: str | None
    postmortem: str | None


# -- escalations, closures, roadmap, repeats -------------------------------------------------


@dataclass(frozen=True)
class EscalationRow:
    action: Markdown
    owner: str
    due: Markdown
    escalate_to: Markdown
    escalated: Markdown
    state: Markdown


@dataclass(frozen=True)
class ClosureRow:
    date: dt.date
    action: Markdown
    outcome: str
    evidence: str
    decided_by: Markdown


@dataclass(frozen=True)
class RoadmapRow:
    due: Markdown
    action: Markdown
    type: str
    owner: str
    status: str


@dataclass(frozen=True)
class RoadmapMonth:
    label: str
    rows: tuple[RoadmapRow, ...]


@dataclass(frozen=True)
class RecurrenceRow:
    postmortem: Markdown  # the repeat's id and start date
    started: dt.date
    earlier: Markdown
    earlier_started: dt.date
    days_apart: int
    shared: str
    fix_not_shipped: Markdown


@dataclass(frozen=True)
class FlaggedRepeat:
    code: Markdown
    postmortem: Markdown
    message: str


# -- owner load ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerLoad:
    owner: Markdown
    team: str
    open: int
    overdue: int
    critical: int
    actions: Markdown  # the overdue ones, else the next due


# -- governance findings ---------------------------------------------------------------------


@dataclass(frozen=True)
class FindingLine:
    severity: str
    code: Markdown
    name: str
    where: Markdown  # a link to the file's line, relative to the log's folder
    message: str
    path: str
    line: int


@dataclass(frozen=True)
class FindingGroup:
    """The findings of one postmortem (or of one file that did not load)."""

    title: Markdown
    lines: tuple[FindingLine, ...]


@dataclass(frozen=True)
class FindingRow:
    code: Markdown
    name: str
    severity: str
    count: int


# -- postmortem index ------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexRow:
    id: Markdown
    title: str
    severity: str
    status: str
    started: Markdown
    open_actions: int
    actions: int
    findings: int


@dataclass(frozen=True)
class InvalidFile:
    path: str
    codes: str


# -- policy in force (the appendix) ----------------------------------------------------------


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
class LogView:
    as_of: dt.date
    marker: Markdown
    counts: Counts
    policy: PolicyView
    agenda: tuple[AgendaGroup, ...]
    trend: Trend
    decisions: tuple[Decision, ...]
    escalations: tuple[EscalationRow, ...]
    closures: tuple[ClosureRow, ...]
    roadmap: tuple[RoadmapMonth, ...]
    recurrences: tuple[RecurrenceRow, ...]
    flagged_repeats: tuple[FlaggedRepeat, ...]
    owners: tuple[OwnerLoad, ...]
    findings: tuple[FindingGroup, ...]
    finding_counts: tuple[FindingRow, ...]
    index: tuple[IndexRow, ...]
    invalid: tuple[InvalidFile, ...]


def marker(as_of: dt.date) -> Markdown:
    """The comment that records the as-of date in the log (``render --check`` reads it back)."""
    return Markdown(f"<!-- pmcheck:as-of {as_of.isoformat()} -->")
