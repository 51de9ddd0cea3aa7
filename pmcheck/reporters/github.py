"""GitHub Actions output: one workflow command per finding, most important first.

Each finding becomes ``::error file=P,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message``
(``::warning`` for warnings, ``::notice`` for info findings and for pull-request notices). GitHub
shows only about ten annotations of each level per step, so the order is: errors in the files
the change touched, other errors, warnings, info findings, then notices; the full list belongs in
the job summary (the ``markdown`` format). Messages escape ``%``, CR and LF; property values
also escape ``:`` and ``,``, so no text from a postmortem can end the command early or start a
new one. Control and format characters in file names, messages and hints are shown as escapes
(``\\x1b``) first, as the text format shows them: the step log renders ANSI sequences. The last
line is the plain-text summary, which the step log shows as is.
"""

from __future__ import annotations

from pmcheck.display import clean
from pmcheck.findings import Finding, Result, Severity
from pmcheck.reporters.text import summary_line

# GitHub's documented display limit per annotation level and step.
SHOWN_PER_LEVEL = 10

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (the text after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value (``file=``, ``title=``...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def level(finding: Finding) -> str:
    """The annotation level: pull-request notices never show as errors."""
    return "notice" if finding.notice else _LEVELS[finding.severity]


def importance(result: Result, finding: Finding) -> int:
    """0 for the most important: errors in changed files, errors, warnings, info, notices."""
    if finding.notice:
        return 4
    if finding.severity is Severity.ERROR:
        changed = result.changed_paths
        return 0 if changed is not None and finding.path in changed else 1
    return 2 if finding.severity is Severity.WARNING else 3


def by_importance(result: Result) -> list[Finding]:
    """The findings, most important first; report order within each group."""
    return sorted(result.findings, key=lambda f: (importance(result, f), f))


def annotation(finding: Finding) -> str:
    props: list[tuple[str, str]] = []
    if finding.path and finding.path != ".":
        props += [
            ("file", clean(finding.file or finding.path, lines=True)),
            ("line", str(finding.line)),
            ("col", str(finding.column)),
            ("endLine", str(finding.end_line)),
            ("endColumn", str(finding.end_column)),
        ]
    props.append(("title", f"{finding.code} {finding.name}"))
    message = clean(finding.message, lines=True) + (f"\nhint: {clean(finding.hint, lines=True)}" if finding.hint else "")
    properties = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{level(finding)} {properties}::{escape_data(message)}"


def render(result: Result, color: bool = False) -> str:
    findings = by_importance(result)
    lines = [annotation(f) for f in findings]
    lines += [f"::notice title=pmcheck::{escape_data(clean(note, lines=True))}" for note in result.notes]
    per_level: dict[str, int] = {}
    for f in findings:
        per_level[level(f)] = per_level.get(level(f), 0) + 1
    hidden = {name: n - SHOWN_PER_LEVEL for name, n in per_level.items() if n > SHOWN_PER_LEVEL}
    if hidden:
        counts = ", ".join(f"{n} {name}" for name, n in sorted(hidden.items()))
        lines.append(f"GitHub shows about {SHOWN_PER_LEVEL} annotations per level; {counts} annotations may be hidden: see the job summary for every finding")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
