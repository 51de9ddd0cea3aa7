"""The operating log's view: every number, sort and grouping the log shows, computed in Python.

``build_view`` turns a loaded repository, the decided findings of the same run and the as-of
date into a tree of frozen records; the template only loops over them and prints. Strings the
view builds from escaped parts are ``Markdown``; every other string is escaped when printed
(see ``pmcheck.markdown``), so neither template has to remember to.

The view is linear in the number of actions: each action's life (created, closed, due date at
any day) is worked out once and the weekly series read from that.
"""

from __future__ import annotations

import bisect
import datetime as dt
import posixpath
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pmcheck.context import Context
from pmcheck.findings import Finding, Severity
from pmcheck.judgements import closed_on, is_overdue, passed_rungs, unshipped_fixes
from pmcheck.markdown import Markdown, emphasis, escape, join, link
from pmcheck.model import Action, Postmortem, parse_date, zone
from pmcheck.policy import Policy, PriorityLevel, Rung
from pmcheck.reference import DOCS_URL, anchor
from pmcheck.repository import Repository

ROADMAP_TYPES = ("prevent", "detect", "mitigate")
DASH = "—"
# overdue-action-not-escalated: the escalation section shows its findings and honours its waivers.
ESCALATION_CODE = "PM206"


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


# -- records the template reads --------------------------------------------------------------


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


# -- one action's life -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Life:
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


def _life(pm: Postmortem, action: Action, policy: Policy) -> _Life:
    moves = sorted(action.deadline_changes, key=lambda c: c.date)
    terminal = policy.is_terminal(action.status, action.priority)
    return _Life(
        pm=pm,
        action=action,
        critical=policy.is_critical_priority(action.priority),
        terminal=terminal,
        created=action.created,
        closed=closed_on(action, policy),
        moves=tuple((c.date, c.to_date) for c in moves),
        first_due=moves[0].from_date if moves else action.due,
    )


# -- the sections ----------------------------------------------------------------------------


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _owner(action: Action) -> str:
    raw = action.owner_raw
    if isinstance(raw, list):
        return Markdown(f"{join([str(p) for p in raw])} {emphasis('(several owners)')}")
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    team = f" (team {escape(action.team)})" if action.team else ""
    return Markdown(emphasis("no owner") + team)


def _policy_view(policy: Policy) -> PolicyView:
    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    def ladder(level: PriorityLevel) -> str:
        if not level.escalate:
            return "none"
        return "; ".join(_rung(r) for r in level.escalate)

    priorities = list(policy.priorities.values())
    done_closes = [p.name for p in priorities if p.done_is_terminal]
    verified = [p.name for p in priorities if p.requires_verification]
    critical = [p.name for p in priorities if p.critical]
    capped = [p.name for p in priorities if p.max_extensions is not None]
    criteria = [
        Markdown(
            "An action is closed when it is `verified`, `wont_do` or `superseded`"
            + (f"; `done` also closes {join(done_closes)}." if done_closes else ".")
        ),
        Markdown(
            f"{join(verified)} actions need a `verification` with result `pass` by someone other than the owner."
            if verified
            else "No priority requires verification."
        ),
        Markdown("`done` and `verified` need at least one evidence item; a tracker link alone is not evidence."),
        # What PM306 accepts: for critical priorities the decider holds either role.
        Markdown(
            "`wont_do` and `superseded` need a `closure` decision with a rationale and who decided"
            + (f"; for {join(critical)} a person with the `approver` or `exec_sponsor` role decides." if critical else ".")
        ),
        # PM203 asks for an approver other than the owner only on critical priorities, and
        # PM208 for the sponsor's approval past the extension limit.
        Markdown(
            "A moved due date is recorded in `deadline_changes`"
            + (f"; for {join(critical)} it is approved by someone other than the owner" if critical else "")
            + (
                "; a move beyond the priority's max extensions is approved by the executive sponsor."
                if capped
                else "."
            )
        ),
    ]
    return PolicyView(
        source=policy.source or "built-in defaults",
        timezone=policy.timezone,
        slo_clock_start=Markdown("the action's `created` date" if policy.slo_clock_start == "created" else "the incident's `resolved_at`"),
        severities=tuple(
            SeverityRow(
                name=s.name,
                critical=yes(s.critical),
                review_every=_days(s.review_every_days),
                postmortem_review_within=_days(s.postmortem_review_within_days) if s.postmortem_review_within_days is not None else DASH,
                default_priority=s.default_priority,
            )
            for s in policy.severities.values()
        ),
        priorities=tuple(
            PriorityRow(
                name=p.name,
                critical=yes(p.critical),
                slo=_days(p.slo_days),
                verification="required" if p.requires_verification else "not required",
                escalation=ladder(p),
                max_extensions=str(p.max_extensions) if p.max_extensions is not None else "no limit",
                done_closes=yes(p.done_is_terminal),
            )
            for p in priorities
        ),
        closure_criteria=tuple(criteria),
        due_soon_days=policy.due_soon_days,
        repeat_window_days=policy.repeat_window_days,
        waiver_max_days=policy.waiver_max_days,
        due_soon=_days(policy.due_soon_days),
        repeat_window=_days(policy.repeat_window_days),
        waiver_max=_days(policy.waiver_max_days),
    )


