"""Round-trip edits of one postmortem file that leave the author's text alone.

ruamel.yaml's round-trip mode keeps comments, key order, quoting and flow or block style, but
it re-indents the whole document to one style and re-wraps long plain scalars. A decision must
change only its own lines, so the file is never taken from ruamel wholesale: ruamel dumps the
document twice, as loaded and as edited, and only the lines that differ between those two
dumps replace the author's lines (widened over any neighbouring lines ruamel reformatted). The
rest of the file is copied byte for byte, line endings and final newline included.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import ScalarString

from pmcheck.findings import DataPath
from pmcheck.loader import load_text

# The order SPEC section 2 lists fields in: a new key goes after the last key present that
# comes before it here, so a decision's keys land where an author would have written them.
POSTMORTEM_ORDER = (
    "schema_version", "id", "title", "severity", "status", "summary", "workflow", "services",
    "failure_modes", "incident", "detection", "owner", "executive_sponsor", "approvers",
    "contributing_factors", "related_incidents", "reviews", "mitigation_timeline", "waivers",
    "actions",
)
ACTION_ORDER = (
    "id", "title", "type", "priority", "priority_rationale", "owner", "team", "created", "due",
    "status", "addresses", "success_criteria", "evidence", "completed_at", "verification",
    "closure", "deadline_changes", "owner_changes", "escalations", "tracker", "waivers",
)


class EditError(Exception):
    """The file cannot be edited safely (ruamel could not read it, or the result is not the edit)."""


@dataclass(frozen=True)
class Style:
    """Block indentation as ruamel counts it: mapping indent, sequence indent, dash offset."""

    mapping: int = 2
    sequence: int = 2
    offset: int = 0


def _walk(data: Any, path: DataPath = ()) -> Iterator[tuple[DataPath, Any]]:
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _walk(value, path + (key,))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from _walk(value, path + (n,))


def _get(data: Any, path: DataPath) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def detect_style(text: str, prefer: Sequence[DataPath] = ()) -> Style:
    """The block indentation the author used where the edit goes.

    Measured with pmcheck's loader spans: the list at the first of ``prefer`` that is a block
    list (else the ``actions`` list, else any list) gives the dash offset and item indent; the
    first nested block mapping under ``prefer[0]``'s parent (else anywhere) the mapping indent.
    """
    loaded = load_text(text, "style")
    if loaded.data is None:
        return Style()
    lines = text.splitlines()
    spans = loaded.spans.spans

    def sequence(path: DataPath) -> tuple[int, int] | None:
        items = _get(loaded.data, path)
        key, first = spans.get(path), spans.get(path + (0,))
        if not path or not isinstance(items, list) or not items or key is None or first is None:
            return None
        line = lines[first[0] - 1] if first[0] <= len(lines) else ""
        lead = line[: first[1] - 1]
        if not lead.strip() == "-" or first[0] == key[0]:
            return None
        dash = lead.index("-")
        return dash - (key[1] - 1), first[1] - key[1]

    def mapping(path: DataPath) -> int | None:
        value = _get(loaded.data, path)
        key = spans.get(path)
        if not path or isinstance(path[-1], int) or not isinstance(value, dict) or not value or key is None:
            return None
        child = spans.get(path + (next(iter(value)),))
        if child is None or child[0] <= key[0]:
            return None
        return child[1] - key[1]

    everything = [p for p, _ in _walk(loaded.data)]
    found_seq = next(
        (m for m in (sequence(p) for p in [*prefer, ("actions",), *everything]) if m is not None), None
    )
    near = prefer[0][:2] if prefer else ()
    found_map = next(
        (m for m in (mapping(p) for p in [*(p for p in everything if p[: len(near)] == near), *everything]) if m), None
    )
    style = Style(mapping=found_map or 2)
    if found_seq is not None:
        offset, indent = found_seq
        style = Style(style.mapping, max(indent, offset + 2), offset)
    return style


def _yaml(style: Style) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    # New text stays on one line: re-wrapping is what an author would notice in the diff.
    yaml.width = 4096
    yaml.indent(mapping=style.mapping, sequence=style.sequence, offset=style.offset)
    # One date written twice (a new `due` and the `to` of its change) must not become an anchor.
    yaml.representer.ignore_aliases = lambda data: True
    return yaml


class EditableFile:
    """One postmortem's text and its ruamel round-trip document, edited in memory."""

    def __init__(self, text: str, prefer: Sequence[DataPath] = ()) -> None:
        self.newline = "\r\n" if "\r\n" in text else "\n"
        body = text.replace("\r\n", "\n") if self.newline == "\r\n" else text
        self.final_newline = body.endswith("\n")
        self.original = body if self.final_newline else body + "\n"
        self.style = detect_style(self.original, prefer)
        try:
            self.data: Any = _yaml(self.style).load(self.original)
        except (YAMLError, ValueError) as error:
            raise EditError(f"cannot read the file for editing: {' '.join(str(error).split())}") from None
        if not isinstance(self.data, CommentedMap):
            raise EditError("the file is not a YAML mapping")

    def action(self, index: int, action_id: str) -> CommentedMap:
        actions = self.data.get("actions")
        if not isinstance(actions, CommentedSeq) or index >= len(actions):
            raise EditError(f"action {action_id} is not where the loader found it")
        found = actions[index]
        if not isinstance(found, CommentedMap) or found.get("id") != action_id:
            raise EditError(f"action {action_id} is not where the loader found it")
        return found

    def render(self) -> str:
        """The edited file: the author's lines, with only the edit's lines replaced."""
        baseline = self._dump(_yaml(self.style).load(self.original))
        edited = self._dump(self.data)
        spliced = splice(self.original.splitlines(True), baseline.splitlines(True), edited.splitlines(True))
        text = "".join(spliced)
        # The splice must mean exactly what ruamel wrote; if it does not, ruamel's text is used.
        if load_text(text, "edited").data != load_text(edited, "edited").data:
            text = edited
        if not self.final_newline:
            text = text[:-1] if text.endswith("\n") else text
        return text.replace("\n", self.newline) if self.newline == "\r\n" else text

    def _dump(self, data: Any) -> str:
        out = io.StringIO()
        _yaml(self.style).dump(data, out)
        return out.getvalue()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_STRUCTURAL = re.compile(r"(- +)?[^\s#][^:#]*:( |$)")


