"""The rule catalogue: `pmcheck rules`, `pmcheck explain`, and the generated docs/rules.md.

docs/rules.md is exactly `pmcheck rules --format markdown`. After adding or changing a rule,
refresh it with ``PMCHECK_UPDATE_GOLDEN=1 pytest tests/test_catalogue.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from markdown_it import MarkdownIt

from pmcheck.catalogue import anchor, render_catalogue
from pmcheck.rules import REGISTRY
from tests.cli_runner import CliRun, run_pmcheck

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "rules.md"
SPEC_CODES = (
    "PM001 PM002 PM003 PM004 PM005 PM006 PM007 PM008 "
    "PM101 PM102 PM103 PM104 PM105 PM106 "
    "PM201 PM202 PM203 PM204 PM205 PM206 PM207 PM208 "
    "PM301 PM302 PM303 PM304 PM305 PM306 PM307 "
    "PM401 PM402 PM403 PM404 PM501 PM502 PM901 PM902 PM903 PM904 PM905"
).split()


def pmcheck(*args: str) -> CliRun:
    return run_pmcheck(*args, cwd=ROOT)


def test_docs_rules_md_is_the_generated_reference() -> None:
    text = render_catalogue("markdown")
    if os.environ.get("PMCHECK_UPDATE_GOLDEN") == "1":
        DOCS.parent.mkdir(exist_ok=True)
        DOCS.write_bytes(text.encode("utf-8"))
    assert DOCS.read_bytes().decode("utf-8") == text, (
        "docs/rules.md is stale; refresh it with PMCHECK_UPDATE_GOLDEN=1 pytest tests/test_catalogue.py"
    )


def test_the_reference_links_every_rule_to_its_section() -> None:
    tokens = MarkdownIt().parse(render_catalogue("markdown"))
    headings = {
        tokens[n + 1].content for n, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"
    }
    for rule in REGISTRY.values():
        assert f"{rule.code} {rule.name}" in headings
        # GitHub's heading anchors: lower case, spaces to dashes.
        assert anchor(rule) == f"{rule.code} {rule.name}".lower().replace(" ", "-")


def test_every_spec_code_is_registered_with_a_kebab_case_name() -> None:
    assert sorted(REGISTRY) == sorted(SPEC_CODES)
    for rule in REGISTRY.values():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)+", rule.name), rule.code


def test_rules_json_lists_every_rule() -> None:
    done = pmcheck("rules", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["version"] == 1
    listed = {r["code"]: r for r in data["rules"]}
    assert set(SPEC_CODES) <= set(listed)
    assert listed["PM205"]["name"] == "action-overdue"
    assert listed["PM903"] == {
        "code": "PM903",
        "name": "unused-waiver",
        "severity": "warning",
        "scope": "engine",
        "summary": "A waiver suppresses nothing.",
    }


def test_rules_text_is_one_line_per_rule() -> None:
    done = pmcheck("rules")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(REGISTRY)
    pm101 = next(line for line in lines if line.startswith("PM101"))
    assert re.fullmatch(r"PM101  action-without-owner +error +\S.*\.", pm101)


def test_explain_by_code_and_by_name_print_the_same_documentation() -> None:
    by_code = pmcheck("explain", "PM101")
    by_name = pmcheck("explain", "action-without-owner")
    assert by_code.returncode == by_name.returncode == 0
    assert by_code.stdout == by_name.stdout
    assert by_code.stdout.startswith("PM101 action-without-owner (default severity: error)\n")
    for section in ("## What it does", "## Why it matters", "## Example", "## Use instead", "## Options"):
        assert section in by_code.stdout
    assert pmcheck("explain", "pm101").stdout == by_code.stdout


def test_explain_an_unknown_code_exits_2_with_one_line() -> None:
    done = pmcheck("explain", "PM999")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "unknown rule 'PM999'" in done.stderr and "Traceback" not in done.stderr