@dataclass(frozen=True)
class _Escalation:
    rung: str
    target: str | None
    escalated_on: dt.date | None
    plan_updated: dt.date | None
    missing: bool


def _rung(rung: Rung) -> str:
    if rung.after_days_overdue == 0:
        return f"{rung.to} when overdue"
    return f"{rung.to} after {_days(rung.after_days_overdue)} overdue"


def _escalation(life: _Life, ctx: Context) -> _Escalation | None:
    """Where an overdue action stands on its escalation ladder, judged as PM206 judges it."""
    steps = passed_rungs(life.pm, life.action, ctx)
    if not steps:
        return None
    due = life.action.due
    assert due is not None
    dates = [e.date for e in life.action.escalations if e.date >= due]
    escalated_on = max(dates) if dates else None
    plan = [m.date for m in life.pm.mitigation_timeline if escalated_on is not None and m.date >= escalated_on]
    # Name the rungs still owed: a P1 escalated to its sponsor but never to the manager is
    # missing the manager, which is what PM206 reports.
    missing = [step for step in steps if not step.satisfied]
    shown = missing or steps[-1:]
    targets = [step.person for step in shown if step.person is not None]
    return _Escalation(
        rung="; ".join(_rung(step.rung) for step in shown),
        target=", ".join(targets) if targets else None,
        escalated_on=escalated_on,
        plan_updated=min(plan) if plan else None,
        missing=bool(missing),
    )


def _agenda(lives: list[_Life], ctx: Context) -> tuple[AgendaRow, ...]:
    policy, as_of = ctx.policy, ctx.as_of
    rows: list[tuple[tuple[Any, ...], AgendaRow]] = []
    for life in lives:
        action, pm = life.action, life.pm
        if life.terminal or not policy.is_critical_severity(pm.severity):
            continue
        due = action.due
        over = (as_of - due).days if due is not None else 0
        if due is None:
            days = "no due date"
        elif is_overdue(due, as_of):
            days = f"{_days(over)} over"
        elif over == 0:
            days = "due today"
        else:
            days = f"{_days(-over)} left"
        state = _escalation(life, ctx)
        if action.escalations:
            latest = max(action.escalations, key=lambda e: e.date)
            escalation = f"{latest.level} {latest.to} on {latest.date.isoformat()}"
        else:
            escalation = DASH
        if state is not None and state.missing:
            escalation = Markdown(emphasis(f"missing: {state.rung}"))
        key = (policy.priority_rank(action.priority), -over, due or dt.date.max, action.id)
        rows.append(
            (
                key,
                AgendaRow(
                    action=action.id,
                    postmortem=pm.id,
                    severity=pm.severity,
                    priority=action.priority,
                    title=action.title,
                    owner=_owner(action),
                    due=due.isoformat() if due else DASH,
                    days=days,
                    status=action.status,
                    evidence=len(action.evidence),
                    escalation=escalation,
                ),
            )
        )
    rows.sort(key=lambda r: r[0])
    return tuple(row for _, row in rows)


