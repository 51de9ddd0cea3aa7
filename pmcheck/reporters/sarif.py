"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

One run whose ``tool.driver.rules`` is the whole rule catalogue (id, name, descriptions, help text
and Markdown from the rule documentation, a link to the rule reference, default level). Each
finding is a result with ``ruleId``/``ruleIndex``, ``level`` (error, warning, note; pull-request
notices are notes), the message and hint, a repo-relative location with ``uriBaseId``
``%SRCROOT%`` and a region in 1-based lines and Unicode code-point columns (end column
exclusive). ``partialFingerprints`` hash the code, file, JSON pointer and action id, never line
numbers, so code scanning keeps tracking a finding when lines above it move.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote
from typing import Any

from pmcheck import __version__
from pmcheck.display import inert_json
from pmcheck.findings import Finding, Result, Severity
from pmcheck.reference import DOCS_URL, PROJECT_URL, anchor
from pmcheck.rules import REGISTRY, Rule


SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = PROJECT_URL
RULES_URI = DOCS_URL
FINGERPRINT_KEY = "pmcheckFinding/v1"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def fingerprint(finding: Finding) -> str:
    """Stable identity of a finding: what and where in the data, not on which line."""
    parts = (finding.code, finding.path, finding.pointer, finding.action or "")
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def artifact_uri(path: str) -> str:
    """A repo-relative path as a relative URI reference: a space, ``#``, ``%`` or ``?`` in a file
    name would otherwise make it invalid or cut it short (``#`` starts a fragment). The real
    bytes of the name are percent-encoded, also those that are not UTF-8 (surrogate escapes)."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    sections = rule.sections()
    what = sections.get("What it does", rule.summary)
    markdown = f"**{rule.code} {rule.name}** (default: {rule.severity.label})\n\n{rule.doc.strip()}\n"
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what},
        "help": {"text": rule.doc.strip(), "markdown": markdown},
        "helpUri": f"{RULES_URI}#{anchor(rule)}",
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": ["postmortem", "governance"]},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    text = finding.message + (f"\nhint: {finding.hint}" if finding.hint else "")
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(finding.file or finding.path), "uriBaseId": "%SRCROOT%"},
            "region": {
                "startLine": finding.line,
                "startColumn": finding.column,
                "endLine": max(finding.end_line, finding.line),
                "endColumn": finding.end_column,
            },
        }
    }
    if finding.pointer:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.pointer, "kind": "object"}]
    properties: dict[str, Any] = {"severity": finding.severity.label, "notice": finding.notice}
    if finding.postmortem:
        properties["postmortem"] = finding.postmortem
    if finding.action:
        properties["action"] = finding.action
    return {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": "note" if finding.notice else _LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "properties": properties,
    }


def render(result: Result, color: bool = False) -> str:
    descriptors = [_rule_descriptor(rule) for rule in REGISTRY.values()]
    # Every result needs its rule described, even one a newer engine produced.
    for code, name in sorted({(f.code, f.name) for f in result.findings if f.code not in REGISTRY}):
        descriptors.append({"id": code, "name": name, "shortDescription": {"text": name}})
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pmcheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {"level": "note", "message": {"text": note}} for note in result.notes
                        ],
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index) for f in result.findings],
                "properties": {"asOf": result.as_of.isoformat()},
            }
        ],
    }
    return inert_json(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"
