"""Round-trip edits of one postmortem file that leave the author's text alone.

ruamel.yaml's round-trip mode keeps key order, quoting and flow or block style, but it
re-indents the whole document to one style, and its comment handling can misplace text when a
key is inserted next to blank lines. A decision must change only its own lines, so the file is
never taken from ruamel wholesale: ruamel dumps the document twice without its comments, as
loaded and as edited, and only the lines that differ between those two dumps replace the
author's lines (matched without indentation and end-of-line comments, widened over any
neighbouring lines ruamel reformatted). Everything else, comments and blank lines included, is
copied byte for byte, line endings and final newline too.
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
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
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


TIMESTAMP = "tag:yaml.org,2002:timestamp"


class Moment(str):
    """A date or timestamp kept as the author's text (ruamel would refuse `2026-02-30`)."""


class _Constructor(RoundTripConstructor):
    pass


class _Representer(RoundTripRepresenter):
    pass


def _construct_moment(constructor: RoundTripConstructor, node: Any) -> Moment:
    return Moment(constructor.construct_scalar(node))


def _represent_moment(representer: RoundTripRepresenter, value: Moment) -> Any:
    return representer.represent_scalar(TIMESTAMP, str(value))


_Constructor.add_constructor(TIMESTAMP, _construct_moment)
_Representer.add_representer(Moment, _represent_moment)


def _yaml(style: Style) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
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
        self.data: Any = self._load()
        self._baseline = self._dump(self._load())

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
        edited = self._dump(self.data)
        spliced = splice(self.original.splitlines(True), self._baseline.splitlines(True), edited.splitlines(True))
        text = "".join(spliced)
        # The splice must mean exactly what ruamel wrote.
        expected = load_text(edited, "edited")
        if expected.data is None or load_text(text, "edited").data != expected.data:
            raise EditError("the edit cannot be made without disturbing the rest of the file; nothing written")
        if not self.final_newline:
            text = text[:-1] if text.endswith("\n") else text
        return text.replace("\n", self.newline) if self.newline == "\r\n" else text

    def _load(self) -> Any:
        try:
            data = _yaml(self.style).load(self.original)
        except (YAMLError, ValueError) as error:
            raise EditError(f"cannot read the file for editing: {' '.join(str(error).split())}") from None
        if not isinstance(data, CommentedMap):
            raise EditError("the file is not a YAML mapping")
        _drop_comments(data)
        return data

    def _dump(self, data: Any) -> str:
        out = io.StringIO()
        _yaml(self.style).dump(data, out)
        return out.getvalue()