def _moved_later(old: dt.date | None, new: dt.date | None) -> bool:
    """A due-date change that postpones (unparseable values count: git saw the date move)."""
    return old is None or new is None or new > old


def _trend(
    lives: list[_Life],
    postmortems: list[Postmortem],
    recurrences: Sequence[RecurrenceRow],
    policy: Policy,
    as_of: dt.date,
    history: History | None,
) -> Trend:
    tz = zone(policy.timezone)
    n = policy.trend_weeks
    first = as_of - dt.timedelta(days=7 * n - 1)
    ends = [as_of - dt.timedelta(days=7 * (n - 1 - i)) for i in range(n)]

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
    if history is not None and not history.shallow:
        for h in history.changes:
            day = h.date.astimezone(tz).date() if isinstance(h.date, dt.datetime) else h.date
            if h.field == "due" and not h.recorded and _moved_later(parse_date(str(h.old)), parse_date(str(h.new))):
                if (i := week(day)) is not None:
                    slips[i] += 1
    for pm in postmortems:
        if policy.is_critical_severity(pm.severity) and (i := week(pm.incident.started_at.astimezone(tz).date())) is not None:
            incidents[i] += 1
    for rec in recurrences:
        if (i := week(rec.started)) is not None:
            repeats[i] += 1
    critical = [life for life in lives if life.critical]
    weeks = tuple(
        TrendWeek(
            start=end - dt.timedelta(days=6),
            end=end,
            label=Markdown(end.strftime("%m-%d")),
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
    elif history.shallow:
        note = "Deadline slips count recorded `deadline_changes` only: git history unavailable (shallow clone)."
    else:
        note = "Deadline slips count recorded `deadline_changes` and due-date moves git shows without a record."
    critical_severities = [s.name for s in policy.severities.values() if s.critical]
    critical_priorities = [p.name for p in policy.priorities.values() if p.critical]
    return Trend(
        weeks=weeks,
        start=first,
        end=as_of,
        y_max=max([1] + [max(w.open_critical, w.overdue_critical) for w in weeks]),
        critical_severities="/".join(critical_severities) or "critical",
        critical_priorities="/".join(critical_priorities) or "critical",
        directions=_directions(weeks, "/".join(critical_severities) or "critical"),
        history_note=Markdown(note),
    )


def _directions(weeks: Sequence[TrendWeek], severities: str) -> tuple[str, ...]:
    """Week over week, in words: "overdue critical actions rose from 2 to 5"."""
    if len(weeks) < 2:
        return ("One week shown; nothing to compare.",)
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
        if b > a:
            out.append(f"{label} rose from {a} to {b}")
        elif b < a:
            out.append(f"{label} fell from {a} to {b}")
        else:
            out.append(f"{label} unchanged at {b}")
    return tuple(out)


def _waived_until(life: _Life, unescalated: frozenset[str]) -> dt.date | None:
    """The expiry of the waiver that kept PM206 quiet on this action, if one did."""
    if life.action.id in unescalated:
        return None
    waivers = [w.expires for w in (*life.action.waivers, *life.pm.waivers) if w.rule == ESCALATION_CODE]
    return max(waivers) if waivers else None


def _escalations(lives: list[_Life], ctx: Context, unescalated: frozenset[str]) -> tuple[EscalationRow, ...]:
    policy, as_of = ctx.policy, ctx.as_of
    rows: list[tuple[tuple[Any, ...], EscalationRow]] = []
    for life in lives:
        state = _escalation(life, ctx)
        if state is None:
            continue
        action, pm = life.action, life.pm
        waived = _waived_until(life, unescalated) if state.missing else None
        assert action.due is not None
        days_over = (as_of - action.due).days
        row = EscalationRow(
            action=action.id,
            postmortem=pm.id,
            priority=action.priority,
            owner=_owner(action),
            due=action.due,
            days_over=days_over,
            rung=state.rung,
            escalate_to=state.target or emphasis("nobody named"),
            sponsor=pm.executive_sponsor or emphasis("none"),
            escalated_on=state.escalated_on.isoformat() if state.escalated_on else DASH,
            plan_updated=state.plan_updated.isoformat() if state.plan_updated else DASH,
            # A waiver the check honoured is shown as such, so the log agrees with a green run.
            state=f"missing, PM206 waived until {waived}" if waived else Markdown("**missing**") if state.missing else "escalated",
        )
        rows.append(((not state.missing, policy.priority_rank(action.priority), -days_over, action.id), row))
    rows.sort(key=lambda r: r[0])
    return tuple(row for _, row in rows)


def _closures(lives: list[_Life], start: dt.date, as_of: dt.date) -> tuple[ClosureRow, ...]:
    rows: list[ClosureRow] = []
    for life in lives:
        if not life.terminal or life.closed is None or not start <= life.closed <= as_of:
            continue
        action = life.action
        if action.closure is not None:
            outcome = f"{action.status}: {action.closure.decision}"
            if action.closure.superseded_by:
                outcome += f" by {action.closure.superseded_by}"
            decided = action.closure.decided_by or DASH
        elif action.verification is not None:
            outcome = f"{action.status} ({action.verification.result})"
            decided = f"verified by {action.verification.by}"
        else:
            outcome = action.status
            decided = DASH
        types = sorted({e.type for e in action.evidence})
        evidence = f"{len(action.evidence)} ({', '.join(types)})" if types else "none"
        rows.append(
            ClosureRow(
                date=life.closed,
                action=action.id,
                postmortem=life.pm.id,
                priority=action.priority,
                title=action.title,
                outcome=outcome,
                evidence=evidence,
                decided_by=decided,
            )
        )
    rows.sort(key=lambda r: (-r.date.toordinal(), r.action))
    return tuple(rows)


def _roadmap(lives: list[_Life], policy: Policy, as_of: dt.date) -> tuple[RoadmapMonth, ...]:
    groups: dict[tuple[int, int] | None, list[_Life]] = {}
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
                        action=life.action.id,
                        postmortem=life.pm.id,
                        type=life.action.type,
                        priority=life.action.priority,
                        title=life.action.title,
                        owner=_owner(life.action),
                        due=life.action.due.isoformat() if life.action.due else DASH,
                        status=life.action.status
                        + (" (overdue)" if is_overdue(life.action.due, as_of) else ""),
                    )
                    for life in members
                ),
            )
        )
    return tuple(months)


