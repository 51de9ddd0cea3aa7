"""Governance findings: what ``pmcheck check`` reports on the same files and date, by rule and by file."""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Sequence

from pmcheck.findings import Finding, Severity
from pmcheck.markdown import Markdown, code, escape, file_link, link
from pmcheck.reference import DOCS_URL, anchor
from pmcheck.view.records import FindingGroup, FindingLine, FindingRow


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


def finding_groups(findings: Sequence[Finding], titles: dict[str, tuple[str, str]], log_dir: str) -> tuple[FindingGroup, ...]:
    """Every finding at or above warning, grouped by postmortem file, each linked to its line.

    Links are relative to the log's folder, so they work where GitHub shows the log.
    """
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if not f.notice and f.severity >= Severity.WARNING:
            groups.setdefault(f.path, []).append(f)
    out: list[FindingGroup] = []
    for path in sorted(groups):
        # `path` is the display form; links go to the file's real name.
        real = groups[path][0].file or path
        rel = posixpath.relpath(real, log_dir)
        known = titles.get(real)
        title = file_link(code(known[0]), rel) if known else file_link(code(posixpath.relpath(path, log_dir)), rel)
        lines = tuple(
            FindingLine(
                severity=f.severity.label,
                code=rule_link(f),
                name=f.name,
                where=file_link(f"line {f.line}", rel, f.line),
                message=f.message,
                path=f.path,
                line=f.line,
            )
            for f in sorted(groups[path], key=lambda f: (f.line, f.column, f.code, f.message))
        )
        out.append(FindingGroup(title=Markdown(f"{title} {escape(known[1])}") if known else title, lines=lines))
    return tuple(out)
