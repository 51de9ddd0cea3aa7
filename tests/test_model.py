"""pmcheck.model: the typed postmortem built from a document (defaults, owners, moments)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from pmcheck.loader import load_text
from pmcheck.model import (
    build_postmortem,
    parse_date,
    parse_day,
    parse_moment,
    parse_timestamp,
    zone,
)

BASE = Path(__file__).resolve().parent / "rules" / "example_base.yaml"
UTC = dt.timezone.utc
BERLIN = zone("Europe/Berlin")
PATH = "postmortems/PM-2026-001.yaml"


def document(**changes: Any) -> dict[str, Any]:
    """The healthy base postmortem as data; ``action_<key>`` changes its first action."""
    # pmcheck's loader, which keeps dates and timestamps as the text the file holds.
    data: dict[str, Any] = load_text(BASE.read_text(), PATH).data
    for key, value in changes.items():
        target, name = (data["actions"][0], key.removeprefix("action_")) if key.startswith("action_") else (data, key)
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return data


# -- dates and moments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-06-15", dt.date(2026, 6, 15)),
        ("2026-02-30", None),
        ("2026-6-15", None),
        ("2026-06-15T10:00:00Z", None),
        ("1899-12-31", None),
        ("1900-01-01", dt.date(1900, 1, 1)),
        (dt.date(2026, 6, 15), None),  # YAML dates arrive as text; anything else is not a date
        (20260615, None),
    ],
)
def test_parse_date_takes_only_yyyy_mm_dd_text(value: Any, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-06-01T09:00:00Z", dt.datetime(2026, 6, 1, 9, tzinfo=UTC)),
        ("2026-06-01t09:00:00z", dt.datetime(2026, 6, 1, 9, tzinfo=UTC)),
        ("2026-06-01 09:00:00+02:00", dt.datetime(2026, 6, 1, 7, tzinfo=UTC)),
        ("2026-06-01T09:00-05:00", dt.datetime(2026, 6, 1, 14, tzinfo=UTC)),
        ("2026-06-01T09:00:00", dt.datetime(2026, 6, 1, 9, tzinfo=UTC)),  # no offset: UTC
        ("2026-06-01", None),
        ("2026-06-01T25:00:00Z", None),
    ],
)
def test_parse_timestamp_is_aware_and_keeps_the_instant(value: str, expected: dt.datetime | None) -> None:
    stamp = parse_timestamp(value)
    assert stamp == expected
    if stamp is not None:
        assert stamp.tzinfo is not None


def test_a_date_as_a_moment_is_the_start_of_that_day_in_the_policy_zone() -> None:
    assert parse_moment("2026-06-01", BERLIN) == dt.datetime(2026, 6, 1, tzinfo=BERLIN)
    assert parse_moment("2026-06-01", BERLIN) == dt.datetime(2026, 5, 31, 22, tzinfo=UTC)
    assert parse_moment("2026-06-01T09:00:00Z", BERLIN) == dt.datetime(2026, 6, 1, 9, tzinfo=UTC)


def test_a_timestamp_as_a_day_is_read_in_the_policy_zone() -> None:
    late = "2026-06-01T23:30:00Z"
    assert parse_day(late, UTC) == dt.date(2026, 6, 1)
    assert parse_day(late, BERLIN) == dt.date(2026, 6, 2)
    assert parse_day("2026-06-01", BERLIN) == dt.date(2026, 6, 1)


# -- build_postmortem -------------------------------------------------------------------------------


def test_the_base_document_builds_every_field() -> None:
    pm = build_postmortem(PATH, document(), UTC)
    assert (pm.path, pm.id, pm.severity, pm.status, pm.owner) == (PATH, "PM-2026-001", "SEV-3", "in_review", "alice.ng")
    assert (pm.services, pm.failure_modes) == (("support-api",), ("hallucination",))
    assert pm.incident.started_at == dt.datetime(2026, 6, 1, 9, tzinfo=UTC)
    assert pm.started == dt.date(2026, 6, 1)
    assert pm.unknown == frozenset()
    [action] = pm.actions
    assert (action.id, action.at, action.index, action.owner, action.due) == (
        "PM-2026-001-A1", ("actions", 0), 0, "alice.ng", dt.date(2026, 7, 15)
    )
    assert action.path("due") == ("actions", 0, "due")
    assert action.unknown == frozenset()


def test_created_defaults_to_the_day_the_incident_was_resolved() -> None:
    [action] = build_postmortem(PATH, document(), UTC).actions
    assert (action.created, action.created_given) == (dt.date(2026, 6, 1), False)


def test_the_default_created_day_is_read_in_the_policy_zone() -> None:
    incident = {"started_at": "2026-06-01T20:00:00Z", "resolved_at": "2026-06-01T23:30:00Z"}
    [action] = build_postmortem(PATH, document(incident=incident), BERLIN).actions
    assert action.created == dt.date(2026, 6, 2)


def test_created_falls_back_to_the_start_when_the_incident_is_unresolved() -> None:
    [action] = build_postmortem(PATH, document(incident={"started_at": "2026-05-30T09:00:00Z"}), UTC).actions
    assert action.created == dt.date(2026, 5, 30)


def test_a_given_created_date_wins() -> None:
    [action] = build_postmortem(PATH, document(action_created="2026-06-03"), UTC).actions
    assert (action.created, action.created_given) == (dt.date(2026, 6, 3), True)


@pytest.mark.parametrize(
    ("owner_raw", "owner"),
    [
        ("alice.ng", "alice.ng"),
        ("  alice.ng  ", "alice.ng"),
        ("", None),
        ("   ", None),
        (None, None),
        (["alice.ng", "bo.chen"], None),
        (["alice.ng"], None),
        ({"id": "alice.ng"}, None),
    ],
)
def test_an_action_has_one_owner_only_when_it_names_one_person(owner_raw: Any, owner: str | None) -> None:
    data = document()
    data["actions"][0]["owner"] = owner_raw
    [action] = build_postmortem(PATH, data, UTC).actions
    # The raw shape stays for the rules that tell "none" from "several" (PM101, PM102).
    assert (action.owner_raw, action.owner) == (owner_raw, owner)


def test_a_missing_owner_key_is_no_owner() -> None:
    [action] = build_postmortem(PATH, document(action_owner=None), UTC).actions
    assert (action.owner_raw, action.owner) == (None, None)


def test_timestamps_with_offsets_keep_their_instant() -> None:
    incident = {"started_at": "2026-06-01T09:00:00+02:00", "resolved_at": "2026-06-01T12:00:00-04:00"}
    pm = build_postmortem(PATH, document(incident=incident), UTC)
    assert pm.incident.started_at == dt.datetime(2026, 6, 1, 7, tzinfo=UTC)
    assert pm.incident.resolved_at == dt.datetime(2026, 6, 1, 16, tzinfo=UTC)
    assert pm.incident.detected_at is None


def test_a_date_only_incident_starts_at_midnight_in_the_policy_zone() -> None:
    pm = build_postmortem(PATH, document(incident={"started_at": "2026-06-01"}), BERLIN)
    assert pm.incident.started_at == dt.datetime(2026, 6, 1, tzinfo=BERLIN)
    assert pm.started == dt.date(2026, 6, 1)


def test_an_invalid_value_is_unknown_and_everything_else_is_kept() -> None:
    data = document(action_due="2026-02-30")
    pm = build_postmortem(PATH, data, UTC, [("actions", 0, "due")])
    [action] = pm.actions
    assert (action.due, action.unknown) == (None, frozenset({"due"}))
    assert (action.owner, action.priority) == ("alice.ng", "P2")
    # The caller's document is not changed.
    assert data["actions"][0]["due"] == "2026-02-30"


def test_a_missing_required_key_is_unknown() -> None:
    pm = build_postmortem(PATH, document(severity=None), UTC)
    assert "severity" in pm.unknown and pm.severity == ""


def test_related_incidents_and_waivers_keep_their_places() -> None:
    data = document(
        related_incidents=[{"id": "PM-2025-090", "relation": "repeat_of"}],
        waivers=[{"rule": "PM301", "reason": "baseline", "approved_by": "carol.wu", "expires": "2026-06-30"}],
    )
    pm = build_postmortem(PATH, data, UTC)
    assert [(link.at, link.id, link.relation) for link in pm.related_incidents] == [(("related_incidents", 0), "PM-2025-090", "repeat_of")]
    assert pm.links_to("PM-2025-090") and not pm.links_to("PM-2025-091")
    assert [(w.at, w.rule, w.expires) for w in pm.waivers] == [(("waivers", 0), "PM301", dt.date(2026, 6, 30))]
