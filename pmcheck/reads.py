"""What a rule may see of a postmortem that is only partly valid.

A schema error hides nothing else (SPEC section 2): a value that breaks the schema is unknown in
the model, and each rule declares the fields it reads in its module's ``READS``:

- ``"severity"``, ``"incident.started_at"``: a field of the postmortem. When it is unknown, the
  rule does not judge the postmortem at all.
- ``"action.due"``: a field of the action being judged. The rule judges each action on its own,
  so an action whose ``due`` is unknown is left out of the rule's view; the others are judged.
- ``"actions.type"``: a field of *every* action, for a rule that judges the postmortem from all
  its actions together ("no action prevents a repeat"). One unknown skips the postmortem.

A read names a field or a mapping: ``"action.verification"`` is touched by an unknown
``verification.result``, and ``"action.verification.by"`` only by ``verification.by`` or by the
whole ``verification``. A read marked ``?`` (``"?severity"``) is one the rule needs only for some
of its findings: the model leaves the unknown value out (None or empty), the rule judges nothing
that depends on it, and everything else it judges as usual ("a P0 action has no success
criteria" holds whatever the postmortem's severity). A rule without ``READS`` reads everything: it sees only postmortems
without any unknown value. The engine asks this module, in one place, what each rule may see.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from pmcheck.context import Corpus
from pmcheck.model import Action, Postmortem
from pmcheck.summary import Summary


@dataclass(frozen=True)
class Reads:
    """A rule's ``READS``, split by what an unknown value there holds back."""

    postmortem: tuple[str, ...] = ()
    action: tuple[str, ...] = ()
    every_action: tuple[str, ...] = ()
    everything: bool = False

    @classmethod
    def parse(cls, reads: Iterable[str] | None) -> Reads:
        if reads is None:
            return cls(everything=True)
        postmortem: list[str] = []
        action: list[str] = []
        every: list[str] = []
        for read in reads:
            if read.startswith("?"):
                # Read where known; an unknown value holds nothing back (see the module doc).
                continue
            if read.startswith("action."):
                action.append(read.removeprefix("action."))
            elif read.startswith("actions."):
                every.append(read.removeprefix("actions."))
                # An action the model could not use at all is unknown to every such read.
                postmortem.append("actions")
            else:
                postmortem.append(read)
        return cls(tuple(postmortem), tuple(action), tuple(every))


def touches(unknown: frozenset[str], reads: tuple[str, ...]) -> bool:
    """Whether any read field is, contains or lies inside an unknown one."""
    if not unknown or not reads:
        return False
    for field in unknown:
        for read in reads:
            if field == read or field.startswith(read + ".") or read.startswith(field + "."):
                return True
    return False


def visible(pm: Postmortem, reads: Reads) -> Postmortem | None:
    """The postmortem as the rule may see it: None to skip it, else without the actions it
    cannot judge (the same object when nothing it reads is unknown)."""
    if reads.everything:
        clean = not pm.unknown and not any(a.unknown for a in pm.actions)
        return pm if clean else None
    if touches(pm.unknown, reads.postmortem):
        return None
    if reads.every_action and any(touches(a.unknown, reads.every_action) for a in pm.actions):
        return None
    if not reads.action or not any(a.unknown for a in pm.actions):
        return pm
    kept: list[Action] = [a for a in pm.actions if not touches(a.unknown, reads.action)]
    if len(kept) == len(pm.actions):
        return pm
    return dataclasses.replace(pm, actions=tuple(kept))


def shows(summary: Summary, reads: Reads) -> bool:
    """Whether ``visible`` would show the postmortem ``summary`` describes (its actions aside)."""
    if summary.id is None:
        return False
    if reads.everything:
        return not summary.unknown and not summary.action_unknown
    if touches(summary.unknown, reads.postmortem):
        return False
    return not (reads.every_action and touches(summary.action_unknown, reads.every_action))


def visible_corpus(corpus: Corpus, reads: Reads) -> Corpus:
    """The corpus as a cross-file rule may see it: each postmortem as ``visible`` makes it.

    ``whole`` keeps the full corpus for questions of existence ("is there a postmortem with this
    id?"), which an unknown value elsewhere in that postmortem does not change.
    """

    def shown(pm: Postmortem) -> Postmortem | None:
        return visible(pm, reads)

    def summary_shown(summary: Summary) -> bool:
        return shows(summary, reads)

    if not any(pm.unknown or any(a.unknown for a in pm.actions) for pm in corpus.postmortems):
        # Every loaded postmortem is shown whole; files read from the index still go through
        # ``shown`` and ``summary_shown``.
        return Corpus(corpus.documents, dict(corpus.by_id), whole=corpus, shown=shown, shows=summary_shown)
    documents = [
        # replace keeps what the document knows of its raw ids (reading them again means
        # unpacking the data)
        dataclasses.replace(d, postmortem=visible(d.postmortem, reads) if d.postmortem is not None else None)
        for d in corpus.documents
    ]
    view = Corpus(documents, whole=corpus, shown=shown, shows=summary_shown)
    for pm in view.postmortems:
        view.by_id.setdefault(pm.id, pm)
    return view
