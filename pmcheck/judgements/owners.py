"""The shape of an action's owner, and how a change of owner was recorded."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pmcheck.judgements.audit_trail import appended
from pmcheck.model import Action
from pmcheck.people import Roster

# Person ids cannot hold these characters, so a separator always means several names.
_JOINED = re.compile(r"[,/&;+]|\s+and\s+", re.IGNORECASE)


def has_no_owner(action: Action) -> bool:
    """Whether the action names nobody: no key, null, blank text or an empty list."""
    value = action.owner_raw
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not any(isinstance(v, str) and v.strip() for v in value)
    return False


def several_owners(action: Action, roster: Roster | None) -> tuple[str, str] | None:
    """(message, hint) when the owner is not one person; None when it is, or is missing."""
    value = action.owner_raw
    if has_no_owner(action):
        return None
    if isinstance(value, list):
        names = [str(v).strip() for v in value if isinstance(v, str) and v.strip()]
        if len(names) == 1:
            return (
                f"action {action.id} has its owner written as a list",
                f"write one person id as text: `owner: {names[0]}`",
            )
        return (
            f"action {action.id} has {len(names)} owners: {', '.join(names)}",
            "choose the one person accountable; others can be named in the title or tracker",
        )
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _JOINED.search(text):
        names = [n.strip() for n in _JOINED.split(text) if n.strip()]
        return (
            f"action {action.id} has several owners: {text!r}",
            f"choose the one person accountable, e.g. `owner: {names[0]}`" if names else "choose the one person accountable",
        )
    if roster is not None and roster.is_team(text):
        manager = roster.teams[text].manager
        return (
            f"action {action.id} is owned by the team {text}, not a person",
            f"name one person of {text} (e.g. its manager {manager}) and keep the team in `team:`"
            if manager
            else f"name one person of {text} and keep the team in `team:`",
        )
    return None


@dataclass(frozen=True)
class Handover:
    """An owner that differs between two versions of an action, and whether it was recorded."""

    old: str
    new: str
    recorded: bool


def _owner(action: Mapping[str, Any]) -> str | None:
    value = action.get("owner")
    return value.strip() if isinstance(value, str) and value.strip() else None


def judge_handover(base: Mapping[str, Any], head: Mapping[str, Any]) -> Handover | None:
    """Whether the change of ``owner`` from ``base`` to ``head`` was recorded; None if unchanged.

    The entries ``head`` appended must chain from the old owner to the new one. An owner that
    is missing, empty or not a single id on either side is PM101's or PM102's business.
    """
    old, new = _owner(base), _owner(head)
    if old is None or new is None or old == new:
        return None
    current = old
    for entry in appended(base, head, "owner_changes"):
        if isinstance(entry, Mapping) and entry.get("from") == current and isinstance(entry.get("to"), str):
            current = entry["to"]
            if current == new:
                return Handover(old, new, True)
    return Handover(old, new, False)