def _recurrences(postmortems: list[Postmortem], by_id: dict[str, Postmortem], policy: Policy) -> tuple[RecurrenceRow, ...]:
    tz = zone(policy.timezone)
    pairs: dict[tuple[str, str], tuple[Postmortem, Postmortem]] = {}
    for pm in postmortems:
        for ref in pm.related_incidents:
            other = by_id.get(ref.id)
            if ref.relation != "recurrence" or other is None or other.id == pm.id:
                continue
            later, earlier = (pm, other) if (pm.incident.started_at, pm.id) >= (other.incident.started_at, other.id) else (other, pm)
            pairs.setdefault((later.id, earlier.id), (later, earlier))
    rows: list[RecurrenceRow] = []
    for later, earlier in pairs.values():
        shared = sorted(set(later.failure_modes) & set(earlier.failure_modes))
        started = later.incident.started_at.astimezone(tz).date()
        # The same judgement as PM502, so the log and the check never disagree.
        open_fixes = [action.id for action, _ in unshipped_fixes(earlier, later, policy)]
        earlier_started = earlier.incident.started_at.astimezone(tz).date()
        rows.append(
            RecurrenceRow(
                postmortem=later.id,
                started=started,
                earlier=earlier.id,
                earlier_started=earlier_started,
                days_apart=(started - earlier_started).days,
                shared=", ".join(shared) or DASH,
                fix_not_shipped=Markdown("**" + join(sorted(open_fixes)) + "**") if open_fixes else Markdown("no: every fix had shipped"),
            )
        )
    rows.sort(key=lambda r: (-r.started.toordinal(), r.postmortem, r.earlier))
    return tuple(rows)


