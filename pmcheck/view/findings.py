"""Governance findings: what ``pmcheck check`` reports on the same files and date."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pmcheck.findings import Finding
from pmcheck.markdown import Markdown, link
from pmcheck.reference import DOCS_URL, anchor
from pmcheck.view.records import FindingRow


def rule_link(finding: Finding) -> Markdown:
    """The finding's code, linked to its rule in the rule reference."""
    return link(finding.code, f"{DOCS_URL}#{anchor(finding)}")


def finding_rows(findings: Sequence[Finding]) -> tuple[FindingRow, ...]:
    counts = Counter(f.code for f in findings if not f.notice)
    first = {f.code: f for f in findings}
    return tuple(
        FindingRow(
            code=rule_link(first[code]),
            name=first[code].name,
            severity=first[code].severity.label,
            count=counts[code],
        )
        for code in sorted(counts)
    )
