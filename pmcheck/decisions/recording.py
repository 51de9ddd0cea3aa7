"""Find the file a decision edits, edit it in memory, prove the result with the real rules, write.

Every decision goes through ``record``: the edited text is loaded again with pmcheck's own
loader, schema and model, and the rules the decision is about run on it with git facts whose
base is the action before the edit (so PM106 and PM203 judge the audit entries the decision
appends). Any finding of those rules on the action refuses the decision and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from pmcheck.context import Context, Corpus, Document, GitFacts
from pmcheck.decide import Selection, decide, locate
from pmcheck.decisions.edit import EditableFile, EditError
from pmcheck.engine import as_of_date, load_context, run_rules
from pmcheck.errors import PmcheckError, UsageError
from pmcheck.findings import DataPath, Finding, Violation
from pmcheck import files
from pmcheck.loader import DEFAULT_LIMITS, load_text
from pmcheck.model import Action, Postmortem, build_postmortem, zone
from pmcheck.people import Roster
from pmcheck.policy import Policy
from pmcheck.reporters.text import display_path
from pmcheck.repository import Repository, discover, load_repository
from pmcheck.schema import compile_validator, iter_schema_errors, postmortem_schema

BOM = "\ufeff"


class Refused(PmcheckError):
    """The decision would leave a finding of the rules it is about; nothing was written.

    The findings read as `check` prints them: `path:line:col: [level] CODE name: message`, the
    path from the current directory, then the hint.
    """

    exit_code = 1

    def __init__(self, findings: Sequence[Finding], path: str, root: Path) -> None:
        cwd = Path.cwd()
        lines: list[str] = []
        for f in findings:
            shown = display_path(root, f.path, cwd)
            lines.append(f"{shown}:{f.line}:{f.column}: [{f.severity.label}] {f.code} {f.name}: {f.message}")
            if f.hint:
                lines.append(f"  hint: {f.hint}")
        lines.append(f"refused: nothing written to {display_path(root, path, cwd)}")
        super().__init__("\n".join(lines))
        self.findings = tuple(findings)


@dataclass(frozen=True)
class Stage:
    """One in-memory edit: a change to the document, styled like the list at ``prefer``."""

    prefer: tuple[DataPath, ...]
    apply: Callable[[CommentedMap], None]


# A command's own judgement of the edited postmortem, beyond what the rules check: violations
# of the command's rules that the rules cannot see (an escalation to the wrong person next to a
# right one).
ExtraCheck = Callable[[Postmortem, Context], Iterable[Violation]]


@dataclass(frozen=True)
class Plan:
    """What a decision writes, which rules must be silent on the action after it, and its summary."""

    stages: tuple[Stage, ...]
    codes: frozenset[str]
    summary: str
    extra: ExtraCheck | None = None


@dataclass(frozen=True)
class Edit:
    """A computed change of one file, not yet written."""

    path: str
    full: Path
    root: Path
    before: str
    after: str
    summary: str

    @property
    def diff(self) -> str:
        return unified_diff(self.before, self.after, self.path)


@dataclass
class Session:
    """The repository as the decision sees it: policy, roster, as-of date, every postmortem."""

    root: Path
    policy: Policy
    as_of: dt.date
    repository: Repository
    unreadable: list[str] = field(default_factory=list)

    @property
    def roster(self) -> Roster | None:
        return self.repository.roster

    @property
    def context(self) -> Context:
        return Context(self.policy, self.roster, self.as_of, None)


def open_session(repo: str | None, config: str | None, as_of: dt.date | None) -> Session:
    root, policy = load_context(repo, config, None)
    files = discover(root, policy)
    repository = load_repository(root, policy, files)
    unreadable = sorted({i.path for i in repository.issues if i.code == "PM001"})
    return Session(root, policy, as_of_date(policy, as_of), repository, unreadable)


def _actions(data: Any) -> list[Any]:
    actions = data.get("actions") if isinstance(data, dict) else None
    return actions if isinstance(actions, list) else []


def all_action_ids(session: Session) -> set[str]:
    return {
        a["id"]
        for d in session.repository.corpus.documents
        for a in _actions(d.data)
        if isinstance(a, dict) and isinstance(a.get("id"), str)
    }


def _not_found(session: Session, what: str) -> str:
    where = ", ".join(session.policy.postmortems)
    extra = f"; {len(session.unreadable)} file(s) could not be read: {', '.join(session.unreadable)}" if session.unreadable else ""
    return f"{what} is not in any postmortem under {where}{extra}"


def find_action(session: Session, action_id: str) -> tuple[Document, int]:
    """The document holding ``action_id`` and the action's index; exit 2 when none or several."""
    hits = [
        (d, n)
        for d in session.repository.corpus.documents
        for n, a in enumerate(_actions(d.data))
        if isinstance(a, dict) and a.get("id") == action_id
    ]
    if not hits:
        raise UsageError(_not_found(session, f"action {action_id}"))
    if len(hits) > 1:
        places = ", ".join(f"{d.path} (action {n + 1})" for d, n in hits)
        raise UsageError(f"action id {action_id} is in more than one place: {places}; fix the duplicate (PM005) first")
    return hits[0]


