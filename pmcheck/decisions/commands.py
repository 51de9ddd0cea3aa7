"""What each decision writes, computed from the policy and roster, and which rules vouch for it.

A function per command turns the command line's values into a ``Plan`` (the edits, the rules
that must be silent on the action afterwards, a one-line summary). Bad input is a
``UsageError`` (exit 2); a decision that would break a rule is refused later, by the rules
themselves, in ``recording.verify_edit``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from pmcheck.decisions.edit import ACTION_ORDER, POSTMORTEM_ORDER, append, entry, place
from pmcheck.decisions.identity import resolve_people, resolve_person
from pmcheck.decisions.recording import (
    Edit,
    Plan,
    Session,
    Stage,
    all_action_ids,
    find_action,
    find_postmortem,
    loaded_postmortem,
    open_session,
    plan_edit,
)
from pmcheck.context import Context, Document
from pmcheck.findings import Violation
from pmcheck.errors import UsageError
from pmcheck.model import Action, Postmortem
from pmcheck.judgements.escalation import passed_rungs, rung_person
from pmcheck.judgements.owners import several_owners

CLOSED = frozenset({"verified", "wont_do", "superseded"})
EVIDENCE_TYPES = (
    "pull_request", "commit", "deploy", "test", "alert", "dashboard", "runbook", "eval",
    "experiment", "metric", "config", "doc",
)
STATUS_FOR_DECISION = {"wont_do": "wont_do", "risk_accepted": "wont_do", "superseded": "superseded", "duplicate": "superseded"}


@dataclass(frozen=True)
class Common:
    """Options every decision command takes."""

    repo: str | None
    config: str | None
    as_of: dt.date | None
    dry_run: bool


def _text(value: str, option: str) -> str:
    value = value.strip()
    if not value:
        raise UsageError(f"{option} is empty")
    return value


def _action_stage(action: Action, edit: Callable[[CommentedMap], None], lists: Sequence[str] = ()) -> Stage:
    at = action.at
    prefer = tuple(at + (key,) for key in lists) + (("actions",),)

    def apply(doc: CommentedMap) -> None:
        target = doc["actions"][at[1]]
        if target.get("id") != action.id:
            raise UsageError(f"action {action.id} moved while it was being edited")
        edit(target)

    return Stage(prefer, apply)


def _open_action(common: Common, action_id: str) -> tuple[Session, Postmortem, Action, Document]:
    session = open_session(common.repo, common.config, common.as_of)
    document, index = find_action(session, action_id)
    pm = loaded_postmortem(session, document, index)
    return session, pm, pm.actions[index], document


def _finish(session: Session, document: Document, action: Action | None, plan: Plan) -> Edit:
    return plan_edit(session, document, action, plan)


def _not_closed(action: Action, verb: str) -> None:
    if action.status in CLOSED:
        raise UsageError(f"action {action.id} is {action.status}; a closed action cannot be {verb}")


def escalate(common: Common, action_id: str, reason: str, plan_text: str, interim: str | None, to: str | None, by: str | None) -> Edit:
    """An `escalations` entry to the rung's person and a `mitigation_timeline` entry, in one write."""
    session, pm, action, document = _open_action(common, action_id)
    _not_closed(action, "escalated")
    ctx = session.context
    reason, plan_text = _text(reason, "--reason"), _text(plan_text, "--plan")
    recorder = resolve_person(by, "--by", session.roster, session.root)
    steps = passed_rungs(pm, action, ctx)
    level = ctx.policy.priorities.get(action.priority)
    ladder = level.escalate if level is not None else ()
    if to is None:
        if not steps:
            due = f"due {action.due}" if action.due else "no due date"
            raise UsageError(
                f"action {action.id} ({action.priority}, {due}) has passed no rung of its escalation ladder "
                f"on {session.as_of}; give --to to escalate it anyway"
            )
        # The highest rung passed is the one whose person can still decide.
        step = max(steps, key=lambda s: s.rung.after_days_overdue)
        if step.person is None:
            raise UsageError(
                f"the {step.rung.to} of action {action.id} is not known from the files "
                "(no executive_sponsor, or no team manager in the roster); give --to"
            )
        person, rung = step.person, step.rung
    else:
        person = resolve_person(to, "--to", session.roster, session.root)
        matching = [s for s in steps if s.person == person]
        if matching:
            rung = max(matching, key=lambda s: s.rung.after_days_overdue).rung
        else:
            rungs = [r for r in ladder if rung_person(r, pm, action, ctx) == person]
            if rungs:
                rung = rungs[-1]
            elif steps:
                # Not the person of any rung: PM206 refuses it below, naming who it should be.
                rung = max(steps, key=lambda s: s.rung.after_days_overdue).rung
            else:
                raise UsageError(
                    f"{person} is neither the executive sponsor of {pm.id} nor the manager of "
                    f"{action.owner or 'the owner'}; an escalation goes to a rung of the ladder"
                )
    day = session.as_of
    interim = interim.strip() if interim is not None and interim.strip() else None

    def on_action(target: CommentedMap) -> None:
        append(target, "escalations", entry(("to", person), ("at", day), ("reason", reason), ("level", rung.to)), ACTION_ORDER)

    def on_timeline(doc: CommentedMap) -> None:
        append(
            doc,
            "mitigation_timeline",
            entry(("at", day), ("plan", plan_text), ("interim_mitigation", interim), ("by", recorder)),
            POSTMORTEM_ORDER,
        )

    def right_person(after: Postmortem, ctx: Context) -> Iterator[Violation]:
        # PM206 is satisfied by any earlier escalation to the rung's person; the new entry
        # itself must go to that person too.
        edited = after.actions[action.index]
        expected = rung_person(rung, after, edited, ctx)
        if expected is None or expected == person:
            return
        yield Violation(
            "PM206",
            edited.escalations[-1].at + ("to",),
            f"escalation of {action.priority} action {action.id} to {person}: the {rung.to} rung's person is {expected}",
            hint=f"escalate to {expected} (`--to {expected}`, or leave --to out)",
            action=action.id,
        )

    plan = Plan(
        (_action_stage(action, on_action, ("escalations",)), Stage((("mitigation_timeline",), ("reviews",)), on_timeline)),
        frozenset({"PM103", "PM206", "PM207"}),
        f"recorded: {action.id} escalated to {person} ({rung.to}) on {day}; mitigation timeline updated by {recorder}",
        right_person,
    )
    return _finish(session, document, action, plan)


