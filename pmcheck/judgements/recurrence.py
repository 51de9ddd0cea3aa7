"""Repeat failures: which fixes of an earlier incident cover a later one, and which had not shipped."""

from __future__ import annotations

from pmcheck.dates import local_date
from pmcheck.judgements.closure import closed_on
from pmcheck.model import Action, Postmortem, zone
from pmcheck.policy import Policy

# The action types that fix a failure mode; detect and process actions do not stop a repeat.
FIX_TYPES = frozenset({"prevent", "mitigate"})


def shared_modes(action: Action, earlier: Postmortem, modes: set[str]) -> set[str]:
    """The failure modes of ``modes`` that a prevent/mitigate action of ``earlier`` is a fix for."""
    if action.type not in FIX_TYPES:
        return set()
    if action.addresses:
        categories = {f.category for f in earlier.contributing_factors if f.id in action.addresses}
    else:
        categories = set(earlier.failure_modes)
    return categories & modes


def unshipped_fixes(earlier: Postmortem, later: Postmortem, policy: Policy) -> list[tuple[Action, set[str]]]:
    """The fixes of ``earlier`` for ``later``'s failure modes that were still open when ``later``
    started, each with the modes it covers. A fix closed on an unrecorded date counts as open:
    an undated closure cannot predate anything."""
    modes = set(later.failure_modes)
    started = local_date(later.incident.started_at, zone(policy.timezone))
    out: list[tuple[Action, set[str]]] = []
    for action in earlier.actions:
        covered = shared_modes(action, earlier, modes)
        if not covered:
            continue
        since = closed_on(action, policy)
        if since is None or since > started:
            out.append((action, covered))
    return out
