from __future__ import annotations

from tests.rules.action_fragments import of
from tests.rules.conftest import RunCheck


def incident(**stamps: str) -> str:
    lines = ["incident:"] + [f"  {key}: {value}" for key, value in stamps.items()]
    return "\n".join(lines) + "\n"


def test_detected_before_started_points_at_detected(run: RunCheck) -> None:
    found = of(
        run(incident(started_at="2026-06-01T09:00:00Z", detected_at="2026-06-01T08:59:59Z", resolved_at="2026-06-01T12:00:00Z")),
        "PM007",
    )
    assert [(f.line, f.column, f.pointer) for f in found] == [(23, 3, "/incident/detected_at")]
    assert "earlier than incident.started_at" in found[0].message


def test_missing_middle_timestamps_compare_with_the_nearest_given(run: RunCheck) -> None:
    found = of(run(incident(started_at="2026-06-01T09:00:00Z", resolved_at="2026-06-01T08:00:00Z")), "PM007")
    assert [f.pointer for f in found] == ["/incident/resolved_at"]
    assert "incident.started_at" in found[0].message


def test_each_inversion_is_reported_once(run: RunCheck) -> None:
    found = of(
        run(
            incident(
                started_at="2026-06-01T09:00:00Z",
                detected_at="2026-06-01T10:00:00Z",
                mitigated_at="2026-06-01T09:30:00Z",
                resolved_at="2026-06-01T09:45:00Z",
            )
        ),
        "PM007",
    )
    assert [f.pointer for f in found] == ["/incident/mitigated_at"]


def test_equal_timestamps_are_in_order(run: RunCheck) -> None:
    stamp = "2026-06-01T09:00:00Z"
    assert of(run(incident(started_at=stamp, detected_at=stamp, mitigated_at=stamp, resolved_at=stamp)), "PM007") == []


def test_offsets_are_compared_as_instants(run: RunCheck) -> None:
    # 10:30+02:00 is 08:30Z: before the start, though its wall-clock time is later.
    found = of(run(incident(started_at="2026-06-01T09:00:00Z", detected_at="2026-06-01T10:30:00+02:00")), "PM007")
    assert [f.pointer for f in found] == ["/incident/detected_at"]
    # 11:30+02:00 is 09:30Z: after the start.
    assert of(run(incident(started_at="2026-06-01T09:00:00Z", detected_at="2026-06-01T11:30:00+02:00")), "PM007") == []


def test_only_started_is_fine(run: RunCheck) -> None:
    assert of(run(incident(started_at="2026-06-01T09:00:00Z")), "PM007") == []
