"""Comparing an append-only list (`deadline_changes`, `owner_changes`) between the base and the change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pmcheck.findings import Violation
from pmcheck.model import Action


def entries(action: Mapping[str, Any], key: str) -> list[Any]:
    value = action.get(key)
    return list(value) if isinstance(value, list) else []


def first_rewritten(base: Sequence[Any], head: Sequence[Any]) -> int | None:
    """Index of the first entry of ``base`` that ``head`` changed or dropped (append-only check)."""
    for n, entry in enumerate(base):
        if n >= len(head) or head[n] != entry:
            return n
    return None


def appended(base: Mapping[str, Any], head: Mapping[str, Any], key: str) -> list[Any]:
    """The entries of ``key`` the change added; all of them when it rewrote earlier ones."""
    before, after = entries(base, key), entries(head, key)
    return after[len(before):] if first_rewritten(before, after) is None else after


def rewritten_entry(code: str, action: Action, base: Mapping[str, Any], key: str, what: str) -> Violation | None:
    """The finding for an earlier entry of ``key`` that the change rewrote or deleted, if any."""
    after = entries(action.raw, key)
    rewritten = first_rewritten(entries(base, key), after)
    if rewritten is None:
        return None
    dropped = rewritten >= len(after)
    return Violation(
        code,
        action.at + ((key,) if dropped else (key, rewritten)),
        f"{key} entry {rewritten + 1} of action {action.id} was "
        f"{'deleted' if dropped else 'rewritten'}; the list is append-only",
        hint=f"restore the earlier entries as they were and append a new entry for the new {what}",
        action=action.id,
    )
