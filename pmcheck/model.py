"""The typed model of a postmortem, built from everything in a document that is valid.

Dates become ``datetime.date``, timestamps aware ``datetime``; a date where a moment is wanted is
the start of that day in the policy's time zone (``parse_moment``, the one place that says so).
Every record keeps ``at``, its data path inside the file, so a rule can point at it without
knowing the file's layout.

A schema error hides nothing else: a value that breaks the schema (or a required key that is
missing) is *unknown*. The model leaves it out (``None``, an empty text or an empty tuple) and
names it in ``unknown`` on the postmortem or the action (``"due"``, ``"verification.result"``,
``"incident.started_at"``), so the engine can hold back exactly the rules that read it.
"""

from __future__ import annotations

import copy
import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from sys import intern
from typing import Any, Protocol

from pmcheck.dates import local_date
from pmcheck.findings import DataPath


# The years a postmortem can mean; the schema refuses the others (PM003), and the model never
# turns them into dates, so no arithmetic near Python's own limits can fail.
MIN_YEAR, MAX_YEAR = 1900, 9999


def parse_date(value: Any) -> dt.date | None:
    """A calendar date ``YYYY-MM-DD``, or None."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    day = _DAYS.get(value)
    if day is not None:
        return day
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        return None
    # A repository repeats the same few hundred days: every record holds the one object.
    if len(_DAYS) >= _MEMO_LIMIT:
        _DAYS.clear()  # a long-lived process checking many repositories
    return _DAYS.setdefault(value, day)


_DAYS: dict[str, dt.date] = {}
_MEMO_LIMIT = 1 << 16


def parse_timestamp(value: Any) -> dt.datetime | None:
    """An RFC 3339 timestamp (seconds optional) as an aware datetime; no offset means UTC."""
    if not isinstance(value, str) or len(value) <= 10:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.upper().replace(" ", "T", 1))
    except ValueError:
        return None
    if not MIN_YEAR <= stamp.year <= MAX_YEAR:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.timezone.utc)


def parse_moment(value: Any, tz: dt.tzinfo) -> dt.datetime | None:
    """A date or a timestamp as a moment: a date is the start of that day in ``tz``."""
    day = parse_date(value)
    if day is not None:
        return dt.datetime(day.year, day.month, day.day, tzinfo=tz)
    return parse_timestamp(value)


def parse_day(value: Any, tz: dt.tzinfo) -> dt.date | None:
    """A date from either a date or a timestamp (read in the policy's time zone)."""
    stamp = parse_timestamp(value)
    if stamp is not None:
        return local_date(stamp, tz)
    return parse_date(value)


@dataclass(frozen=True, slots=True)
class Waiver:
    at: DataPath
    rule: str
    reason: str
    approved_by: str
    expires: dt.date


@dataclass(frozen=True, slots=True)
class Evidence:
    at: DataPath
    type: str
    url: str | None
    ref: str | None
    summary: str | None
    metric: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Verification:
    at: DataPath
    by: str
    date: dt.date
    result: str
    notes: str | None


@dataclass(frozen=True, slots=True)
class Closure:
    at: DataPath
    decision: str
    rationale: str | None
    decided_by: str | None
    decided_at: dt.date | None
    superseded_by: str | None


@dataclass(frozen=True, slots=True)
class DeadlineChange:
    at: DataPath
    from_date: dt.date
    to_date: dt.date
    date: dt.date
    reason: str
    approved_by: str


@dataclass(frozen=True, slots=True)
class OwnerChange:
    at: DataPath
    from_owner: str
    to_owner: str
    date: dt.date
    reason: str


@dataclass(frozen=True, slots=True)
class Escalation:
    at: DataPath
    to: str
    date: dt.date
    reason: str | None
    level: str


@dataclass(frozen=True, slots=True)
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
    origin: Origin = field(repr=False, compare=False)
    # The fields that break the schema or are missing, as ``key`` or ``key.subkey``.
    unknown: frozenset[str] = frozenset()

    @property
    def raw(self) -> dict[str, Any]:
        """The action's plain data as the model has it (without the values the schema refused)."""
        return self.origin.data()["actions"][self.index]  # type: ignore[no-any-return]

    @property
    def owner(self) -> str | None:
        """The single owner id, or None when there is none or several."""
        value = self.owner_raw
        return value.strip() if isinstance(value, str) and value.strip() else None

    def path(self, *parts: str | int) -> DataPath:
        return self.at + parts


@dataclass(frozen=True, slots=True)
class Incident:
    started_at: dt.datetime
    detected_at: dt.datetime | None
    mitigated_at: dt.datetime | None
    resolved_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Approval:
    at: DataPath
    person: str
    decision: str
    date: dt.datetime


@dataclass(frozen=True, slots=True)
class Review:
    at: DataPath
    date: dt.date
    attendees: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: DataPath
    date: dt.date
    plan: str
    by: str


@dataclass(frozen=True, slots=True)
class Link:
    at: DataPath
    id: str
    relation: str


@dataclass(frozen=True, slots=True)
class Factor:
    at: DataPath
    id: str
    category: str
    description: str | None


@dataclass(frozen=True, slots=True)
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
    origin: Origin = field(repr=False, compare=False)
    # Postmortem-level fields that break the schema or are missing (``severity``,
    # ``incident.started_at``, ``approvers``); each action names its own.
    unknown: frozenset[str] = frozenset()

    @property
    def raw(self) -> dict[str, Any]:
        """The plain data as the model has it (without the values the schema refused)."""
        return self.origin.data()

    @property
    def started(self) -> dt.date:
        return self.incident.started_at.date()

    def links_to(self, other_id: str) -> bool:
        return any(link.id == other_id for link in self.related_incidents)


class Source(Protocol):
    """Where a document's plain data can be read again (``pmcheck.loader.Loaded``)."""

    @property
    def data(self) -> Any: ...


class Origin:
    """The plain data behind a postmortem's model: held, or read again from its source (with
    the values the schema refused removed again) when a rule or a comparison asks for it."""

    __slots__ = ("_data", "_source", "_invalid")

    def __init__(self, data: dict[str, Any] | None, source: Source | None = None, invalid: tuple[DataPath, ...] = ()) -> None:
        self._data = data
        self._source = source
        self._invalid = invalid

    def data(self) -> dict[str, Any]:
        if self._data is not None:
            return self._data
        global _LAST_READ
        last = _LAST_READ  # read once: another thread may replace it meanwhile
        if last is not None and last[0] is self:
            return last[1]  # a rule reading each action of one postmortem reads it once
        assert self._source is not None
        data, _, _ = _split_unknown(self._source.data, self._invalid)
        _LAST_READ = (self, data)
        return data


_LAST_READ: tuple[Origin, dict[str, Any]] | None = None
_NOTHING_UNKNOWN: frozenset[str] = frozenset()
_PATHS: dict[DataPath, DataPath] = {}
# Short texts (types, statuses, priorities, people, dates) repeat across a repository; longer
# ones (titles, summaries) rarely do.
_SHARED_TEXT = 40


def _frozen(names: set[str]) -> frozenset[str]:
    return frozenset(names) if names else _NOTHING_UNKNOWN


def _path(path: DataPath) -> DataPath:
    """One tuple per data path for the whole repository: every postmortem has ``actions/0``."""
    if len(_PATHS) >= _MEMO_LIMIT:
        _PATHS.clear()
    return _PATHS.setdefault(path, path)


def _shared(value: Any) -> Any:
    return intern(value) if type(value) is str and len(value) <= _SHARED_TEXT else value


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if type(value) is str:  # _shared inlined: this runs for every field of every record
        return intern(value) if len(value) <= _SHARED_TEXT else value
    return value if isinstance(value, str) else None


def _items(record: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    """The mapping items of a list, with their index (items the schema refused are left out)."""
    value = record.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _texts(record: dict[str, Any], key: str) -> tuple[str, ...]:
    value = record.get(key)
    return tuple(_shared(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _field(record: dict[str, Any], path: DataPath) -> str:
    """The name of an unknown field of ``record``: its key, and the sub-key inside a mapping."""
    first = str(path[0])
    if len(path) > 1 and isinstance(path[1], str) and isinstance(record.get(first), dict):
        return f"{first}.{path[1]}"
    return first


def _own(data: dict[str, Any], path: DataPath) -> Any:
    """The container at ``path`` inside ``data``, copied along the way so the loaded document
    is never changed (only the few containers on a refused value's path are copied)."""
    node: Any = data
    for part in path:
        if isinstance(node, dict) and isinstance(part, str) and isinstance(node.get(part), (dict, list)):
            node[part] = copy.copy(node[part])
        elif isinstance(node, list) and isinstance(part, int) and part < len(node) and isinstance(node[part], (dict, list)):
            node[part] = copy.copy(node[part])
        else:
            return None
        node = node[part]
    return node


def _forget(data: dict[str, Any], path: DataPath, start: int = 0) -> None:
    """Remove the value at ``path`` from the model's copy of the document.

    A bad value inside a list item (below ``start``, the record it belongs to) drops the item, and
    its neighbours keep their indexes; a bad value in a mapping drops that key.
    """
    for depth, part in enumerate(path):
        if depth >= start and isinstance(part, int):
            items = _own(data, path[:depth])
            if isinstance(items, list) and part < len(items):
                items[part] = None
            return
    parent = _own(data, path[:-1]) if len(path) > 1 else data
    if isinstance(parent, dict):
        parent.pop(str(path[-1]), None)


def _split_unknown(raw: dict[str, Any], invalid: Iterable[DataPath]) -> tuple[dict[str, Any], set[str], dict[int, set[str]]]:
    """A copy of ``raw`` without its invalid values, and the unknown fields they leave."""
    paths = sorted(set(invalid), key=len, reverse=True)
    if not paths:
        return raw, set(), {}
    data: dict[str, Any] = dict(raw)
    top: set[str] = set()
    per_action: dict[int, set[str]] = {}
    for path in paths:
        if not path:
            continue
        if path[0] == "actions" and len(path) >= 2 and isinstance(path[1], int):
            index = path[1]
            actions = data.get("actions")
            action = actions[index] if isinstance(actions, list) and index < len(actions) else None
            if len(path) == 2 or not isinstance(action, dict):
                # The action itself is unusable: it is not in the model at all.
                top.add("actions")
                _forget(data, path[:2])
                continue
            per_action.setdefault(index, set()).add(_field(action, path[2:]))
            _forget(data, path, start=2)
        else:
            top.add(_field(data, path))
            _forget(data, path)
    return data, top, per_action


def _waivers(record: dict[str, Any], base: DataPath) -> tuple[Waiver, ...]:
    return tuple(
        Waiver(
            at=_path(base + (i,)),
            rule=_text(w, "rule") or "",
            reason=_text(w, "reason") or "",
            approved_by=_text(w, "approved_by") or "",
            expires=parse_date(w.get("expires")) or dt.date.min,
        )
        for i, w in _items(record, "waivers")
    )


# Required keys of an action whose absence the schema reports: unknown, like a bad value. (The
# model still has to be built from a document that was never validated, e.g. in tests.)
_ACTION_REQUIRED = ("id", "title", "type", "priority", "status")


def _action(
    raw: dict[str, Any], index: int, default_created: dt.date | None, tz: dt.tzinfo, unknown: set[str], origin: Origin
) -> Action:
    at: DataPath = _path(("actions", index))
    unknown |= {key for key in _ACTION_REQUIRED if key not in raw}
    created = parse_date(raw.get("created"))
    if created is None and default_created is None:
        unknown.add("created")
    verification = raw.get("verification")
    closure = raw.get("closure")
    tracker = raw.get("tracker")
    action_id = _text(raw, "id")
    if action_id is None:
        unknown.add("id")
    return Action(
        at=at,
        index=index,
        # An action without a usable id is still judged on everything else; messages name its place.
        id=action_id if action_id is not None else f"actions[{index}]",
        title=_text(raw, "title") or "",
        type=_text(raw, "type") or "",
        priority=_text(raw, "priority") or "",
        priority_rationale=_text(raw, "priority_rationale"),
        owner_raw=_shared(raw.get("owner")),
        team=_text(raw, "team"),
        created=created or default_created or dt.date.min,
        created_given=created is not None,
        due=parse_date(raw.get("due")),
        status=_text(raw, "status") or "",
        addresses=_texts(raw, "addresses"),
        success_criteria=_text(raw, "success_criteria"),
        evidence=tuple(
            Evidence(
                at=_path(at + ("evidence", i)),
                type=_text(e, "type") or "",
                url=_text(e, "url"),
                ref=_text(e, "ref"),
                summary=_text(e, "summary"),
                metric=e.get("metric") if isinstance(e.get("metric"), dict) else None,
            )
            for i, e in _items(raw, "evidence")
        ),
        completed_at=parse_date(raw.get("completed_at")),
        verification=Verification(
            at=_path(at + ("verification",)),
            by=_text(verification, "by") or "",
            date=parse_day(verification.get("at"), tz) or dt.date.min,
            result=_text(verification, "result") or "",
            notes=_text(verification, "notes"),
        )
        if isinstance(verification, dict) and verification
        else None,
        closure=Closure(
            at=_path(at + ("closure",)),
            decision=_text(closure, "decision") or "",
            rationale=_text(closure, "rationale"),
            decided_by=_text(closure, "decided_by"),
            decided_at=parse_day(closure.get("decided_at"), tz),
            superseded_by=_text(closure, "superseded_by"),
        )
        if isinstance(closure, dict) and closure
        else None,
        deadline_changes=tuple(
            DeadlineChange(
                at=_path(at + ("deadline_changes", i)),
                from_date=parse_date(c.get("from")) or dt.date.min,
                to_date=parse_date(c.get("to")) or dt.date.min,
                date=parse_day(c.get("at"), tz) or dt.date.min,
                reason=_text(c, "reason") or "",
                approved_by=_text(c, "approved_by") or "",
            )
            for i, c in _items(raw, "deadline_changes")
        ),
        owner_changes=tuple(
            OwnerChange(
                at=_path(at + ("owner_changes", i)),
                from_owner=_text(c, "from") or "",
                to_owner=_text(c, "to") or "",
                date=parse_day(c.get("at"), tz) or dt.date.min,
                reason=_text(c, "reason") or "",
            )
            for i, c in _items(raw, "owner_changes")
        ),
        escalations=tuple(
            Escalation(
                at=_path(at + ("escalations", i)),
                to=_text(e, "to") or "",
                date=parse_day(e.get("at"), tz) or dt.date.min,
                reason=_text(e, "reason"),
                level=_text(e, "level") or "",
            )
            for i, e in _items(raw, "escalations")
        ),
        tracker_url=_text(tracker, "url") if isinstance(tracker, dict) else None,
        waivers=_waivers(raw, at + ("waivers",)),
        origin=origin,
        unknown=_frozen(unknown),
    )


_REQUIRED = ("schema_version", "id", "title", "severity", "status", "owner", "actions")


def build_postmortem(
    path: str, raw: dict[str, Any], tz: dt.tzinfo, invalid: Iterable[DataPath] = (), source: Source | None = None
) -> Postmortem:
    """The typed postmortem of a document whose top level is a mapping with a usable ``id``.

    ``invalid`` holds the data paths the schema refused (a missing key is the path it would
    have): those values are unknown in the model, and everything else is kept. With ``source``
    (where ``raw`` came from, able to give it again) the model does not hold ``raw`` itself:
    ``Postmortem.raw`` and ``Action.raw`` read it again from there when asked.
    """
    invalid = tuple(invalid)
    data, unknown, action_unknown = _split_unknown(raw, invalid)
    origin = Origin(data) if source is None else Origin(None, source, invalid)
    unknown |= {key for key in _REQUIRED if key not in data}
    inc = data.get("incident")
    inc = inc if isinstance(inc, dict) else {}
    if "incident" not in data:
        unknown.add("incident")
    times = {key: parse_moment(inc.get(key), tz) for key in ("started_at", "detected_at", "mitigated_at", "resolved_at")}
    started = times["started_at"]
    if started is None:
        unknown.add("incident.started_at")
        # Rules that read the start are held back; the others still need a moment to carry.
        started = next((t for t in times.values() if t is not None), None) or dt.datetime(MIN_YEAR, 1, 1, tzinfo=dt.timezone.utc)
    incident = Incident(
        started_at=started,
        detected_at=times["detected_at"],
        mitigated_at=times["mitigated_at"],
        resolved_at=times["resolved_at"],
    )
    clock = times["resolved_at"] or times["started_at"]
    default_created = local_date(clock, tz) if clock is not None else None
    detection = data.get("detection")
    owner = _text(data, "owner")
    return Postmortem(
        path=path,
        id=_text(data, "id") or "",
        title=_text(data, "title") or "",
        severity=_text(data, "severity") or "",
        status=_text(data, "status") or "",
        summary=_text(data, "summary"),
        workflow=_text(data, "workflow"),
        services=_texts(data, "services"),
        failure_modes=_texts(data, "failure_modes"),
        incident=incident,
        detection_method=_text(detection, "method") if isinstance(detection, dict) else None,
        owner=owner or "",
        executive_sponsor=_text(data, "executive_sponsor"),
        approvers=tuple(
            Approval(
                at=_path(("approvers", i)),
                person=_text(a, "person") or "",
                decision=_text(a, "decision") or "",
                date=parse_moment(a.get("at"), tz) or started,
            )
            for i, a in _items(data, "approvers")
        ),
        contributing_factors=tuple(
            Factor(at=_path(("contributing_factors", i)), id=_text(f, "id") or "", category=_text(f, "category") or "", description=_text(f, "description"))
            for i, f in _items(data, "contributing_factors")
        ),
        related_incidents=tuple(
            Link(at=_path(("related_incidents", i)), id=_text(r, "id") or "", relation=_text(r, "relation") or "")
            for i, r in _items(data, "related_incidents")
        ),
        reviews=tuple(
            Review(at=_path(("reviews", i)), date=parse_date(r.get("date")) or dt.date.min, attendees=_texts(r, "attendees"))
            for i, r in _items(data, "reviews")
        ),
        mitigation_timeline=tuple(
            TimelineEntry(
                at=_path(("mitigation_timeline", i)),
                date=parse_day(m.get("at"), tz) or dt.date.min,
                plan=_text(m, "plan") or "",
                by=_text(m, "by") or "",
            )
            for i, m in _items(data, "mitigation_timeline")
        ),
        waivers=_waivers(data, ("waivers",)),
        actions=tuple(
            _action(a, i, default_created, tz, set(action_unknown.get(i, ())), origin)
            for i, a in _items(data, "actions")
        ),
        origin=origin,
        unknown=_frozen(unknown),
    )


def zone(name: str) -> dt.tzinfo:
    return zoneinfo.ZoneInfo(name)
