"""SARIF: valid against the official 2.1.0 schema and carrying what GitHub code scanning reads."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pmcheck.catalogue import anchor
from pmcheck.reporters.sarif import fingerprint, render
from pmcheck.rules import REGISTRY
from tests.test_reporters import CHANGED, sample_result

SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
BASE = Path(__file__).resolve().parent / "rules" / "example_base.yaml"
PEOPLE = Path(__file__).resolve().parent / "data" / "people.yaml"


def validate(log: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # The validator the schema itself declares ($schema: draft-04), with format checks on.
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_sample_validates_against_the_official_schema() -> None:
    validate(json.loads(render(sample_result())))


def test_clean_run_validates() -> None:
    log = json.loads(render(sample_result([], changed=None)))
    validate(log)
    assert log["runs"][0]["results"] == []


def test_driver_rules_come_from_the_registry() -> None:
    driver = json.loads(render(sample_result()))["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == list(REGISTRY)
    for descriptor in driver["rules"]:
        rule = REGISTRY[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"]
        assert rule.summary in descriptor["help"]["text"] and rule.summary in descriptor["help"]["markdown"]
        assert descriptor["helpUri"].endswith(f"docs/rules.md#{anchor(rule)}")
        assert re.match(r"https://", descriptor["helpUri"])
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning", "info": "note"}[rule.severity.label]


def test_results_carry_rule_level_location_and_fingerprint() -> None:
    run = json.loads(render(sample_result()))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_id = {}
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert set(location["region"]) == {"startLine", "startColumn", "endLine", "endColumn"}
        by_id[(item["ruleId"], item["properties"].get("action"))] = item
    owner = by_id[("PM101", "PM-2026-014-A2")]
    assert owner["level"] == "error"
    assert owner["message"]["text"].startswith("action PM-2026-014-A2 has no owner\nhint: ")
    assert owner["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == CHANGED
    assert owner["locations"][0]["physicalLocation"]["region"] == {"startLine": 23, "startColumn": 9, "endLine": 23, "endColumn": 17}
    assert by_id[("PM205", "PM-2026-003-A1")]["level"] == "warning"
    assert by_id[("PM204", "PM-2026-014-A4")]["level"] == "note"
    assert by_id[("PM206", "PM-2026-003-A2")]["level"] == "note"  # pull-request notice
    prints = [next(iter(item["partialFingerprints"].values())) for item in run["results"]]
    assert len(set(prints)) == len(prints)


def test_fingerprints_ignore_lines_but_not_identity() -> None:
    base = sample_result().findings[0]
    moved = replace(base, line=base.line + 40, end_line=base.end_line + 40, column=1, message="reworded")
    assert fingerprint(moved) == fingerprint(base)
    assert fingerprint(replace(base, pointer="/actions/7")) != fingerprint(base)
    assert fingerprint(replace(base, action="PM-2026-014-A9")) != fingerprint(base)
    assert fingerprint(replace(base, path="postmortems/other.yaml")) != fingerprint(base)
    assert fingerprint(replace(base, code="PM102")) != fingerprint(base)


@pytest.fixture
def ownerless_repo(tmp_path: Path) -> Path:
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "people.yaml").write_text(PEOPLE.read_text())
    (tmp_path / "pmcheck.yaml").write_text("{}\n")
    text = BASE.read_text().replace("    owner: alice.ng\n", "")
    (tmp_path / "postmortems" / "PM-2026-001.yaml").write_text(text)
    return tmp_path


def test_a_real_run_writes_every_report_at_once(ownerless_repo: Path) -> None:
    out = ownerless_repo / "out"
    out.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "pmcheck", "check", "--as-of", "2026-06-15", "--format", "github",
         "--report", f"sarif={out / 'pmcheck.sarif'}", "--report", f"markdown={out / 'summary.md'}",
         "--report", f"junit={out / 'junit.xml'}", "--report", f"json={out / 'pmcheck.json'}"],
        cwd=ownerless_repo, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("::error file=postmortems/PM-2026-001.yaml,line=18,col=5,")
    assert "title=PM101 action-without-owner::action PM-2026-001-A1 has no owner" in proc.stdout
    log = json.loads((out / "pmcheck.sarif").read_text())
    validate(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["PM101"]
    assert "| error | PM101 action-without-owner |" in (out / "summary.md").read_text()
    assert json.loads((out / "pmcheck.json").read_text())["summary"]["by_severity"]["error"] == 1
    assert 'failures="1"' in (out / "junit.xml").read_text()


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("postmortems/PM-2026-014.yaml", "postmortems/PM-2026-014.yaml"),
        ("postmortems/old stuff/PM-2026-014.yaml", "postmortems/old%20stuff/PM-2026-014.yaml"),
        ("postmortems/#1 50%?.yaml", "postmortems/%231%2050%25%3F.yaml"),
        ("postmortems/é.yaml", "postmortems/%C3%A9.yaml"),
    ],
)
def test_artifact_uris_are_percent_encoded(path: str, uri: str) -> None:
    result = sample_result()
    finding = replace(result.findings[0], path=path)
    log = json.loads(render(replace(result, findings=(finding,))))
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
    assert re.fullmatch(r"[A-Za-z0-9._~/%!$&'()*+,;=:@-]+", uri)