def rule_link(finding: Finding) -> Markdown:
    """The finding's code, linked to its rule in the rule reference."""
    return link(finding.code, f"{DOCS_URL}#{anchor(finding)}")


def _findings(findings: Sequence[Finding]) -> tuple[FindingRow, ...]:
    counts = Counter(f.code for f in findings if not f.notice)
    first = {f.code: f for f in findings}
    return tuple(
        FindingRow(
            code=rule_link(first[code]),
            name=first[code].name,
            severity=first[code].severity.label,
            count=counts[code],
        )
        for code in sorted(counts)
    )


def build_view(
    repository: Repository,
    findings: Iterable[Finding],
    as_of: dt.date,
    history: History | None = None,
) -> LogView:
    """The operating log of ``repository`` as of ``as_of``, ready for a template.

    ``findings`` are the decided findings of a check of the same repository on the same date;
    ``history`` (from ``pmcheck.history``) adds due-date moves git shows without a record.
    """
    policy = repository.policy
    corpus = repository.corpus
    ctx = Context(policy, repository.roster, as_of)
    tz = zone(policy.timezone)
    findings = list(findings)
    postmortems = sorted(corpus.postmortems, key=lambda pm: pm.id)
    lives = [_life(pm, action, policy) for pm in postmortems for action in pm.actions]
    lives_by_pm: dict[str, list[_Life]] = {}
    for life in lives:
        lives_by_pm.setdefault(life.pm.id, []).append(life)

    recurrences = _recurrences(postmortems, corpus.by_id, policy)
    trend = _trend(lives, postmortems, recurrences, policy, as_of, history)

    by_pm = Counter(f.postmortem for f in findings if not f.notice)
    log_dir = posixpath.dirname(policy.log) or "."
    index = tuple(
        IndexRow(
            id=link(pm.id, posixpath.relpath(pm.path, log_dir)),
            title=pm.title,
            severity=pm.severity,
            status=pm.status,
            started=pm.incident.started_at.astimezone(tz).date(),
            open_actions=sum(1 for life in lives_by_pm.get(pm.id, ()) if not life.terminal),
            actions=len(pm.actions),
            findings=by_pm.get(pm.id, 0),
        )
        for pm in sorted(postmortems, key=lambda pm: (-pm.incident.started_at.timestamp(), pm.id))
    )
    load_codes: dict[str, set[str]] = {}
    for issue in repository.issues:
        load_codes.setdefault(issue.path, set()).add(issue.code)
    invalid = tuple(
        InvalidFile(d.path, ", ".join(sorted(load_codes.get(d.path, ()))) or DASH)
        for d in corpus.documents
        if d.postmortem is None
    )
    open_lives = [life for life in lives if not life.terminal]
    overdue = [life for life in open_lives if is_overdue(life.action.due, as_of)]
    severities = Counter(f.severity for f in findings if not f.notice)
    flagged = tuple(
        FlaggedRepeat(rule_link(f), f.postmortem or DASH, f.message)
        for f in sorted(findings, key=lambda f: (f.postmortem or "", f.code, f.message))
        if f.code.startswith("PM5") and not f.notice
    )
    return LogView(
        as_of=as_of,
        marker=marker(as_of),
        counts=Counts(
            postmortems=len(postmortems),
            invalid_files=len(invalid),
            actions=len(lives),
            open_actions=len(open_lives),
            open_critical=sum(1 for life in open_lives if life.critical),
            overdue=len(overdue),
            overdue_critical=sum(1 for life in overdue if life.critical),
            errors=severities.get(Severity.ERROR, 0),
            warnings=severities.get(Severity.WARNING, 0),
            infos=severities.get(Severity.INFO, 0),
        ),
        policy=_policy_view(policy),
        findings=_findings(findings),
        agenda=_agenda(lives, ctx),
        trend=trend,
        escalations=_escalations(
            lives, ctx, frozenset(f.action for f in findings if f.code == ESCALATION_CODE and f.action is not None)
        ),
        closures=_closures(lives, trend.start, as_of),
        roadmap=_roadmap(lives, policy, as_of),
        recurrences=recurrences,
        flagged_repeats=flagged,
        index=index,
        invalid=invalid,
    )
