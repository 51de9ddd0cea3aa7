"""Text output: one finding per line, then a one-line summary.

``path:line:column: [level] CODE name: message`` sorted by path, line, column and code, as
compilers and yamllint's parsable format print diagnostics: terminals and editors make them
clickable, and a CI log without colour still says which lines fail. The level is ``error``,
``warning`` or ``info``; notices (pull-request mode) are ``[notice]``. Paths are relative to
``cwd`` when the caller gives it (the command line gives the current directory, so
``pmcheck check sample-repo`` prints ``sample-repo/postmortems/...``), else to the repository.
Hints follow on an indented line. Colour only when asked for (the command line asks on a
terminal unless ``NO_COLOR`` is set to a non-empty value).
"""

from __future__ import annotations

import os
from pathlib import Path

from pmcheck.display import clean
from pmcheck.findings import Finding, Result, Severity

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


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


def display_path(root: Path, path: str, cwd: Path | None) -> str:
    """A repository-relative path as the user should see it from ``cwd`` (None: unchanged)."""
    if cwd is None:
        return path
    full = root / path if path != "." else root
    shown = os.path.relpath(full, cwd)
    # Outside the current directory an absolute path reads better than a climb of `../`.
    if shown == os.pardir or shown.startswith(os.pardir + os.sep):
        shown = str(full)
    return shown if os.sep == "/" else shown.replace(os.sep, "/")


def shown_path(root: Path, path: str, cwd: Path | None) -> str:
    """A finding's path as printed: from ``cwd`` (see ``display_path``), control characters escaped."""
    return clean(display_path(root, path, cwd))


def finding_lines(f: Finding, path: str, color: bool = False) -> list[str]:
    """One finding as printed at ``path`` (``shown_path``): its line, then its hint indented."""
    level = "notice" if f.notice else f.severity.label
    code = f"[{level}] {f.code} {f.name}"
    if color:
        tint = _DIM if f.notice else _COLORS[f.severity]
        code = f"{tint}[{level}]{_RESET} {tint}{_BOLD}{f.code}{_RESET}{tint} {f.name}{_RESET}"
    lines = [f"{path}:{f.line}:{f.column}: {code}: {clean(f.message)}"]
    if f.hint:
        hint = f"  hint: {clean(f.hint)}"
        lines.append(f"{_DIM}{hint}{_RESET}" if color else hint)
    return lines


def render(result: Result, color: bool = False, cwd: Path | None = None) -> str:
    lines: list[str] = []
    shown: dict[str, str] = {}
    for f in result.findings:
        path = shown.get(f.path)
        if path is None:
            path = shown[f.path] = shown_path(result.root, f.path, cwd)
        lines.extend(finding_lines(f, path, color))
    for note in result.notes:
        lines.append(f"note: {clean(note)}")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