def _drop_comments(data: Any) -> None:
    """Forget every comment and blank line ruamel attached: the splice keeps the author's own."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, (CommentedMap, CommentedSeq)):
            node.ca.items.clear()
            node.ca.comment = None
            node.ca.end = None
            stack.extend(node.values() if isinstance(node, CommentedMap) else node)


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


def _split_comment(line: str) -> tuple[str, str]:
    """A line's content and its end-of-line comment (with the spaces before it), outside quotes."""
    quote = ""
    n = 0
    while n < len(line):
        char = line[n]
        if quote:
            if char == "\\" and quote == '"':
                n += 1
            elif char == quote:
                quote = ""
        elif char in "'\"" and (n == 0 or line[n - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and n > 0 and line[n - 1] in " \t":
            content = line[:n].rstrip(" \t")
            return content, line[len(content):].rstrip("\n")
        n += 1
    return line.rstrip("\n"), ""


_DASHES = re.compile(r"(?:-[ \t]+)+")


def _content(line: str) -> str:
    """A line as compared across styles: no indentation, one space after each `-`, no comment."""
    text = _split_comment(line)[0].strip()
    dashes = _DASHES.match(text)
    return "- " * dashes.group().count("-") + text[dashes.end():] if dashes else text


def splice(original: list[str], before: list[str], after: list[str]) -> list[str]:
    """Apply the change ``before`` -> ``after`` (two comment-free ruamel dumps) to ``original``.

    Lines are matched on their content, without indentation and end-of-line comments, because
    ruamel re-indents the document to one style and the dumps carry no comments. Each changed run
    of lines is shifted by the indentation difference between the author's line and ruamel's at
    the nearest key line before it that is no deeper, so new entries sit at the author's depth.
    A line that is replaced one for one keeps its end-of-line comment; comment lines of the
    author are never dropped.
    """
    o_text = [_content(line) if not _blank_or_comment(line) else None for line in original]
    o_lines = [n for n, text in enumerate(o_text) if text is not None]
    a_text = [_content(line) for line in before]
    # Units of `before`, each with the original lines it stands for: one line when they match,
    # a block where ruamel reformatted. Comment and blank lines of the original belong to no unit.
    units: list[tuple[int, int, int, int]] = []
    to_original: dict[int, int] = {}
    matcher = SequenceMatcher(None, [o_text[n] for n in o_lines], a_text, autojunk=False)
    for tag, k1, k2, a1, a2 in matcher.get_opcodes():
        if tag == "equal":
            for n in range(a2 - a1):
                o = o_lines[k1 + n]
                units.append((a1 + n, a1 + n + 1, o, o + 1))
                to_original[a1 + n] = o
        else:
            o1 = o_lines[k1] if k1 < len(o_lines) else len(original)
            o2 = o_lines[k2 - 1] + 1 if k2 > k1 else o1
            units.append((a1, a2, o1, o2))
    # Where the original text of `before` line p starts (its comments before it come first).
    o_at = [len(original)] * (len(before) + 1)
    for a1, _, o1, _ in units:
        o_at[a1] = min(o_at[a1], o1)
    for p in range(len(before) - 1, -1, -1):
        o_at[p] = min(o_at[p], o_at[p + 1])
    o_end = {a2: o2 for _, a2, _, o2 in units}
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

    def shift(x1: int, new: list[str]) -> int:
        """Author's indentation minus ruamel's at the nearest matched key line before the range
        that is no deeper than the range's first line."""
        first = next((line for line in new if not _blank_or_comment(line)), "")
        depth = _content_column(first)
        for p in range(x1 - 1, -1, -1):
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
        new = after[to_after(x1, False):to_after(x2, True)]
        delta = shift(x1, new)
        lines = [" " * max(0, _indent(line) + delta) + line.lstrip(" ") if line.strip() else line for line in new]
        if x1 == x2:
            # Between two lines of `before` the original may hold comments and blank lines: those
            # indented at least as deep as the new lines close the block above, so the new lines
            # go after them; the rest introduce what follows, so the new lines go before them.
            start = o_end.get(x1, o_at[x1]) if x1 else 0
            limit = o_at[x1] if x1 < len(before) else len(original)
            limit = max(limit, start)
            depth = next((_indent(line) for line in lines if line.strip()), 0)
            position = start
            for n in range(start, limit):
                if original[n].strip() and _indent(original[n]) >= depth:
                    position = n + 1
                elif original[n].strip():
                    break
            out.extend(original[cursor:position])
            out.extend(lines)
            cursor = position
            continue
        start, end = o_at[x1], o_end.get(x2, o_at[x2] if x2 < len(before) else len(original))
        region = original[start:end]
        # Keep the author's comment lines, and the end-of-line comment of a line replaced one for one.
        kept = [line for line in region if line.strip().startswith("#")]
        content = [line for line in region if not _blank_or_comment(line)]
        if len(content) == len(lines):
            lines = [
                _with_comment(new_line, _split_comment(old)[1], old) for new_line, old in zip(lines, content)
            ]
        out.extend(original[cursor:start])
        out.extend(kept)
        out.extend(lines)
        cursor = max(cursor, end)
    out.extend(original[cursor:])
    return out


def _with_comment(line: str, comment: str, old: str) -> str:
    """``line`` replacing ``old``: with ``old``'s indentation and dashes, and its comment."""
    lead, old_lead = _LEAD.match(line), _LEAD.match(old)
    if lead and old_lead and lead.group().count("-") == old_lead.group().count("-"):
        line = old_lead.group() + line[lead.end():]
    if not comment or _split_comment(line)[1]:
        return line
    return line.rstrip("\n") + comment + "\n"


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
