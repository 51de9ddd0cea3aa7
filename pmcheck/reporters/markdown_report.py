"""Markdown summary, for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

A heading with the verdict, one line of counts, a table of findings with the most important
first (errors in changed files, errors, warnings, info, notices: the order of the annotations),
a count per rule, and the run's notes. Every cell is escaped: text from postmortems never
becomes a table column, HTML, a link or a mention. GitHub refuses a step summary over 1 MiB,
so the table stops well before that and says how many findings it left out.
"""

from __future__ import annotations

from pmcheck.findings import Finding, Result
from pmcheck.markdown import escape, one_line
from pmcheck.reporters.github import by_importance, level
from pmcheck.reporters.text import summary_line

# Bytes of table rows; the rest of the summary is small and bounded. GitHub's limit is 1 MiB.
ROW_BUDGET = 512 * 1024
CELL_LIMIT = 300


def cell(text: str, limit: int = CELL_LIMIT) -> str:
    """Text as an inert Markdown table cell: one line, bounded, escaped by the one Markdown
    escaper the operating log uses (``pmcheck.markdown.escape``)."""
    text = one_line(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text)


def _row(finding: Finding) -> str:
    where = f"{finding.path}:{finding.line}:{finding.column}"
    message = finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
    return f"| {level(finding)} | {cell(finding.code)} {cell(finding.name)} | {cell(where)} | {cell(message)} |"


def render(result: Result, color: bool = False) -> str:
    verdict = "failed" if result.exit_code else "passed"
    lines = [f"## pmcheck {verdict}", "", cell(summary_line(result), limit=1000) + f" · fails on {result.fail_on}", ""]
    findings = by_importance(result)
    if findings:
        lines += ["| level | rule | location | message |", "|---|---|---|---|"]
        used = 0
        shown = 0
        for f in findings:
            row = _row(f)
            used += len(row.encode("utf-8")) + 1
            if used > ROW_BUDGET:
                break
            lines.append(row)
            shown += 1
        if shown < len(findings):
            lines += ["", f"… and {len(findings) - shown} more findings: the JSON or SARIF report lists every one."]
        lines += ["", "| rule | findings |", "|---|---:|"]
        lines += [f"| {code} | {count} |" for code, count in result.by_code().items()]
    else:
        lines.append("No findings.")
    if result.notes:
        lines += [""] + [f"- note: {cell(note, limit=1000)}" for note in result.notes]
    return "\n".join(lines) + "\n"