_LEAD = re.compile(r" *(?:- +)*")


def _content_column(line: str) -> int:
    """Where a line's content starts, after its indentation and any `- ` markers."""
    match = _LEAD.match(line)
    return match.end() if match else 0


def _blank_or_comment(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def splice(original: list[str], before: list[str], after: list[str]) -> list[str]:
    """Apply the change ``before`` -> ``after`` (two ruamel dumps) to the author's ``original``.

    Lines are matched on their text without indentation, because ruamel re-indents the whole
    document to one style. Each changed run of lines is shifted by the indentation difference
    between the author's line and ruamel's at the nearest key line before it, so new entries
    sit at the author's depth. A change that touches lines ruamel reformatted (re-wrapped, a
    comment moved) takes ruamel's text for those lines too, and nothing else.
    """
    o_text = [line.strip() for line in original]
    a_text = [line.strip() for line in before]
    # Units of `before`, each with the original lines it stands for: one line when they match,
    # a block where ruamel reformatted.
    units: list[tuple[int, int, int, int]] = []
    to_original: dict[int, int] = {}
    for tag, o1, o2, a1, a2 in SequenceMatcher(None, o_text, a_text, autojunk=False).get_opcodes():
        if tag == "equal":
            units.extend((a1 + n, a1 + n + 1, o1 + n, o1 + n + 1) for n in range(a2 - a1))
            to_original.update((a1 + n, o1 + n) for n in range(a2 - a1))
        else:
            units.append((a1, a2, o1, o2))
    o_at = [len(original)] * (len(before) + 1)
    for a1, _, o1, _ in units:
        o_at[a1] = min(o_at[a1], o1)
    ops = SequenceMatcher(None, before, after, autojunk=False).get_opcodes()

    def to_after(p: int, end: bool) -> int:
        # A range's start maps through the ops before it, its end through the ops after it, so
        # an insertion at p (an empty range) still maps to the inserted lines.
        for tag, i1, i2, j1, j2 in reversed(ops) if end else ops:
            if tag == "equal" and i1 <= p <= i2:
                return j1 + (p - i1)
            if p == (i2 if end else i1):
                return j2 if end else j1
        return len(after) if end else 0

    def shift(x1: int, x2: int) -> int:
        """Author's indentation minus ruamel's at the nearest matched key line around the range
        that is not deeper than the range's first line."""
        first = next((line for line in after[to_after(x1, False):to_after(x2, True)] if not _blank_or_comment(line)), "")
        depth = _content_column(first)
        for p in [*range(x1 - 1, -1, -1), *range(x2, len(before))]:
            o = to_original.get(p)
            if o is not None and _STRUCTURAL.match(a_text[p]) and _content_column(before[p]) <= depth:
                return _content_column(original[o]) - _content_column(before[p])
        return 0

    ranges: list[list[int]] = []
    for tag, i1, i2, _, _ in ops:
        if tag == "equal":
            continue
        x1, x2 = i1, i2
        for a1, a2, _, _ in units:
            # A reformatted unit the change overlaps (or inserts inside) is taken whole.
            if a1 < a2 and a1 < max(x2, x1 + 1) and a2 > x1 and not (x1 == x2 and a1 == x1):
                x1, x2 = min(x1, a1), max(x2, a2)
        if ranges and x1 <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], x2)
        else:
            ranges.append([x1, x2])
    out: list[str] = []
    cursor = 0
    for x1, x2 in ranges:
        delta = shift(x1, x2)
        lines = [
            " " * max(0, _indent(line) + delta) + line.lstrip(" ") if line.strip() else line
            for line in after[to_after(x1, False):to_after(x2, True)]
        ]
        start, end = o_at[x1], o_at[x2]
        if x1 == x2:
            end = start
            # New lines go above comments and blank lines that belong to what follows (they are
            # indented less than the new lines), not between them and the next item.
            depth = next((_indent(line) for line in lines if line.strip()), 0)
            while start > cursor and _blank_or_comment(original[start - 1]) and (
                not original[start - 1].strip() or _indent(original[start - 1]) < depth
            ):
                start -= 1
            end = start
        out.extend(original[cursor:start])
        out.extend(lines)
        cursor = max(cursor, end)
    out.extend(original[cursor:])
    return out


