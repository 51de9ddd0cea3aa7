"""What rules are given: the policy, the roster, the as-of date, git facts, and the corpus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pmcheck.loader import Loaded
from pmcheck.model import Action, Postmortem
from pmcheck.people import Roster
from pmcheck.policy import Policy
from pmcheck.summary import Summary, summarize


@dataclass(frozen=True)
class GitFacts:
    """What git knows about the change under check (pull-request or pre-commit mode).

    ``touched_actions``/``touched_postmortems`` are the ids the change added or modified;
    ``base_actions`` maps an action id to its raw data at the base revision, and
    ``base_postmortems`` a postmortem id to its raw data there; ``base_paths`` maps a changed
    file to its path at the base when it was renamed.
    """

    base: str
    changed_paths: frozenset[str]
    touched_postmortems: frozenset[str]
    touched_actions: frozenset[str]
    base_actions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    base_postmortems: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    base_paths: Mapping[str, str] = field(default_factory=dict)
    # Where each base postmortem lived at the base (root-relative): a deleted file's findings
    # point there.
    base_postmortem_paths: Mapping[str, str] = field(default_factory=dict)
    # False in pre-commit mode: the audit rules compare with HEAD, but nothing is demoted and the
    # run reports the files it was given.
    pull_request: bool = True
    # What the run must say about how it compared (a submodule checked as changed).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    policy: Policy
    roster: Roster | None
    as_of: dt.date
    git: GitFacts | None = None


class RawIds(NamedTuple):
    """The ids a document's plain data gives, valid or not: what the rules on raw ids and the
    engine read of every file, kept so they need not read the data itself again."""

    # The top-level ``id`` when the document is a mapping and it is text.
    postmortem: str | None
    # One per item of ``actions`` (when it is a list): the item's ``id`` when the item is a
    # mapping and its id is text, else None.
    actions: tuple[str | None, ...]


def raw_ids(data: Any) -> RawIds:
    if not isinstance(data, dict):
        return RawIds(None, ())
    pm_id = data.get("id")
    actions = data.get("actions")
    return RawIds(
        pm_id if isinstance(pm_id, str) else None,
        tuple(
            a["id"] if isinstance(a, dict) and isinstance(a.get("id"), str) else None for a in actions
        )
        if isinstance(actions, list)
        else (),
    )


@dataclass
class Document:
    """One postmortem file as loaded: raw data, spans, and the model when it is schema-valid."""

    path: str
    loaded: Loaded
    postmortem: Postmortem | None = None
    _ids: RawIds | None = field(default=None, repr=False, compare=False)
    _summary: Summary | None = field(default=None, repr=False, compare=False)

    @property
    def data(self) -> Any:
        return self.loaded.data

    @property
    def summary(self) -> Summary:
        """What cross-file rules read of this file (``pmcheck.summary``)."""
        if self._summary is None:
            pm_id, action_ids = self.ids
            self._summary = summarize(self.path, pm_id, action_ids, self.loaded.data, self.postmortem)
        return self._summary

    @property
    def ids(self) -> RawIds:
        if self._ids is None:
            self._ids = raw_ids(self.loaded.data)
        return self._ids


@dataclass
class Corpus:
    """The postmortem files of the repository.

    ``documents`` are the files loaded in full; ``summaries`` describe every file, loaded in full
    or not (``pmcheck.summary``): cross-file rules see the whole repository through them. A file
    that is not loaded is loaded when a rule asks for its postmortem by id (``find``).
    """

    documents: list[Document]
    by_id: dict[str, Postmortem] = field(default_factory=dict)
    # A rule's view of the repository (``reads.visible_corpus``) keeps the full corpus here, so
    # that whether an id exists never depends on what the rule may judge.
    whole: Corpus | None = None
    # Every file's summary, in path order; None: taken from ``documents`` when first asked.
    given_summaries: list[Summary] | None = None
    # Loads a file that is not in ``documents`` (None when every file is).
    load: Callable[[str], Document] | None = None
    # What a rule's view makes of a postmortem found by id (``reads.visible``).
    shown: Callable[[Postmortem], Postmortem | None] | None = None
    # Whether the view shows the postmortem a summary describes (``reads.shows``).
    shows: Callable[[Summary], bool] | None = None
    # Built when first asked for.
    _paths_by_id: dict[str, list[str]] | None = field(default=None, init=False, repr=False, compare=False)
    _paths: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)
    _documents_by_path: dict[str, Document] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def complete(self) -> Corpus:
        """The corpus with every postmortem, whatever a rule's view left out."""
        return self.whole if self.whole is not None else self

    @property
    def postmortems(self) -> Iterator[Postmortem]:
        for document in self.documents:
            if document.postmortem is not None:
                yield document.postmortem

    def actions(self) -> Iterator[tuple[Postmortem, Action]]:
        for pm in self.postmortems:
            for action in pm.actions:
                yield pm, action

    @property
    def summaries(self) -> list[Summary]:
        whole = self.complete
        if whole.given_summaries is None:
            whole.given_summaries = [d.summary for d in whole.documents]
        return whole.given_summaries

    @property
    def postmortem_summaries(self) -> Iterator[Summary]:
        """The summaries of the postmortems this view shows (files with a model), in path order."""
        for summary in self.summaries:
            if summary.id is not None and (self.shows is None or self.shows(summary)):
                yield summary

    def find(self, pm_id: str) -> Postmortem | None:
        """The postmortem with this id as this view shows it (the first file's, when several
        files claim the id), loading its file when it is not loaded yet."""
        whole = self.complete
        if whole.load is None:
            return self.by_id.get(pm_id)
        for path in whole.paths_of(pm_id):
            pm = whole.document(path).postmortem
            if pm is not None and self.shown is not None:
                pm = self.shown(pm)
            if pm is not None:
                return pm
        return None

    @property
    def paths(self) -> frozenset[str]:
        """Every file's path, loaded in full or not."""
        if self._paths is None:
            self._paths = frozenset(summary.path for summary in self.summaries)
        return self._paths

    def paths_of(self, pm_id: str) -> list[str]:
        index = self._paths_by_id
        if index is None:
            index = {}
            for summary in self.summaries:
                if summary.id is not None:
                    index.setdefault(summary.id, []).append(summary.path)
            self._paths_by_id = index
        return index.get(pm_id, [])

    def document(self, path: str) -> Document:
        """The document of ``path``, loaded now when it was not."""
        found = self._documents_by_path.get(path)
        if found is None:
            assert self.load is not None
            found = self._documents_by_path[path] = self.load(path)
        return found

    def __post_init__(self) -> None:
        self._documents_by_path = {d.path: d for d in self.documents}
