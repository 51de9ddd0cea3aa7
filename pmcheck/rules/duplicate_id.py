"""Two postmortems, or two actions, share an id.

## What it does
Reports every place an id is used more than once across the repository: postmortem ids and
action ids (which must be unique in the whole repository, not just in their file). Each place is
reported, naming the first few others and counting the rest.

## Why it matters
An action id is how a deadline change, an escalation or a closure is traced over time. Reusing
one merges two histories into one, and the operating log counts one action twice or not at all.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-06-30
    status: open
  - id: PM-2026-001-A1
    title: Alert on refund-policy eval regressions
    type: detect
    priority: P2
    owner: bo.chen
    due: 2026-06-30
    status: open
```

## Use instead
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-06-30
    status: open
  - id: PM-2026-001-A2
    title: Alert on refund-policy eval regressions
    type: detect
    priority: P2
    owner: bo.chen
    due: 2026-06-30
    status: open
```

## Options
None. Ids are never reused, even after an action is closed or deleted.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context, Corpus
from pmcheck.display import display_path
from pmcheck.findings import NAMED, DataPath, Severity, Violation, first_few
from pmcheck.summary import Summary

CODE = "PM005"
NAME = "duplicate-id"
SEVERITY = Severity.ERROR
SCOPE = "corpus"
READS: tuple[str, ...] = ()


def check(corpus: Corpus, ctx: Context) -> Iterator[Violation]:
    # One pass to index every id, one pass over the groups: linear in the corpus. Only a repeated
    # id builds its list of places (a check of one file indexes every file of the repository).
    first: dict[tuple[str, str], tuple[Summary, int]] = {}
    places: dict[tuple[str, str], list[tuple[str, DataPath, str | None]]] = {}

    def seen(key: tuple[str, str], summary: Summary, index: int) -> None:
        earlier = first.setdefault(key, (summary, index))
        if earlier[0] is not summary or earlier[1] != index:
            where = places.get(key)
            if where is None:
                where = places[key] = [_place(key[0], *earlier)]
            where.append(_place(key[0], summary, index))

    # Every file's ids as written, loaded in full or not (``pmcheck.summary``).
    for summary in corpus.summaries:
        if summary.raw_id is not None:
            seen(("postmortem", summary.raw_id), summary, -1)
        for index, action_id in enumerate(summary.raw_action_ids):
            if action_id is not None:
                seen(("action", action_id), summary, index)
    for (kind, ident), where in places.items():

        def place(i: int) -> str:
            path, at, _ = where[i]
            return display_path(path) + (f" (entry {int(at[1]) + 1})" if kind == "action" else "")

        for n, (path, at, pm_id) in enumerate(where):
            # Each place names a few others and counts the rest: n places naming all the
            # others would be output in the square of the repeats.
            others = [place(i) for i in range(min(len(where), NAMED + 1)) if i != n][:NAMED]
            yield Violation(
                CODE,
                at,
                f"{kind} id {ident} is also used in {first_few(others, len(where) - 1)}",
                hint="give each postmortem and action its own id; ids are never reused",
                action=ident if kind == "action" else None,
                path=path,
                postmortem=pm_id,
            )


def _place(kind: str, summary: Summary, index: int) -> tuple[str, DataPath, str | None]:
    return (summary.path, ("id",) if kind == "postmortem" else ("actions", index, "id"), summary.raw_id)
