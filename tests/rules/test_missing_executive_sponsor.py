from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.action_fragments import of
from tests.rules.conftest import RunCheck


@pytest.mark.parametrize("severity", ["SEV-1", "SEV-2"])
# The document root is located at its first key (line 3, after the base's two comment lines).
def test_critical_severity_without_sponsor_points_at_the_document(run: RunCheck, severity: str) -> None:
    found = of(run(f"severity: {severity}\n"), "PM105")
    assert [(f.line, f.column, f.pointer, f.action) for f in found] == [(3, 1, "", None)]
    assert found[0].message == f"postmortem PM-2026-001 is {severity} and has no executive sponsor"
    assert "dana.kim" in found[0].hint


@pytest.mark.parametrize("severity", ["SEV-3", "SEV-4"])
def test_other_severities_need_no_sponsor(run: RunCheck, severity: str) -> None:
    assert of(run(f"severity: {severity}\n"), "PM105") == []


def test_sponsor_without_the_role_points_at_the_key(run: RunCheck) -> None:
    found = of(run("severity: SEV-1\nexecutive_sponsor: carol.wu\n"), "PM105")
    assert [(f.line, f.column, f.pointer) for f in found] == [(26, 1, "/executive_sponsor")]
    assert "does not have the role exec_sponsor" in found[0].message


def test_sponsor_with_the_role_passes(run: RunCheck) -> None:
    assert of(run("severity: SEV-2\nexecutive_sponsor: dana.kim\n"), "PM105") == []


def test_unknown_sponsor_is_pm103s_job(run: RunCheck) -> None:
    findings = run("severity: SEV-1\nexecutive_sponsor: dana.kimm\n")
    assert of(findings, "PM105") == []
    assert [f.pointer for f in of(findings, "PM103")] == ["/executive_sponsor"]


def test_without_a_roster_only_presence_is_checked(run: RunCheck, repo: Path) -> None:
    (repo / "people.yaml").unlink()
    assert of(run("severity: SEV-1\nexecutive_sponsor: carol.wu\n"), "PM105") == []
    assert len(of(run("severity: SEV-1\n"), "PM105")) == 1


def test_criticality_comes_from_the_policy(run: RunCheck) -> None:
    policy = {
        "severities": {
            "SEV-1": {"critical": True, "default_priority": "P0"},
            "SEV-2": {"critical": False, "default_priority": "P1"},
            "SEV-3": {"critical": True, "default_priority": "P2"},
            "SEV-4": {"default_priority": "P3"},
        }
    }
    assert len(of(run("severity: SEV-3\n", policy=policy), "PM105")) == 1
    assert of(run("severity: SEV-2\n", policy=policy), "PM105") == []
