"""The typed model of a postmortem, built only from schema-valid documents.

Dates become ``datetime.date``, timestamps aware ``datetime``. Every record keeps ``at``, its data
path inside the file, so a rule can point at it without knowing the file's layout.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from pmcheck.findings import DataPath


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_timestamp(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.upper().replace(" ", "T", 1))
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.timezone.utc)


def parse_day(value: Any, tz: dt.tzinfo) -> dt.date | None:
    """A date from either a date or a timestamp (read in the policy's time zone)."""
    stamp = parse_timestamp(value) if isinstance(value, str) and len(value) > 10 else None
    if stamp is not None:
        return stamp.astimezone(tz).date()
    return parse_date(value)


@dataclass(frozen=True)
class Waiver:
    at: DataPath
    rule: str
    reason: str
    approved_by: str
    expires: dt.date


@dataclass(frozen=True)
class Evidence:
    at: DataPath
    type: str
    url: str | None
    ref: str | None
    summary: str | None
    metric: dict[str, Any] | None


@dataclass(frozen=True)
class Verification:
    at: DataPath
    by: str
    date: dt.date
    result: str
    notes: str | None


@dataclass(frozen=True)
class Closure:
    at: DataPath
    decision: str
    rationale: str | None
    decided_by: str | None
    decided_at: dt.date | None
    superseded_by: str | None


@dataclass(frozen=True)
class DeadlineChange:
    at: DataPath
    from_date: dt.date
    to_date: dt.date
    date: dt.date
    reason: str
    approved_by: str


@dataclass(frozen=True)
class OwnerChange:
    at: DataPath
    from_owner: str
    to_owner: str
    date: dt.date
    reason: str


@dataclass(frozen=True)
class Escalation:
    at: DataPath
    to: str
    date: dt.date
    reason: str | None
    level: str


@dataclass(frozen=True)
class Action:
    at: DataPath
    index: int
    id: str
    title: str
    type: str
    priority: str
    priority_rationale: str | None
    # As written: a string, a list, None or "" (rules PM101/PM102 judge it).
    owner_raw: Any
    team: str | None
    created: dt.date
    created_given: bool
    due: dt.date | None
    status: str
    addresses: tuple[str, ...]
    success_criteria: str | None
    evidence: tuple[Evidence, ...]
    completed_at: dt.date | None
    verification: Verification | None
    closure: Closure | None
    deadline_changes: tuple[DeadlineChange, ...]
    owner_changes: tuple[OwnerChange, ...]
    escalations: tuple[Escalation, ...]
    tracker_url: str | None
    waivers: tuple[Waiver, ...]
    raw: dict[str, Any]

    @property
    def owner(self) -> str | None:
        """The single owner id, or None when there is none or several."""
        value = self.owner_raw
        return value.strip() if isinstance(value, str) and value.strip() else None

    def path(self, *parts: str | int) -> DataPath:
        return self.at + parts


@dataclass(frozen=True)
class Incident:
    started_at: dt.datetime
    detected_at: dt.datetime | None
    mitigated_at: dt.datetime | None
    resolved_at: dt.datetime | None


@dataclass(frozen=True)
class Approval:
    at: DataPath
    person: str
    decision: str
    date: dt.datetime


@dataclass(frozen=True)
class Review:
    at: DataPath
    date: dt.date
    attendees: tuple[str, ...]


@dataclass(frozen=True)
class TimelineEntry:
    at: DataPath
    date: dt.date
    plan: str
    by: str


@dataclass(frozen=True)
class Link:
    at: DataPath
    id: str
    relation: str


@dataclass(frozen=True)
class Factor:
    at: DataPath
    id: str
    category: str
    description: str | None


@dataclass(frozen=True)
class Postmortem:
    path: str
    id: str
    title: str
    severity: str
    status: str
    summary: str | None
    workflow: str | None
    services: tuple[str, ...]
    failure_modes: tuple[str, ...]
    incident: Incident
    detection_method: str | None
    owner: str
    executive_sponsor: str | None
    approvers: tuple[Approval, ...]
    contributing_factors: tuple[Factor, ...]
    related_incidents: tuple[Link, ...]
    reviews: tuple[Review, ...]
    mitigation_timeline: tuple[TimelineEntry, ...]
    waivers: tuple[Waiver, ...]
    actions: tuple[Action, ...]
    raw: dict[str, Any]

    @property
    def started(self) -> dt.date:
        return self.incident.started_at.date()

    def links_to(self, other_id: str) -> bool:
        return any(link.id == other_id for link in self.related_incidents)


def _waivers(items: list[dict[str, Any]] | None, base: DataPath) -> tuple[Waiver, ...]:
    return tuple(
        Waiver(
            at=base + (i,),
            rule=w["rule"],
            reason=w["reason"],
            approved_by=w["approved_by"],
            expires=parse_date(w["expires"]) or dt.date.min,
        )
        for i, w in enumerate(items or ())
    )


def _action(raw: dict[str, Any], index: int, default_created: dt.date) -> Action:
    at: DataPath = ("actions", index)
    created = parse_date(raw.get("created"))
    verification = raw.get("verification")
    closure = raw.get("closure")
    tracker = raw.get("tracker")
    return Action(
        at=at,
        index=index,
        id=raw["id"],
        title=raw["title"],
        type=raw["type"],
        priority=raw["priority"],
        priority_rationale=raw.get("priority_rationale"),
        owner_raw=raw.get("owner"),
        team=raw.get("team"),
        created=created or default_created,
        created_given=created is not None,
        due=parse_date(raw.get("due")),
        status=raw["status"],
        addresses=tuple(raw.get("addresses", ())),
        success_criteria=raw.get("success_criteria"),
        evidence=tuple(
            Evidence(
                at=at + ("evidence", i),
                type=e["type"],
                url=e.get("url"),
                ref=e.get("ref"),
                summary=e.get("summary"),
                metric=e.get("metric"),
            )
            for i, e in enumerate(raw.get("evidence", ()))
        ),
        completed_at=parse_date(raw.get("completed_at")),
        verification=Verification(
            at=at + ("verification",),
            by=verification["by"],
            date=parse_date(verification["at"]) or dt.date.min,
            result=verification["result"],
            notes=verification.get("notes"),
        )
        if verification
        else None,
        closure=Closure(
            at=at + ("closure",),
            decision=closure["decision"],
            rationale=closure.get("rationale"),
            decided_by=closure.get("decided_by"),
            decided_at=parse_date(closure.get("decided_at")),
            superseded_by=closure.get("superseded_by"),
        )
        if closure
        else None,
        deadline_changes=tuple(
            DeadlineChange(
                at=at + ("deadline_changes", i),
                from_date=parse_date(c["from"]) or dt.date.min,
                to_date=parse_date(c["to"]) or dt.date.min,
                date=parse_date(c["at"]) or dt.date.min,
                reason=c["reason"],
                approved_by=c["approved_by"],
            )
            for i, c in enumerate(raw.get("deadline_changes", ()))
        ),
        owner_changes=tuple(
            OwnerChange(
                at=at + ("owner_changes", i),
                from_owner=c["from"],
                to_owner=c["to"],
                date=parse_date(c["at"]) or dt.date.min,
                reason=c["reason"],
            )
            for i, c in enumerate(raw.get("owner_changes", ()))
        ),
        escalations=tuple(
            Escalation(
                at=at + ("escalations", i),
                to=e["to"],
                date=parse_date(e["at"]) or dt.date.min,
                reason=e.get("reason"),
                level=e["level"],
            )
            for i, e in enumerate(raw.get("escalations", ()))
        ),
        tracker_url=tracker.get("url") if isinstance(tracker, dict) else None,
        waivers=_waivers(raw.get("waivers"), at + ("waivers",)),
        raw=raw,
    )


def build_postmortem(path: str, raw: dict[str, Any], tz: dt.tzinfo) -> Postmortem:
    """The typed postmortem of a schema-valid document."""
    inc = raw["incident"]
    started = parse_timestamp(inc["started_at"])
    assert started is not None
    incident = Incident(
        started_at=started,
        detected_at=parse_timestamp(inc.get("detected_at")),
        mitigated_at=parse_timestamp(inc.get("mitigated_at")),
        resolved_at=parse_timestamp(inc.get("resolved_at")),
    )
    default_created = (incident.resolved_at or incident.started_at).astimezone(tz).date()
    detection = raw.get("detection")
    return Postmortem(
        path=path,
        id=raw["id"],
        title=raw["title"],
        severity=raw["severity"],
        status=raw["status"],
        summary=raw.get("summary"),
        workflow=raw.get("workflow"),
        services=tuple(raw.get("services", ())),
        failure_modes=tuple(raw.get("failure_modes", ())),
        incident=incident,
        detection_method=detection.get("method") if isinstance(detection, dict) else None,
        owner=raw["owner"],
        executive_sponsor=raw.get("executive_sponsor"),
        approvers=tuple(
            Approval(
                at=("approvers", i),
                person=a["person"],
                decision=a["decision"],
                date=parse_timestamp(a["at"]) or started,
            )
            for i, a in enumerate(raw.get("approvers", ()))
        ),
        contributing_factors=tuple(
            Factor(at=("contributing_factors", i), id=f["id"], category=f["category"], description=f.get("description"))
            for i, f in enumerate(raw.get("contributing_factors", ()))
        ),
        related_incidents=tuple(
            Link(at=("related_incidents", i), id=r["id"], relation=r["relation"])
            for i, r in enumerate(raw.get("related_incidents", ()))
        ),
        reviews=tuple(
            Review(at=("reviews", i), date=parse_date(r["date"]) or dt.date.min, attendees=tuple(r.get("attendees", ())))
            for i, r in enumerate(raw.get("reviews", ()))
        ),
        mitigation_timeline=tuple(
            TimelineEntry(at=("mitigation_timeline", i), date=parse_day(m["at"], tz) or dt.date.min, plan=m["plan"], by=m["by"])
            for i, m in enumerate(raw.get("mitigation_timeline", ()))
        ),
        waivers=_waivers(raw.get("waivers"), ("waivers",)),
        actions=tuple(_action(a, i, default_created) for i, a in enumerate(raw["actions"])),
        raw=raw,
    )


def zone(name: str) -> dt.tzinfo:
    return zoneinfo.ZoneInfo(name)
