"""Decisions needed: what this review must decide, one line each, with who decides.

The lines come from the decided findings of the same run (PM206, PM205, PM305, PM306, PM401),
so a waiver, a severity override or a rule turned off acts on the log exactly as on
``pmcheck check``; the details (whom to tell, since when) come from the functions those rules
use. Waivers about to expire have no rule of their own and are read from the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pmcheck.context import Context
from pmcheck.dates import add_days
from pmcheck.findings import Finding
from pmcheck.markdown import Markdown, code, escape
from pmcheck.model import Action, Postmortem, Waiver
from pmcheck.judgements import days_overdue, is_overdue, passed_rungs
from pmcheck.view.agenda import review_due
from pmcheck.view.lifetimes import Life
from pmcheck.view.records import Decision
from pmcheck.view.text import day, days

ESCALATION = "PM206"
OVERDUE = "PM205"
VERIFICATION = "PM305"
CLOSURE = "PM306"
REVIEW = "PM401"
WAIVER_NOTICE_DAYS = 14
WHO = {"exec_sponsor": "executive sponsor", "manager": "owner's manager"}
KINDS = ("escalation", "overdue", "verification", "closure", "waiver", "review")


def _person(person: str | None, role: str) -> Markdown:
    return Markdown(f"{code(person)} ({escape(role)})") if person else Markdown(f"*nobody named* ({escape(role)})")


def _extension_decider(pm: Postmortem, action: Action, ctx: Context) -> Markdown:
    """Who may approve moving the due date: PM203 and PM208's approvers."""
    level = ctx.policy.priorities.get(action.priority)
    if level is not None and level.max_extensions is not None and len(action.deadline_changes) >= level.max_extensions:
        return _person(pm.executive_sponsor, "executive sponsor: extensions used up")
    if ctx.policy.is_critical_priority(action.priority):
        manager = ctx.roster.manager_of(action.owner) if ctx.roster is not None else None
        if manager and manager != action.owner:
            return _person(manager, "owner's manager")
        return _person(pm.executive_sponsor, "executive sponsor")
    return _person(pm.owner, "postmortem owner")


def _verifier(pm: Postmortem, action: Action) -> Markdown:
    owner = action.owner
    if pm.owner and pm.owner != owner:
        return Markdown(f"{code(pm.owner)} (postmortem owner) or another verifier, not the owner")
    return Markdown(f"a verifier other than {code(owner)}" if owner else "a verifier other than the owner")


def decisions(findings: Sequence[Finding], lives: dict[tuple[str, str], Life], pms: dict[str, Postmortem], ctx: Context) -> tuple[Decision, ...]:
    as_of = ctx.as_of
    out: list[tuple[tuple[Any, ...], Decision]] = []

    def add(kind: str, verb: str, subject: Markdown, detail: str, who: Markdown, action: str | None, pm: str | None, rank: Any) -> None:
        decision = Decision(kind, verb, subject, Markdown(detail), who, action, pm)
        out.append(((KINDS.index(kind), rank, action or pm or ""), decision))

    seen: set[tuple[str, str, str]] = set()
    for f in findings:
        if f.notice or (f.code, f.path, f.action or f.postmortem or "") in seen:
            continue
        seen.add((f.code, f.path, f.action or f.postmortem or ""))
        life = lives.get((f.path, f.action)) if f.action else None
        if life is not None:
            action, pm = life.action, life.pm
            over = days_overdue(action.due, as_of)
            open_ = not ctx.policy.is_terminal(action.status, action.priority)
            late = f", {days(over)} overdue" if open_ and is_overdue(action.due, as_of) else ""
            what = Markdown(f"{code(action.id)} ({escape(action.priority)}{late})")
            rank: Any = (ctx.policy.priority_rank(action.priority), -over)
            if f.code == ESCALATION:
                for step in passed_rungs(pm, action, ctx):
                    if not step.satisfied:
                        to = _person(step.person, WHO.get(step.rung.to, step.rung.to))
                        add("escalation", "Escalate", what, f"to {to}, owed since {day(step.since)}; then update the mitigation timeline",
                            Markdown(f"owner {code(action.owner)}" if action.owner else "the postmortem owner"), action.id, pm.id, rank)
            elif f.code == OVERDUE and action.status != "done":
                # A done action past due waits for verification: that decision is PM305's line.
                add("overdue", "Extend or escalate", what, f"due {day(action.due)}, {action.status}",
                    Markdown(f"decides: {_extension_decider(pm, action, ctx)}"), action.id, pm.id, rank)
            elif f.code == VERIFICATION:
                failed = action.verification is not None and action.verification.result == "fail"
                detail = "its verification failed: reopen it or verify again" if failed else (
                    f"done {day(action.completed_at)}, due {day(action.due)}" if action.completed_at else f"done, due {day(action.due)}"
                )
                add("verification", "Verify", what, detail, Markdown(f"by {_verifier(pm, action)}"), action.id, pm.id, rank)
            elif f.code == CLOSURE:
                critical = ctx.policy.is_critical_priority(action.priority)
                decider = _person(pm.executive_sponsor, "executive sponsor, or an approver") if critical else _person(pm.owner, "postmortem owner")
                add("closure", "Decide the closure of", what, f"{escape(action.status)} without a complete closure decision",
                    Markdown(f"decides: {decider}"), action.id, pm.id, rank)
        elif f.code == REVIEW and f.postmortem in pms:
            pm = pms[f.postmortem]
            last, upcoming = review_due(pm, ctx.policy)
            detail = f"last reviewed {day(last)}" if last else "never reviewed"
            if upcoming is not None:
                detail += f", review was due {day(upcoming)}"
            add("review", "Review", Markdown(f"{code(pm.id)} ({escape(pm.severity)})"), detail,
                Markdown(f"this review; record it with owner {code(pm.owner)}"), None, pm.id,
                (ctx.policy.severity_rank(pm.severity), upcoming or dt.date.min))

    horizon = add_days(as_of, WAIVER_NOTICE_DAYS)
    for pm in sorted(pms.values(), key=lambda p: p.id):
        places: list[tuple[str, Markdown, tuple[Waiver, ...]]] = [(pm.id, code(pm.id), pm.waivers)]
        places += [(a.id, code(a.id), a.waivers) for a in pm.actions]
        for where, subject, waivers in places:
            for waiver in waivers:
                expires = waiver.expires
                if not as_of <= expires <= horizon:
                    continue
                left = (expires - as_of).days
                add("waiver", "Renew or let lapse", Markdown(f"the {escape(waiver.rule)} waiver on {subject}"),
                    f"expires {day(expires)} ({'today' if left == 0 else 'in ' + days(left)})",
                    Markdown(f"decides: {code(waiver.approved_by)} (approved it)"),
                    where if where != pm.id else None, pm.id, expires)
    out.sort(key=lambda d: d[0])
    return tuple(d for _, d in out)