def find_postmortem(session: Session, pm_id: str) -> Document:
    hits = [d for d in session.repository.corpus.documents if isinstance(d.data, dict) and d.data.get("id") == pm_id]
    if not hits:
        raise UsageError(_not_found(session, f"postmortem {pm_id}"))
    if len(hits) > 1:
        raise UsageError(f"postmortem id {pm_id} is in more than one file: {', '.join(d.path for d in hits)}")
    return hits[0]


def _blocks(at: DataPath, index: int | None) -> bool:
    """Whether a schema error at ``at`` stops a decision on action ``index`` (None: the postmortem).

    An error in another action does not: the model keeps everything valid (SPEC section 2), so
    the decision and its rules see what they need.
    """
    if at[:1] != ("actions",) or len(at) < 2:
        return True
    return index is not None and at[1] == index


def loaded_postmortem(session: Session, document: Document, index: int | None = None) -> Postmortem:
    """The document's model; a YAML problem, or a schema error in the edited action or at the
    postmortem's top level, is refused (exit 2)."""
    issues = sorted(
        (i for i in session.repository.issues if i.path == document.path and (i.code != "PM003" or _blocks(i.at, index))),
        key=lambda i: (i.line, i.column),
    )
    if issues:
        first = issues[0]
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        raise UsageError(
            f"{first.path}:{first.line}:{first.column}: {first.code} {first.message}{more}; "
            "fix the file before recording a decision in it"
        )
    if document.postmortem is None:
        raise UsageError(f"{document.path}: the file does not hold a postmortem")
    return document.postmortem


def read_text(root: Path, rel: str) -> str:
    try:
        return files.read_bytes(root / rel, DEFAULT_LIMITS.max_bytes, root).decode("utf-8")
    except files.Refused as refused:
        raise UsageError(f"{rel}: {refused.reason}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{rel}: cannot read: {getattr(error, 'strerror', None) or error}") from None


def apply_plan(text: str, plan: Plan, rel: str) -> str:
    """The file's text after every stage of ``plan``, each styled after the list it edits."""
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    for stage in plan.stages:
        try:
            editable = EditableFile(body, stage.prefer)
            stage.apply(editable.data)
            body = editable.render()
        except EditError as error:
            raise UsageError(f"{rel}: {error}") from None
    return BOM + body if bom else body


def verify_edit(session: Session, document: Document, action: Action | None, after: str, plan: Plan) -> None:
    """Load ``after`` as ``check`` would and refuse when one of ``codes`` fires on the action."""
    rel = document.path
    loaded = load_text(after[1:] if after.startswith(BOM) else after, rel)
    if loaded.problems or loaded.data is None:
        problem = loaded.problems[0] if loaded.problems else None
        raise UsageError(f"{rel}: the edit would not load ({problem.message if problem else 'empty'}); nothing written")
    policy = session.policy
    validator = compile_validator(postmortem_schema(list(policy.severities), list(policy.priorities), policy.failure_modes))
    refused: list[DataPath] = []
    for error in iter_schema_errors(validator, loaded.data, loaded.spans.yaml11_bools):
        if error.code == "PM003" and not _blocks(error.at, action.index if action is not None else None):
            if error.refused is not None:
                refused.append(error.refused)
            continue
        line, column, _, _ = loaded.spans.locate(error.at)
        raise UsageError(f"{rel}:{line}:{column}: {error.code} {error.message}; nothing written")
    pm = build_postmortem(rel, loaded.data, zone(policy.timezone), refused)
    edited = Document(rel, loaded, pm)
    corpus = Corpus([edited], {pm.id: pm})
    old = document.postmortem
    base_actions = {a.id: a.raw for a in old.actions} if old is not None else {}
    git = GitFacts(
        base="working tree",
        changed_paths=frozenset({rel}),
        touched_postmortems=frozenset({pm.id}),
        touched_actions=frozenset({action.id} if action is not None else ()),
        base_actions=base_actions,
        base_postmortems={old.id: old.raw} if old is not None else {},
        pull_request=False,
    )
    ctx = Context(policy, session.roster, session.as_of, git)

    raw = run_rules(corpus, ctx, [edited])
    if plan.extra is not None:
        for v in plan.extra(pm, ctx):
            raw.append(locate(v, edited, pm.id))
    findings = decide(raw, corpus, ctx, Selection(), None)
    wanted = [
        f for f in findings
        if f.code in plan.codes and (action is None or f.action == action.id or (f.action is None and f.postmortem == pm.id))
    ]
    if wanted:
        raise Refused(wanted, rel, session.root)


def plan_edit(session: Session, document: Document, action: Action | None, plan: Plan) -> Edit:
    full = session.root / document.path
    before = read_text(session.root, document.path)
    after = apply_plan(before, plan, document.path)
    verify_edit(session, document, action, after, plan)
    return Edit(document.path, full, session.root, before, after, plan.summary)


def unified_diff(before: str, after: str, rel: str) -> str:
    """A git-style unified diff of one file (``--- a/path`` / ``+++ b/path``)."""
    lines = list(difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{rel}", f"b/{rel}"))
    out: list[str] = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def write_edit(edit: Edit, root: Path) -> None:
    """Replace the postmortem file atomically (``pmcheck.files``: temporary file, then a rename)."""
    try:
        files.write_atomically(edit.full, edit.after, root)
    except files.Refused as refused:
        raise UsageError(f"cannot write {edit.path}: {refused.reason}") from None
    except OSError as error:
        raise UsageError(f"cannot write {edit.path}: {error.strerror or error}") from None
