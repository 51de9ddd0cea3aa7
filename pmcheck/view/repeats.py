"""Repeat failures: recurrence links, and whether the earlier fix had shipped (as PM502 judges)."""

from __future__ import annotations

from pmcheck.dates import local_date
from pmcheck.findings import NAMED
from pmcheck.judgements import unshipped_fixes
from pmcheck.markdown import BR, Markdown, code, join
from pmcheck.model import Postmortem, zone
from pmcheck.policy import Policy
from pmcheck.view.records import RecurrenceRow
from pmcheck.view.text import DASH, day


def recurrences(postmortems: list[Postmortem], by_id: dict[str, Postmortem], policy: Policy) -> tuple[RecurrenceRow, ...]:
    tz = zone(policy.timezone)
    pairs: dict[tuple[str, str], tuple[Postmortem, Postmortem]] = {}
    for pm in postmortems:
        for ref in pm.related_incidents:
            other = by_id.get(ref.id)
            if ref.relation != "recurrence" or other is None or other.id == pm.id:
                continue
            later, earlier = (pm, other) if (pm.incident.started_at, pm.id) >= (other.incident.started_at, other.id) else (other, pm)
            pairs.setdefault((later.id, earlier.id), (later, earlier))
    rows: list[RecurrenceRow] = []
    for later, earlier in pairs.values():
        shared = sorted(set(later.failure_modes) & set(earlier.failure_modes))
        started = local_date(later.incident.started_at, tz)
        # The same judgement as PM502, so the log and the check never disagree.
        open_fixes = [action.id for action, _ in unshipped_fixes(earlier, later, policy)]
        earlier_started = local_date(earlier.incident.started_at, tz)
        rows.append(
            RecurrenceRow(
                postmortem=Markdown(f"{code(later.id)}{BR}{day(started)}"),
                started=started,
                earlier=Markdown(f"{code(earlier.id)}{BR}{day(earlier_started)}"),
                earlier_started=earlier_started,
                days_apart=(started - earlier_started).days,
                shared=", ".join(shared) or DASH,
                fix_not_shipped=_open_fixes(sorted(open_fixes)) if open_fixes else Markdown("no: every fix had shipped"),
            )
        )
    rows.sort(key=lambda r: (-r.started.toordinal(), r.postmortem, r.earlier))
    return tuple(rows)


def _open_fixes(fixes: list[str]) -> Markdown:
    """The first few open fixes and a count of the rest: a postmortem with thousands of open
    actions, linked by thousands of recurrences, must not make the log quadratic."""
    shown = join([code(a) for a in fixes[:NAMED]], BR)
    more = f"{BR}and {len(fixes) - NAMED:,} more" if len(fixes) > NAMED else ""
    return Markdown(f"**{shown}{more}**")
