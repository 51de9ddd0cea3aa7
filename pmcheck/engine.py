"""The check pipeline: discover, load, validate, model, run rules, decide.

``run_check`` is the one function the command line calls for ``pmcheck check``. It never prints.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pmcheck.context import Context, Corpus, Document, GitFacts
from pmcheck.decide import START, Selection, decide, finding, locate
from pmcheck.display import display_path, without_surrogates
from pmcheck.findings import Finding, Result, Violation
from pmcheck.policy import Policy, find_root, load_policy
from pmcheck.reads import Reads, visible, visible_corpus
from pmcheck.repository import Repository, collector_paused, discover, load_repository, select
from pmcheck.rules import REGISTRY, undecided_non_completion


@dataclass(frozen=True)
class CheckOptions:
    repo: str | None = None
    config: str | None = None
    paths: tuple[str, ...] = ()
    as_of: dt.date | None = None
    selection: Selection = field(default_factory=Selection)
    fail_on: str = "error"
    changed_since: str | None = None
    # False with --no-cache: neither read nor write the result cache.
    use_cache: bool = True


def load_context(repo: str | None, config: str | None, first_path: str | None) -> tuple[Path, Policy]:
    """The repository root and its policy, whose ``rules:`` may name only registered rules."""
    root = find_root(repo, first_path)
    return root, load_policy(root, config, known_codes=REGISTRY)


def as_of_date(policy: Policy, given: dt.date | None) -> dt.date:
    return given if given is not None else policy.today()


def nothing_found(where: str) -> Violation:
    """PM905: the run found no postmortem file in ``where`` (paths given, or the policy's globs)."""
    return Violation("PM905", (), f"no postmortem files found in {where}", "check the paths given, or `postmortems:` in pmcheck.yaml")


def run_rules(corpus: Corpus, ctx: Context, documents: Iterable[Document] | None = None) -> list[Finding]:
    """Every rule's violations, located. ``documents`` limits the per-document rules."""
    by_path = {d.path: d for d in corpus.documents}
    targets = list(documents) if documents is not None else corpus.documents
    findings: list[Finding] = []

    partial = corpus.load is not None

    def emit(document: Document, v: Violation, default_pm: str | None) -> None:
        doc = by_path.get(v.path, document) if v.path is not None else document
        findings.append(locate(v, doc, doc.postmortem.id if doc.postmortem is not None else default_pm))

    rules = list(REGISTRY.values())
    reads = {rule.code: Reads.parse(rule.reads) for rule in rules}
    for document in targets:
        raw_id = _raw_id(document)
        for rule in rules:
            if rule.check is None:
                continue
            if rule.scope == "raw":
                for v in rule.check(document, ctx):
                    emit(document, v, raw_id)
            elif rule.scope == "document" and document.postmortem is not None:
                # A rule never sees a value that breaks the schema: only what it may judge.
                pm = visible(document.postmortem, reads[rule.code])
                if pm is None:
                    continue
                for v in rule.check(pm, ctx):
                    emit(document, v, pm.id)
    for rule in rules:
        if rule.scope == "corpus" and rule.check is not None:
            for v in rule.check(visible_corpus(corpus, reads[rule.code]), ctx):
                if partial and v.path not in by_path:
                    continue  # a file this run does not report on, nor loaded
                if v.path is None or v.path not in by_path:
                    raise AssertionError(f"{rule.code}: corpus violations must name their file")
                emit(by_path[v.path], v, None)
    return findings


def collect_git_facts(root: Path, options: CheckOptions, corpus: Corpus) -> GitFacts | None:
    """Git facts: pull-request mode with ``--changed-since``; pre-commit mode when files are
    given inside a git work tree (the audit rules compare them with HEAD); else None.

    Git is asked only about the base; the files as they are now come from ``corpus``, loaded
    once for the check.
    """
    if options.changed_since is None and not options.paths:
        return None
    if options.changed_since is None and _outside_any_git_repository(root):
        return None  # pre-commit mode needs a work tree: spare importing GitPython
    from pmcheck import git  # GitPython is imported by that module only

    # Every postmortem, not just the files given: an action moved from a file this invocation
    # was not handed (pre-commit splits long file lists) still needs its base version.
    current = _CurrentData(corpus)
    if options.changed_since is not None:
        return git.changed_since(root, options.changed_since, current)
    return git.staged_against_head(root, current)


# Variables that change where git (and GitPython) look for a repository.
_GIT_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM")


def _outside_any_git_repository(root: Path) -> bool:
    """True only when no git repository can hold ``root``: neither it nor any folder above it
    has a ``.git`` or a ``HEAD`` (what a repository folder, bare or not, always has), and no
    variable moves the search. When in doubt False: git itself decides."""
    if any(name in os.environ for name in _GIT_LOCATION_VARIABLES):
        return False
    given = os.path.abspath(root)
    if "$" in given or "~" in given:
        return False  # GitPython expands these
    for start in {given, os.path.realpath(given)}:
        folder = start
        while True:
            if os.path.lexists(os.path.join(folder, ".git")) or os.path.lexists(os.path.join(folder, "HEAD")):
                return False
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    return True


@collector_paused()
def run_check(options: CheckOptions) -> Result:
    """Run ``pmcheck check`` and return its result (raises PmcheckError for exit-2 problems)."""
    root, policy = load_context(options.repo, options.config, options.paths[0] if options.paths else None)
    as_of = as_of_date(policy, options.as_of)
    all_files = discover(root, policy)
    # The files the run reports on; a file PATH outside the policy's globs is checked too.
    chosen = select(root, all_files, options.paths, policy) if options.paths else all_files
    files = sorted(set(all_files) | set(chosen))
    # Reporting on some files (pre-commit hands over the changed ones), the others are read from
    # the cache's index where it can; a pull-request run also judges files that name removed ids,
    # so it loads every file.
    some = bool(options.paths) and options.changed_since is None
    repository = load_repository(root, policy, files, use_cache=options.use_cache, full=set(chosen) if some else None)
    git = collect_git_facts(root, options, repository.corpus)
    if git is not None and git.pull_request:
        reported = [p for p in chosen if p in git.changed_paths]
        wanted = set(chosen)
        reported += [p for p in _naming_removed_ids(repository.corpus, git, set(reported)) if p in wanted]
    else:
        reported = list(chosen)
    ctx = Context(policy, repository.roster, as_of, git)
    return _result(repository, ctx, options, reported)


def check_repository(repository: Repository, ctx: Context) -> Result:
    """Check every file of an already loaded repository (``render`` loads once, then reports)."""
    return _result(repository, ctx, CheckOptions(), [d.path for d in repository.corpus.documents])


def _result(repository: Repository, ctx: Context, options: CheckOptions, reported: list[str]) -> Result:
    corpus = repository.corpus
    reported_set = frozenset(reported)
    targets = [d for d in corpus.documents if d.path in reported_set]
    raw: list[Finding] = []
    raw_ids = {d.path: _raw_id(d) for d in corpus.documents}
    raw.extend(finding(issue.violation, issue.path, issue.span, raw_ids.get(issue.path)) for issue in repository.issues)
    raw.extend(run_rules(corpus, ctx, targets))
    deleted = _deleted_actions(corpus, ctx)
    raw.extend(deleted)
    if ctx.git is not None and ctx.git.pull_request:
        # A deleted action is a change even when no remaining file changed, or its file is gone.
        reported_set |= {f.path for f in deleted}
    notes: list[str] = list(ctx.git.notes) if ctx.git is not None else []
    if repository.roster is None:
        notes.append(f"no {ctx.policy.people} found: owner roster rules (PM103, PM104, PM105 roles) were skipped")
    pull_request = ctx.git is not None and ctx.git.pull_request
    if not reported and not pull_request:
        where = ", ".join(options.paths) if options.paths else ", ".join(ctx.policy.postmortems)
        raw.append(finding(nothing_found(where), ".", START))
    findings = decide(raw, corpus, ctx, options.selection, reported_set)
    if pull_request and not reported and not deleted:
        notes.append("no postmortem changed since the base; nothing to check")
    reported_pms = [d.postmortem for d in targets if d.postmortem is not None]
    return Result(
        root=repository.root,
        as_of=ctx.as_of,
        findings=tuple(_shown(f) for f in findings),
        files=len(reported),
        postmortems=len(reported_pms),
        actions=sum(len(pm.actions) for pm in reported_pms),
        fail_on=options.fail_on,
        notes=tuple(notes),
        changed_paths=frozenset(map(display_path, ctx.git.changed_paths)) if ctx.git is not None and pull_request else None,
    )


def _shown(finding: Finding) -> Finding:
    """The finding as reports show it: its path in display form (the real one kept for SARIF)
    and no surrogate escapes left in its text, which no output encoding accepts."""
    path = display_path(finding.path)
    message, hint = finding.message, finding.hint
    if path == finding.path and message.isascii() and hint.isascii():
        return finding
    return replace(
        finding,
        path=path,
        message=without_surrogates(message),
        hint=without_surrogates(hint),
        file=finding.path if path != finding.path else None,
    )


def _deleted_actions(corpus: Corpus, ctx: Context) -> list[Finding]:
    """PM306 for actions deleted without a decision, at their postmortem's ``actions`` when the
    postmortem still exists, else at the start of the file it was deleted from."""
    git = ctx.git
    if git is None:
        return []
    present = frozenset(_present_ids(corpus))
    paths: dict[str, str] = {}
    for summary in corpus.summaries:
        if summary.raw_id is not None:
            paths.setdefault(summary.raw_id, summary.path)
    found: list[Finding] = []
    for dropped in undecided_non_completion.check_deleted(ctx, present):
        path = paths.get(dropped.postmortem)
        if path is not None:
            found.append(locate(dropped.violation, corpus.document(path), dropped.postmortem))
        elif dropped.postmortem in git.base_postmortem_paths:
            found.append(finding(dropped.violation, git.base_postmortem_paths[dropped.postmortem], START, dropped.postmortem))
    return found


def _present_ids(corpus: Corpus) -> set[str]:
    """Every postmortem and action id in the corpus as it is now, valid or not."""
    present: set[str] = set()
    for summary in corpus.summaries:
        present.add(summary.raw_id or "")
        present.update(action_id for action_id in summary.raw_action_ids if action_id is not None)
    return present


class _CurrentData(Mapping[str, Any]):
    """Every postmortem file's data as it is now, for git to compare with its base; a file the
    run did not load is loaded when git asks for it (only changed files are asked for)."""

    def __init__(self, corpus: Corpus) -> None:
        self._corpus = corpus
        self._paths = [summary.path for summary in corpus.summaries]

    def __getitem__(self, path: str) -> Any:
        if path not in self._corpus.complete.paths:
            raise KeyError(path)
        document = self._corpus.document(path)
        return document.data if document.loaded.ok else None

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def _naming_removed_ids(corpus: Corpus, git: GitFacts, reported: set[str]) -> list[str]:
    """Unchanged files that name a postmortem or action id the change removed.

    Deleting a postmortem or dropping an action breaks the files that link to it
    (``related_incidents``, ``closure.superseded_by``) without touching them; the pull request
    has to see that, or the next full check of the main branch fails instead.
    """
    present = _present_ids(corpus)
    removed = (set(git.base_postmortems) | set(git.base_actions)) - present
    if not removed:
        return []
    return [d.path for d in corpus.documents if d.path not in reported and _mentions(d.data, removed)]


def _mentions(data: object, ids: set[str]) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item in ids:
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _raw_id(document: Document) -> str | None:
    return document.ids.postmortem