def plain(value: dt.date | str, like: Any = None) -> Any:
    """A new scalar, quoted the way the value it replaces was (a date stays a plain date)."""
    if isinstance(like, ScalarString):
        return type(like)(str(value))
    return value


def place(mapping: CommentedMap, key: str, value: Any, order: Sequence[str]) -> None:
    """Set ``key``; a new key goes after the last present key that precedes it in ``order``."""
    if key in mapping:
        mapping[key] = plain(value, mapping[key]) if not isinstance(value, (CommentedMap, CommentedSeq)) else value
        return
    rank = order.index(key) if key in order else len(order)
    earlier = set(order[:rank])
    keys = list(mapping)
    position = max((n + 1 for n, k in enumerate(keys) if k in earlier), default=len(keys) if rank == len(order) else 0)
    mapping.insert(position, key, value)


def entry(*items: tuple[str, Any]) -> CommentedMap:
    """A new mapping for a list entry, leaving out empty optional values."""
    return CommentedMap([(k, v) for k, v in items if v is not None])


def append(mapping: CommentedMap, key: str, item: Any, order: Sequence[str]) -> None:
    """Append ``item`` to the list at ``key``, creating the list where ``order`` puts it."""
    current = mapping.get(key)
    if isinstance(current, CommentedSeq):
        last = current[-1] if len(current) else None
        # A new entry takes the style of the one before it (`- {at: ..., plan: ...}` lists).
        if isinstance(item, CommentedMap) and (
            current.fa.flow_style() or (isinstance(last, CommentedMap) and last.fa.flow_style())
        ):
            item.fa.set_flow_style()
        current.append(item)
        return
    seq = CommentedSeq([item])
    place(mapping, key, seq, order)
