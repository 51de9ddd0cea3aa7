"""The one place that decides what is reported, and how severely.

In order: the policy's ``rules:`` overrides (a severity, or ``off``), waivers (which suppress a
rule on one action or postmortem, and are themselves judged: PM901 expired, PM902 too long or
self-approved, PM903 unused), ``--select``/``--ignore``, the files the run reports on, and in
pull-request mode the demotion of findings that only the passing of time produced outside the
change (they become notices, which never fail a run).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pmcheck.context import Context, Corpus, Document
from pmcheck.dates import add_days
from pmcheck.findings import Finding, Severity, Violation, pointer
from pmcheck.model import Action, Postmortem, Waiver
from pmcheck.rules import REGISTRY

# Findings that can appear on an unchanged file just because a day passed (each rule says so).
TIME_DRIVEN = frozenset(code for code, rule in REGISTRY.items() if rule.time_driven)
WAIVER_CODES = frozenset({"PM901", "PM902", "PM903"})
# --select/--ignore and the reported files never hide a run that checked nothing (PM905): a
# silent pass is a failure.
ALWAYS_REPORTED = frozenset({"PM905"})

# (line, column, end line, end column), 1-based.
Span = tuple[int, int, int, int]
# Where a finding about a whole file, or about the run itself, points.
START: Span = (1, 1, 1, 1)


def finding(v: Violation, path: str, span: Span, postmortem: str | None = None) -> Finding:
    """The one place a Finding is built: ``v`` at ``span`` of ``path``, named by its rule and
    given the rule's default severity unless the rule chose one (``decide`` applies the policy)."""
    rule = REGISTRY[v.code]
    line, column, end_line, end_column = span
    return Finding(
        path=path,
        line=line,
        column=column,
        code=v.code,
        end_line=end_line,
        end_column=end_column,
        name=rule.name,
        severity=v.severity or rule.severity,
        message=v.message,
        hint=v.hint,
        pointer=pointer(v.at),
        postmortem=v.postmortem or postmortem,
        action=v.action,
    )


def locate(v: Violation, document: Document, postmortem: str | None = None) -> Finding:
    """``v`` located in ``document`` through its data path (the nearest ancestor that exists),
    at the value itself when the violation is about the value."""
    spans = document.loaded.spans
    return finding(v, document.path, spans.locate_value(v.at) if v.on_value else spans.locate(v.at), postmortem)


@dataclass(frozen=True)
class Selection:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def wants(self, code: str) -> bool:
        def hit(patterns: Sequence[str]) -> int:
            # The longest matching prefix wins, as in flake8: `--select PM2 --ignore PM205`.
            return max((len(p) for p in patterns if code.startswith(p)), default=-1)

        # On a tie (`--select PM205 --ignore PM205`) the ignore wins, as in flake8 and ruff.
        selected = hit(self.select) if self.select else 0
        return selected >= 0 and selected > hit(self.ignore)


def parse_codes(values: Iterable[str]) -> tuple[str, ...]:
    """Codes or prefixes from repeated and comma-separated options, validated."""
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            code = part.strip().upper()
            if not code:
                continue
            if not code.startswith("PM") or not any(c.startswith(code) for c in REGISTRY):
                raise ValueError(f"{part.strip()!r} is not a rule code or prefix (see `pmcheck rules`)")
            out.append(code)
    return tuple(out)


@dataclass(frozen=True)
class _WaiverState:
    waiver: Waiver
    pm: Postmortem
    action: Action | None
    problem: str | None

    @property
    def effective(self) -> bool:
        return self.problem is None


def _judge(waiver: Waiver, pm: Postmortem, action: Action | None, ctx: Context) -> str | None:
    """Why a waiver suppresses nothing: "expired", "too-long", "self-approved", or None."""
    if waiver.expires < ctx.as_of:
        return "expired"
    if (waiver.expires - ctx.as_of).days > ctx.policy.waiver_max_days:
        return "too-long"
    owner = action.owner if action is not None else None
    if owner is not None and waiver.approved_by == owner:
        return "self-approved"
    if action is None and waiver.approved_by == pm.owner:
        return "self-approved"
    return None


