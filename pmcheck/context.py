"""What rules are given: the policy, the roster, the as-of date, git facts, and the corpus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pmcheck.loader import Loaded
from pmcheck.model import Action, Postmortem
from pmcheck.people import Roster
from pmcheck.policy import Policy


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

    @property
    def data(self) -> Any:
        return self.loaded.data

    @property
    def ids(self) -> RawIds:
        if self._ids is None:
            self._ids = raw_ids(self.loaded.data)
        return self._ids


@dataclass
class Corpus:
    """Every postmortem file of the repository (cross-file rules always see all of them)."""

    documents: list[Document]
    by_id: dict[str, Postmortem] = field(default_factory=dict)
    # A rule's view of the repository (``reads.visible_corpus``) keeps the full corpus here, so
    # that whether an id exists never depends on what the rule may judge.
    whole: Corpus | None = None

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
