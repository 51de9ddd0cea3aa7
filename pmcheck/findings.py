"""Findings and the Result that carries them: the plain records every stage produces and every
reporter consumes (reporters import this module, never the engine)."""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

PathPart = Union[str, int]
DataPath = tuple[PathPart, ...]


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


def pointer(path: DataPath) -> str:
    """JSON pointer (RFC 6901) of a data path: ("actions", 1, "owner") -> "/actions/1/owner"."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


# How many items a message names before it only counts the rest.
NAMED = 3


def first_few(items: Sequence[str], total: int | None = None, limit: int = NAMED) -> str:
    """``items`` joined for a message, naming at most ``limit`` and counting the rest
    ("a, b, c and 1,996 more"). ``total`` is the full count when ``items`` is only its start.

    Messages that list other places or ids stay this short, so a repository that repeats one
    id thousands of times gives output linear in its size, not in the square of the repeats.
    """
    total = len(items) if total is None else total
    named = ", ".join(items[:limit])
    rest = total - min(len(items), limit)
    return f"{named} and {rest:,} more" if rest > 0 else named


def dotted(path: DataPath) -> str:
    """Human form of a data path: ("actions", 1, "owner") -> "actions[1].owner"."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "top level"


@dataclass(frozen=True)
class Violation:
    """What a rule reports: a fact about a place in a document, before it is located."""

    code: str
    at: DataPath
    message: str
    hint: str = ""
    action: str | None = None
    # Repo-relative file; None means the document the rule was given.
    path: str | None = None
    postmortem: str | None = None
    # For rules whose default depends on the case (PM205: error for critical priorities).
    severity: Severity | None = None
    # Point at the value itself rather than at its key (a value that is wrong, e.g. a dangling id).
    on_value: bool = False


@dataclass(frozen=True, order=True)
class Finding:
    """A located, decided finding. The field order is the sort order of every report."""

    path: str
    line: int
    column: int
    code: str
    end_line: int
    end_column: int
    name: str
    severity: Severity
    message: str
    hint: str = ""
    pointer: str = ""
    postmortem: str | None = None
    action: str | None = None
    # Pull-request mode demotes findings that only time produced outside the change to notices.
    notice: bool = field(default=False)
    # The path as the file system spells it, when ``path`` shows it escaped (a name that is
    # not UTF-8, or holds control characters): what SARIF percent-encodes. Not compared.
    file: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.label,
            "message": self.message,
            "hint": self.hint,
            "pointer": self.pointer,
            "postmortem": self.postmortem,
            "action": self.action,
            "notice": self.notice,
        }


FAIL_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "never": None}


@dataclass(frozen=True)
class Result:
    """Everything a reporter needs; reporters never filter it."""

    root: Path
    as_of: dt.date
    findings: tuple[Finding, ...]
    files: int
    postmortems: int
    actions: int
    fail_on: str = "error"
    notes: tuple[str, ...] = ()
    changed_paths: frozenset[str] | None = None

    def failing(self) -> list[Finding]:
        """Findings at or above ``fail_on`` that are not notices."""
        threshold = FAIL_LEVELS[self.fail_on]
        if threshold is None:
            return []
        return [f for f in self.findings if not f.notice and f.severity >= threshold]

    @property
    def exit_code(self) -> int:
        return 1 if self.failing() else 0

    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity.label for f in self.findings if not f.notice)
        return {label: counts.get(label, 0) for label in ("error", "warning", "info")}

    def by_code(self) -> dict[str, int]:
        return dict(sorted(Counter(f.code for f in self.findings).items()))