def extend(common: Common, action_id: str, to: dt.date, reason: str, approved_by: str | None) -> Edit:
    """A `deadline_changes` entry from the current `due`, and the new `due`."""
    session, pm, action, document = _open_action(common, action_id)
    _not_closed(action, "extended")
    reason = _text(reason, "--reason")
    if action.due is None:
        raise UsageError(f"action {action.id} has no due date to extend; set `due:` first")
    if to <= action.due:
        raise UsageError(f"--to {to} is not after the current due date {action.due} of action {action.id}")
    approver = resolve_person(approved_by, "--approved-by", session.roster, session.root)
    old, day = action.due, session.as_of

    def edit(target: CommentedMap) -> None:
        place(target, "due", to, ACTION_ORDER)
        append(
            target,
            "deadline_changes",
            entry(("from", old), ("to", to), ("at", day), ("reason", reason), ("approved_by", approver)),
            ACTION_ORDER,
        )

    plan = Plan(
        (_action_stage(action, edit, ("deadline_changes",)),),
        frozenset({"PM103", "PM202", "PM203", "PM205", "PM208"}),
        f"recorded: {action.id} due {old} -> {to}, approved by {approver} on {day}",
    )
    return _finish(session, document, action, plan)


def reassign(common: Common, action_id: str, to: str, reason: str) -> Edit:
    """An `owner_changes` entry from the current owner, and the new `owner`."""
    session, pm, action, document = _open_action(common, action_id)
    _not_closed(action, "reassigned")
    reason = _text(reason, "--reason")
    person = resolve_person(to, "--to", session.roster, session.root)
    if several_owners(action, session.roster) is not None:
        # `owner_changes[].from` must be one person id, so this hand-over cannot be recorded.
        raise UsageError(
            f"action {action.id} has several owners ({action.owner_raw!r}); give it one owner by hand first (PM102)"
        )
    old = action.owner
    if old == person:
        raise UsageError(f"action {action.id} is already owned by {person}")
    day = session.as_of

    def edit(target: CommentedMap) -> None:
        place(target, "owner", person, ACTION_ORDER)
        if old is not None:
            # A first owner for an ownerless action is not a hand-over (PM106 agrees).
            append(target, "owner_changes", entry(("from", old), ("to", person), ("at", day), ("reason", reason)), ACTION_ORDER)

    plan = Plan(
        (_action_stage(action, edit, ("owner_changes",)),),
        frozenset({"PM101", "PM102", "PM103", "PM104", "PM106"}),
        f"recorded: {action.id} owner {old or '(none)'} -> {person} on {day}",
    )
    return _finish(session, document, action, plan)


_HEX = re.compile(r"[0-9a-f]{7,40}\Z")


def evidence_item(spec: str) -> CommentedMap:
    """An evidence entry from `--evidence [TYPE=]URL-OR-REF`; the type is guessed from a URL."""
    kind, sep, value = spec.partition("=")
    if sep and kind in EVIDENCE_TYPES:
        spec = value
    else:
        kind = ""
    spec = spec.strip()
    if not spec:
        raise UsageError("--evidence is empty; give a URL or a reference")
    is_url = re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://\S+\Z", spec) is not None
    if not kind:
        lower = spec.lower()
        if "/pull/" in lower or "/merge_requests/" in lower:
            kind = "pull_request"
        elif "/commit/" in lower or _HEX.match(lower):
            kind = "commit"
        elif "dashboard" in lower or "grafana" in lower or "/d/" in lower:
            kind = "dashboard"
        elif "runbook" in lower:
            kind = "runbook"
        else:
            kind = "doc"
    return entry(("type", kind), ("url" if is_url else "ref", spec))


