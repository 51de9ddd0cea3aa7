"""Text output: one finding per line, then a one-line summary.

``path:line:column: CODE name: message`` sorted by path, line, column and code, exactly as
compilers and editors print diagnostics, so terminals and editors make them clickable. Hints
follow on an indented line. Notices (pull-request mode) are marked ``[notice]``. Colour only
when asked for (the command line asks on a terminal without ``NO_COLOR``).
"""

from __future__ import annotations

import re

from pmcheck.findings import Result, Severity

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


# Messages can quote file content; a newline would split a finding across lines and an escape
# sequence (YAML's "\e") would reach the terminal, so both are shown escaped.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary_line(result: Result) -> str:
    counts = result.by_severity()
    notices = sum(1 for f in result.findings if f.notice)
    parts = [_plural(counts["error"], "error"), _plural(counts["warning"], "warning"), f"{counts['info']} info"]
    if notices:
        parts.append(_plural(notices, "notice"))
    checked = f"{_plural(result.files, 'file')} ({_plural(result.postmortems, 'postmortem')}, {_plural(result.actions, 'action')})"
    return f"{', '.join(parts)} in {checked} (as of {result.as_of.isoformat()})"


def render(result: Result, color: bool = False) -> str:
    lines: list[str] = []
    for f in result.findings:
        code = f"{f.code} {f.name}"
        if color:
            code = f"{_COLORS[f.severity]}{_BOLD}{f.code}{_RESET}{_COLORS[f.severity]} {f.name}{_RESET}"
        tag = "[notice] " if f.notice else ""
        lines.append(f"{_clean(f.path)}:{f.line}:{f.column}: {tag}{code}: {_clean(f.message)}")
        if f.hint:
            hint = f"  hint: {_clean(f.hint)}"
            lines.append(f"{_DIM}{hint}{_RESET}" if color else hint)
    for note in result.notes:
        lines.append(f"note: {_clean(note)}")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
