"""``build_view``: the whole log as frozen records, one section module at a time."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import Counter
from collections.abc import Iterable

from pmcheck.context import Context
from pmcheck.dates import local_date
from pmcheck.display import display_path
from pmcheck.findings import Finding, Severity
from pmcheck.judgements import is_overdue
from pmcheck.markdown import Markdown, code, link
from pmcheck.model import zone
from pmcheck.repository import Repository
from pmcheck.view.agenda import agenda
from pmcheck.view.closures import closures
from pmcheck.view.escalations import ESCALATION_CODE, escalations
from pmcheck.view.decisions import decisions
from pmcheck.view.findings import finding_groups, finding_rows, rule_link
from pmcheck.view.lifetimes import Life, life_of
from pmcheck.view.owners import owner_load
from pmcheck.view.policy import policy_view
from pmcheck.view.records import Counts, FlaggedRepeat, History, IndexRow, InvalidFile, LogView, marker
from pmcheck.view.repeats import recurrences as recurrence_rows
from pmcheck.view.roadmap import roadmap
from pmcheck.view.text import DASH, day
from pmcheck.view.trend import trend as trend_of


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
    lives = [life_of(pm, action, policy) for pm in postmortems for action in pm.actions]
    lives_by_pm: dict[str, list[Life]] = {}
    for life in lives:
        lives_by_pm.setdefault(life.pm.id, []).append(life)

    recurrences = recurrence_rows(postmortems, corpus.by_id, policy)
    trend = trend_of(lives, postmortems, recurrences, policy, as_of, history)

    by_pm = Counter(f.postmortem for f in findings if not f.notice)
    log_dir = posixpath.dirname(policy.log) or "."
    index = tuple(
        IndexRow(
            id=link(code(pm.id), posixpath.relpath(pm.path, log_dir)),
            title=pm.title,
            severity=pm.severity,
            status=pm.status,
            started=day(local_date(pm.incident.started_at, tz)),
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
        InvalidFile(display_path(d.path), ", ".join(sorted(load_codes.get(d.path, ()))) or DASH)
        for d in corpus.documents
        if d.postmortem is None
    )
    open_lives = [life for life in lives if not life.terminal]
    # A done action past its due date awaits verification (PM305), it is not late work.
    overdue = [
        life for life in open_lives if is_overdue(life.action.due, as_of) and life.action.status != "done"
    ]
    severities = Counter(f.severity for f in findings if not f.notice)
    flagged = tuple(
        FlaggedRepeat(rule_link(f), code(f.postmortem) if f.postmortem else Markdown(DASH), f.message)
        for f in sorted(findings, key=lambda f: (f.postmortem or "", f.code, f.message))
        if f.code.startswith("PM5") and not f.notice
    )
    unescalated = frozenset(f.action for f in findings if f.code == ESCALATION_CODE and f.action is not None and not f.notice)
    # Keyed by file and id: a duplicated action id (PM005) must not borrow another action's row.
    needed = decisions(findings, {(life.pm.path, life.action.id): life for life in lives}, corpus.by_id, ctx)
    titles = {pm.path: (pm.id, pm.title) for pm in postmortems}
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
            missing_escalations=sum(1 for f in findings if f.code == ESCALATION_CODE and not f.notice),
            decisions=len(needed),
            errors=severities.get(Severity.ERROR, 0),
            warnings=severities.get(Severity.WARNING, 0),
            infos=severities.get(Severity.INFO, 0),
        ),
        policy=policy_view(policy),
        agenda=agenda(lives, ctx, unescalated),
        trend=trend,
        decisions=needed,
        escalations=escalations(lives, ctx, unescalated),
        closures=closures(lives, trend.start, as_of),
        roadmap=roadmap(lives, policy, as_of),
        recurrences=recurrences,
        flagged_repeats=flagged,
        owners=owner_load(lives, repository.roster, as_of),
        findings=finding_groups(findings, titles, log_dir),
        finding_counts=finding_rows(findings),
        index=index,
        invalid=invalid,
    )
