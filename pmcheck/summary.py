"""What cross-file rules know of a postmortem file without loading it (SPEC section 12).

A cross-file rule judges the files a run reports on against every other file of the repository.
What it asks of those others is small: their ids (PM005, PM008), their links, workflow, services,
failure modes and start (PM501). ``Summary`` is exactly that, and the rules read it for every
file, loaded in full or not; the result cache keeps one per file (``pmcheck.index``), so
``pmcheck check ONE.yaml`` in a repository of thousands of postmortems loads one file and reads
the others' summaries. A rule that needs more of another postmortem (PM502 reads the fixes of an
earlier incident) asks the corpus for it by id, and only that file is loaded.

The summary is taken from the loaded document: raw ids come from the data as written (PM005 also
judges files the schema refuses), the rest from the model, unknown values included, so that a
rule's view of a summary (``pmcheck.reads``) holds back exactly what it holds back of the model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from pmcheck.model import Postmortem


class Summary(NamedTuple):
    # A named tuple: a check of one file builds one for every file of the repository.
    path: str
    # ``id``, and each action's ``id``, as written, when they are text (``context.RawIds``).
    raw_id: str | None
    raw_action_ids: tuple[str | None, ...]
    # The rest is the model's; ``id`` is None when the file has no model.
    id: str | None = None
    # The model's unknown fields: the postmortem's, and every action's together.
    unknown: frozenset[str] = frozenset()
    action_unknown: frozenset[str] = frozenset()
    # Ids of the model's actions whose ``id`` is known.
    action_ids: tuple[str, ...] = ()
    started: dt.datetime | None = None
    workflow: str | None = None
    services: tuple[str, ...] = ()
    failure_modes: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    # Whether the file has a ``related_incidents`` key (where PM501 points).
    has_links_key: bool = False


def summarize(path: str, raw_id: str | None, raw_action_ids: tuple[str | None, ...], data: Any, pm: Postmortem | None) -> Summary:
    """The summary of the file at ``path``: its raw ids, its data as loaded, and its model."""
    if pm is None:
        return Summary(path, raw_id, raw_action_ids)
    action_unknown: frozenset[str] = frozenset().union(*(a.unknown for a in pm.actions))
    return Summary(
        path=path,
        raw_id=raw_id,
        raw_action_ids=raw_action_ids,
        id=pm.id,
        unknown=pm.unknown,
        action_unknown=action_unknown,
        action_ids=tuple(a.id for a in pm.actions if "id" not in a.unknown),
        started=pm.incident.started_at,
        workflow=pm.workflow,
        services=pm.services,
        failure_modes=pm.failure_modes,
        links=tuple(link.id for link in pm.related_incidents),
        # The data as written: when the schema refused the whole key, PM501 does not judge it.
        has_links_key=isinstance(data, dict) and "related_incidents" in data,
    )


def to_plain(summary: Summary) -> list[Any]:
    """The summary as JSON-ready data (the index keeps it), without its path."""
    return [
        summary.raw_id,
        list(summary.raw_action_ids),
        summary.id,
        sorted(summary.unknown),
        sorted(summary.action_unknown),
        list(summary.action_ids),
        summary.started.isoformat() if summary.started is not None else None,
        summary.workflow,
        list(summary.services),
        list(summary.failure_modes),
        list(summary.links),
        summary.has_links_key,
    ]


def from_plain(path: str, plain: list[Any]) -> Summary:
    """The summary ``to_plain`` gave (the index that holds it is signed, so its shape is
    pmcheck's own); raises ValueError, TypeError or IndexError on other data."""
    (raw_id, raw_actions, pm_id, unknown, action_unknown, action_ids, started, workflow, services, modes, links, has_key) = plain
    return Summary(
        path,
        raw_id,
        tuple(raw_actions),
        pm_id,
        frozenset(unknown),
        frozenset(action_unknown),
        tuple(action_ids),
        dt.datetime.fromisoformat(started) if started is not None else None,
        workflow,
        tuple(services),
        tuple(modes),
        tuple(links),
        has_key,
    )