def _waiver_violations(states: list[_WaiverState], used: set[int], ctx: Context) -> list[tuple[Postmortem, Violation]]:
    """Each waiver that is itself a finding (PM901, PM902, PM903), with its postmortem."""
    out: list[tuple[Postmortem, Violation]] = []
    for n, state in enumerate(states):
        w = state.waiver
        where = f"action {state.action.id}" if state.action else f"postmortem {state.pm.id}"

        def add(code: str, at: tuple[str | int, ...], message: str, hint: str) -> None:
            action = state.action.id if state.action is not None else None
            out.append((state.pm, Violation(code, at, message, hint, action=action, postmortem=state.pm.id)))

        if state.problem == "expired":
            add("PM901", w.at + ("expires",), f"waiver of {w.rule} on {where} expired on {w.expires}", "renew it with a new approval or fix what it waived")
        elif state.problem == "too-long":
            limit = add_days(ctx.as_of, ctx.policy.waiver_max_days)
            add("PM902", w.at + ("expires",), f"waiver of {w.rule} on {where} expires {w.expires}, after the {ctx.policy.waiver_max_days}-day limit ({limit})", f"set `expires:` on or before {limit}")
        elif state.problem == "self-approved":
            add("PM902", w.at + ("approved_by",), f"waiver of {w.rule} on {where} is approved by {w.approved_by}, who owns what it waives", "have someone other than the owner approve it")
        elif n not in used:
            add("PM903", w.at, f"waiver of {w.rule} on {where} suppresses nothing", "remove the waiver; nothing it waives is reported")
    return out


def decide(
    raw: list[Finding],
    corpus: Corpus,
    ctx: Context,
    selection: Selection,
    reported_paths: frozenset[str] | None,
) -> list[Finding]:
    """Apply overrides, waivers, selection, path filter and PR-mode demotion; sorted result.

    ``raw`` are the located findings of the run; the waivers' own findings are located here, in
    their postmortem's document in ``corpus``.
    """
    policy = ctx.policy
    states: list[_WaiverState] = []
    by_target: dict[tuple[str, str | None, str], list[int]] = {}
    for pm in corpus.postmortems:
        for waiver in pm.waivers:
            by_target.setdefault((pm.id, None, waiver.rule), []).append(len(states))
            states.append(_WaiverState(waiver, pm, None, _judge(waiver, pm, None, ctx)))
        for action in pm.actions:
            for waiver in action.waivers:
                by_target.setdefault((pm.id, action.id, waiver.rule), []).append(len(states))
                states.append(_WaiverState(waiver, pm, action, _judge(waiver, pm, action, ctx)))

    # The effective waivers of each target, marked used once: many findings on one target
    # (a repeated action id) must not each walk the same waivers again.
    effective = {key: [n for n in indices if states[n].effective] for key, indices in by_target.items()}
    effective = {key: indices for key, indices in effective.items() if indices}
    used: set[int] = set()
    used_targets: set[tuple[str, str | None, str]] = set()
    kept: list[Finding] = []
    for finding in raw:
        if effective and finding.code not in WAIVER_CODES and finding.postmortem is not None:
            keys = [(finding.postmortem, finding.action, finding.code)]
            if finding.action is not None:
                keys.append((finding.postmortem, None, finding.code))
            hits = [key for key in keys if key in effective]
            if hits:
                for key in hits:
                    if key not in used_targets:
                        used_targets.add(key)
                        used.update(effective[key])
                continue
        kept.append(finding)

    documents = {d.path: d for d in corpus.documents}
    for pm, violation in _waiver_violations(states, used, ctx):
        kept.append(locate(violation, documents[pm.path]))

    out: list[Finding] = []
    git = ctx.git
    for finding in kept:
        override = policy.severity_override(finding.code)
        if override == "off":
            continue
        if isinstance(override, Severity):
            finding = replace(finding, severity=override)
        if finding.code not in ALWAYS_REPORTED and (
            not selection.wants(finding.code) or (reported_paths is not None and finding.path not in reported_paths)
        ):
            continue
        if git is not None and git.pull_request and finding.code in TIME_DRIVEN:
            touched = (
                finding.action in git.touched_actions
                if finding.action is not None
                else finding.postmortem in git.touched_postmortems
            )
            if not touched:
                finding = replace(finding, notice=True)
        out.append(finding)
    out.sort()
    return out