def done(common: Common, action_id: str, evidence: Sequence[str], metrics: Sequence[tuple[str, str, str, str]]) -> Edit:
    """`status: done`, `completed_at` and the evidence items."""
    session, pm, action, document = _open_action(common, action_id)
    if action.status in CLOSED or action.status == "done":
        raise UsageError(f"action {action.id} is already {action.status}")
    items = [evidence_item(spec) for spec in evidence]
    for query, threshold, window, observed in metrics:
        metric = CommentedMap([("query", query), ("threshold", threshold), ("window", window), ("observed", observed)])
        items.append(entry(("type", "metric"), ("metric", metric)))
    day = session.as_of

    def edit(target: CommentedMap) -> None:
        place(target, "status", "done", ACTION_ORDER)
        for item in items:
            append(target, "evidence", item, ACTION_ORDER)
        place(target, "completed_at", day, ACTION_ORDER)

    plan = Plan(
        (_action_stage(action, edit, ("evidence",)),),
        frozenset({"PM302", "PM303"}),
        f"recorded: {action.id} done on {day} with {len(items)} evidence item{'s' if len(items) != 1 else ''}",
    )
    return _finish(session, document, action, plan)


def verify(common: Common, action_id: str, by: str | None, result: str, notes: str | None) -> Edit:
    """`verification`, and `status: verified` on a pass."""
    session, pm, action, document = _open_action(common, action_id)
    if action.status != "done":
        raise UsageError(f"action {action.id} is {action.status}; only a done action is verified (record `action done` first)")
    verifier = resolve_person(by, "--by", session.roster, session.root)
    day = session.as_of
    notes = notes.strip() if notes is not None and notes.strip() else None

    def edit(target: CommentedMap) -> None:
        place(target, "verification", entry(("by", verifier), ("at", day), ("result", result), ("notes", notes)), ACTION_ORDER)
        if result == "pass":
            place(target, "status", "verified", ACTION_ORDER)

    outcome = "verified" if result == "pass" else "failed verification"
    plan = Plan(
        (_action_stage(action, edit),),
        frozenset({"PM103", "PM302", "PM303", "PM304"}),
        f"recorded: {action.id} {outcome} by {verifier} on {day}",
    )
    return _finish(session, document, action, plan)


def drop(common: Common, action_id: str, decision: str, rationale: str, decided_by: str | None, superseded_by: str | None) -> Edit:
    """`closure`, and the status it implies (`wont_do` or `superseded`)."""
    session, pm, action, document = _open_action(common, action_id)
    _not_closed(action, "dropped")
    rationale = _text(rationale, "--rationale")
    decider = resolve_person(decided_by, "--decided-by", session.roster, session.root)
    status = STATUS_FOR_DECISION[decision]
    if status == "superseded":
        if not superseded_by:
            raise UsageError(f"--decision {decision} needs --superseded-by ACTION-ID (the action that replaces this one)")
        if superseded_by == action.id:
            raise UsageError("--superseded-by names the action being dropped")
        if superseded_by not in all_action_ids(session):
            raise UsageError(f"--superseded-by {superseded_by}: no such action in the repository")
    elif superseded_by:
        raise UsageError(f"--superseded-by applies only to --decision superseded or duplicate, not {decision}")
    day = session.as_of

    def edit(target: CommentedMap) -> None:
        place(target, "status", status, ACTION_ORDER)
        closure = entry(
            ("decision", decision), ("rationale", rationale), ("decided_by", decider), ("decided_at", day),
            ("superseded_by", superseded_by),
        )
        place(target, "closure", closure, ACTION_ORDER)

    plan = Plan(
        (_action_stage(action, edit),),
        frozenset({"PM008", "PM103", "PM306"}),
        f"recorded: {action.id} closed as {status} ({decision}) by {decider} on {day}",
    )
    return _finish(session, document, action, plan)


def review(common: Common, pm_ids: Sequence[str], date: dt.date, attendees: str | None, notes: str | None) -> list[Edit]:
    """A `reviews` entry on each postmortem; every file is checked before any is written."""
    session = open_session(common.repo, common.config, common.as_of)
    if date > session.as_of:
        raise UsageError(f"--date {date} is after the as-of date {session.as_of}; record a review once it has happened")
    people = resolve_people(attendees, "--attendees", session.roster) if attendees is not None else ()
    notes = notes.strip() if notes is not None and notes.strip() else None
    edits: list[Edit] = []
    seen: set[str] = set()
    for pm_id in dict.fromkeys(pm_ids):
        document = find_postmortem(session, pm_id)
        pm = loaded_postmortem(session, document)
        if pm.path in seen:
            continue
        seen.add(pm.path)

        def edit(doc: CommentedMap) -> None:
            listed = None
            if people:
                listed = CommentedSeq(people)
                listed.fa.set_flow_style()
            append(doc, "reviews", entry(("date", date), ("attendees", listed), ("notes", notes)), POSTMORTEM_ORDER)

        plan = Plan(
            (Stage((("reviews",), ("mitigation_timeline",)), edit),),
            frozenset({"PM103"}),
            f"recorded: review of {pm.id} on {date}" + (f" with {', '.join(people)}" if people else ""),
        )
        edits.append(plan_edit(session, document, None, plan))
    return edits
