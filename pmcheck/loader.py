"""The hardened YAML loader: plain data plus the line:column of every node.

A postmortem repository takes files from many hands, so the loader treats every file as hostile.
It never calls ``yaml.safe_load``: that composes alias graphs before anyone can look at them,
recurses in C and in Python, and raises exceptions that are not ``YAMLError``. Instead:

1. the file's size is checked before it is read, and its bytes must be UTF-8;
2. flow nesting is measured on the text before any parser sees it (libyaml crashes the process
   on very deep ``[[[[``);
3. the libyaml *event* stream is consumed one event at a time and the document is built here,
   iteratively, so anchors, aliases, merge keys, tags, a second document and excessive block
   nesting are refused the moment they appear, before anything expands;
4. plain scalars are resolved deliberately: timestamps and dates stay strings (the schema's
   format checker validates them), integers and floats follow the YAML 1.2 core schema, and
   YAML 1.1 booleans (``yes``/``no``/``on``/``off``) become booleans but are remembered so a
   schema error on them can say why.

Every problem becomes a PM001 or PM002 finding with a line and column; nothing raises.
"""

from __future__ import annotations

import marshal
import os
import re
from array import array
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from pmcheck.files import Refused, read_bytes
from pmcheck.findings import DataPath

try:
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

Span = tuple[int, int, int, int]
# How a span is stored: a mapping member whose value starts on its key's line keeps the value's
# column as a fifth number (`severity: SEV-9` -> (4, 1, 4, 15, 11)), so a value error can point
# at the value without a second table.
StoredSpan = tuple[int, ...]


@dataclass(frozen=True)
class Limits:
    """Bounds a file must stay within before it is parsed at all."""

    max_bytes: int = 1024 * 1024
    max_depth: int = 64


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Problem:
    """A load-time finding (PM001 or PM002) at a 1-based position."""

    code: str
    message: str
    line: int
    column: int
    hint: str = ""


# A span table holds one row of ``ROW_WIDTH`` numbers per node, in document order (pre-order):
# the node's kind and key, the number of nodes in its subtree (itself included), where it starts,
# where it ends, and its value's column (0 when it has none of its own). ``_ABSENT`` in the end
# line marks a container whose end was never reached (a file that failed to load part way).
ROW_WIDTH = 7
_KIND, _SIZE, _LINE, _COLUMN, _END_LINE, _END_COLUMN, _VALUE_COLUMN = range(ROW_WIDTH)
_SCALAR, _MAPPING, _SEQUENCE = 0, 1, 2
_ABSENT = 0
_EMPTY_NODES = array("H")


class Spans:
    """Where each node of a document is, by data path.

    A mapping member's span starts at its key (that is where an editor should put the cursor for
    a missing or unknown key) and ends where its value ends; a sequence item's span is the item
    itself. ``locate_value`` gives the value's own start, for errors in the value.

    The table is kept as flat numbers in document order with the document's keys beside them,
    not as a dict from data path to span: every postmortem of a repository is held for the whole
    run, and a dict of tuples costs about ten times as much. A data path is found by walking the
    rows (children are found by skipping whole subtrees), which gives exactly what a dict written
    node by node would hold: the last node with that path, a duplicate key's earlier value
    included.
    """

    __slots__ = ("keys", "nodes", "yaml11_bools")

    def __init__(
        self,
        keys: tuple[str, ...] = (),
        nodes: array[int] = _EMPTY_NODES,
        yaml11_bools: dict[DataPath, str] | None = None,
    ) -> None:
        self.keys = keys
        self.nodes = nodes
        # Plain scalars that YAML 1.1 turned into booleans, by data path, with their source text.
        self.yaml11_bools: dict[DataPath, str] = {} if yaml11_bools is None else yaml11_bools

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Spans):
            return NotImplemented
        return self.spans == other.spans and self.yaml11_bools == other.yaml11_bools

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Spans({self.spans!r}, yaml11_bools={self.yaml11_bools!r})"

    @property
    def spans(self) -> dict[DataPath, StoredSpan]:
        """The whole table as a dict from data path to stored span (for tools and tests)."""
        nodes, keys = self.nodes, self.keys
        table: dict[DataPath, StoredSpan] = {}
        # (end row, path, kind, items so far) of each open container
        open_: list[list[Any]] = []
        for node in range(len(nodes) // ROW_WIDTH):
            row = node * ROW_WIDTH
            while open_ and open_[-1][0] <= node:
                open_.pop()
            head = nodes[row + _KIND]
            path: DataPath
            if not open_:
                path = ()
            elif open_[-1][2] == _MAPPING:
                path = open_[-1][1] + (keys[head >> 2],)
            else:
                path = open_[-1][1] + (open_[-1][3],)
                open_[-1][3] += 1
            span = self._stored(row)
            if span is not None:
                table[path] = span
            if head & 3 != _SCALAR:
                open_.append([node + nodes[row + _SIZE], path, head & 3, 0])
        return table

    def locate(self, path: DataPath) -> Span:
        """The span of ``path``, or of its nearest ancestor that exists."""
        return self._nearest(self._matches(path))

    def locate_value(self, path: DataPath) -> Span:
        """The span of the value at ``path`` itself (not its key), else as ``locate``."""
        levels = self._matches(path)
        if len(levels) == len(path) + 1:
            nodes = self.nodes
            for node in reversed(levels[-1]):
                row = node * ROW_WIDTH
                if nodes[row + _END_LINE] != _ABSENT:
                    if nodes[row + _VALUE_COLUMN]:
                        return (nodes[row + _LINE], nodes[row + _VALUE_COLUMN], nodes[row + _END_LINE], nodes[row + _END_COLUMN])
                    break
        return self._nearest(levels)

    def _matches(self, path: DataPath) -> list[list[int]]:
        """The nodes at ``path[:n]`` for each n as far as any exists (several only when a key
        is duplicated), in document order."""
        nodes, keys = self.nodes, self.keys
        if not nodes:
            return []
        levels = [[0]]
        found = levels[0]
        for part in path:
            deeper: list[int] = []
            for node in found:
                row = node * ROW_WIDTH
                kind = nodes[row + _KIND] & 3
                if kind == _SCALAR:
                    continue
                end = node + nodes[row + _SIZE]
                child = node + 1
                if kind == _MAPPING:
                    while child < end:
                        if keys[nodes[child * ROW_WIDTH + _KIND] >> 2] == part:
                            deeper.append(child)
                        child += nodes[child * ROW_WIDTH + _SIZE]
                else:
                    index = 0
                    while child < end:
                        if index == part:
                            deeper.append(child)
                            break
                        child += nodes[child * ROW_WIDTH + _SIZE]
                        index += 1
            if not deeper:
                break
            levels.append(deeper)
            found = deeper
        return levels

    def _nearest(self, levels: list[list[int]]) -> Span:
        nodes = self.nodes
        for found in reversed(levels):
            for node in reversed(found):
                row = node * ROW_WIDTH
                if nodes[row + _END_LINE] != _ABSENT:
                    return (nodes[row + _LINE], nodes[row + _COLUMN], nodes[row + _END_LINE], nodes[row + _END_COLUMN])
        return (1, 1, 1, 1)

    def _stored(self, row: int) -> StoredSpan | None:
        nodes = self.nodes
        if nodes[row + _END_LINE] == _ABSENT:
            return None
        span = (nodes[row + _LINE], nodes[row + _COLUMN], nodes[row + _END_LINE], nodes[row + _END_COLUMN])
        value_column = nodes[row + _VALUE_COLUMN]
        return span + (value_column,) if value_column else span


def compact_nodes(rows: list[int]) -> array[int]:
    """``rows`` as an array of two-byte numbers when they all fit (nearly every file), else four."""
    if not rows or max(rows) < 1 << 16:
        return array("H", rows)
    return array("I", rows)


class Loaded:
    """One loaded file: its data (None when it could not be loaded), spans and problems.

    ``pack`` keeps the data serialised instead (a sixth of the memory of the dicts and lists):
    a repository's documents are held for the whole run, while their plain data is read again
    only by a few checks (comparisons with git, rules on raw ids use ``Document.ids``). Each
    read of ``data`` after ``pack`` gives a fresh copy.
    """

    __slots__ = ("path", "_data", "_packed", "spans", "problems")

    def __init__(self, path: str, data: Any, spans: Spans, problems: list[Problem]) -> None:
        self.path = path
        self._data = data
        self._packed: bytes | None = None
        self.spans = spans
        self.problems = problems

    @property
    def data(self) -> Any:
        if self._packed is not None:
            # marshal, not pickle: only this process's own plain data, never bytes from a file.
            return marshal.loads(self._packed)
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value
        self._packed = None

    def pack(self) -> None:
        """Hold the data serialised from now on (loaded YAML is plain data, which marshal keeps
        exactly: the same types, values, and NaN and -0.0)."""
        if self._data is not None:
            self._packed = marshal.dumps(self._data)
            self._data = None

    @property
    def ok(self) -> bool:
        return (self._data is not None or self._packed is not None) and not any(p.code == "PM001" for p in self.problems)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Loaded):
            return NotImplemented
        return (self.path, self.data, self.spans, self.problems) == (other.path, other.data, other.spans, other.problems)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Loaded(path={self.path!r}, data={self.data!r}, spans={self.spans!r}, problems={self.problems!r})"


class _Refused(Exception):
    """Stops composing at the first construct the loader will not build."""

    def __init__(self, message: str, mark: Any, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark is not None else 1
        self.column = mark.column + 1 if mark is not None else 1
        self.hint = hint


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_YAML11_TRUE = frozenset({"yes", "Yes", "YES", "on", "On", "ON"})
_YAML11_FALSE = frozenset({"no", "No", "NO", "off", "Off", "OFF"})
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
# No leading zeros: YAML 1.1 reads 0755 as octal, 1.2 as decimal; such a value stays text.
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOATS = {
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}
# Longer numerals stay text: int() refuses more than 4,300 digits and nothing here needs them.
_MAX_NUMERAL = 100


def _resolve_plain(text: str) -> tuple[Any, bool]:
    """Value of a plain (unquoted) scalar, and whether it was a YAML-1.1-only boolean."""
    if text in _NULLS:
        return None, False
    first = text[0]
    if first in "tTfF":
        if text in _TRUE:
            return True, False
        if text in _FALSE:
            return False, False
    if first in "yYnNoO":
        if text in _YAML11_TRUE:
            return True, True
        if text in _YAML11_FALSE:
            return False, True
    if first in "0123456789+-." and len(text) <= _MAX_NUMERAL:
        if _INT.match(text):
            return int(text), False
        if _FLOAT.match(text) and any(c.isdigit() for c in text):
            return float(text), False
        special = _SPECIAL_FLOATS.get(text)
        if special is not None:
            return special, False
    return text, False


def _flow_too_deep(text: str, limit: int) -> int | None:
    """Offset where ``[``/``{`` nesting first exceeds ``limit``, or None.

    Deliberately naive about quotes and comments: it only has to be an upper bound that is
    cheap, because it runs before any parser is trusted with the text.
    """
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif depth:
            depth -= 1
    return None


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def load_text(text: str, path: str, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """Load YAML text that is already known to be within the size limit."""
    spans = Spans()
    problems: list[Problem] = []
    where = _flow_too_deep(text, limits.max_depth)
    if where is not None:
        line, column = _position(text, where)
        problems.append(
            Problem("PM001", f"nesting is deeper than {limits.max_depth} levels", line, column)
        )
        return Loaded(path, None, spans, problems)
    try:
        data = _compose(text, spans, problems, limits)
    except _Refused as refused:
        problems.append(Problem("PM001", refused.message, refused.line, refused.column, refused.hint))
        return Loaded(path, None, spans, problems)
    except yaml.reader.ReaderError as error:
        # libyaml reports a byte offset, the Python reader a character offset: find the
        # character itself instead.
        offset = max(text.find(chr(error.character)), 0) if isinstance(error.character, int) else 0
        line, column = _position(text, offset)
        problems.append(
            Problem(
                "PM001",
                f"invalid YAML: {error.reason} (U+{error.character:04X})"
                if isinstance(error.character, int)
                else f"invalid YAML: {error.reason}",
                line,
                column,
                "remove the control character; postmortems are plain text",
            )
        )
        return Loaded(path, None, spans, problems)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = error.problem or error.context or "invalid YAML"
        if error.context and error.problem:
            opened = error.context_mark
            # The construct that is never closed usually starts lines earlier: say where.
            if opened is not None and mark is not None and opened.line != mark.line:
                what = f"{error.problem} ({error.context} that starts at line {opened.line + 1}, column {opened.column + 1})"
            else:
                what = f"{error.problem} ({error.context})"
        problems.append(Problem("PM001", f"invalid YAML: {what}", line, column))
        return Loaded(path, None, spans, problems)
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError) as error:
        problems.append(Problem("PM001", f"invalid YAML: {_short(str(error))}", 1, 1))
        return Loaded(path, None, spans, problems)
    return Loaded(path, data, spans, problems)


def load_file(root: Path, rel: str, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """Read and load ``root/rel``; a file that cannot be read safely is a PM001 finding.

    The file is read through ``pmcheck.files.read_bytes``: regular files only, links only
    inside the repository, never more than ``limits.max_bytes``.
    """
    raw = read_source(root, rel, limits)
    return raw if isinstance(raw, Loaded) else load_bytes(raw, rel, limits)


def read_source(root: Path, rel: str, limits: Limits = DEFAULT_LIMITS) -> bytes | Loaded:
    """The bytes of ``root/rel``, or the PM001 finding that says why they cannot be read.

    Separate from ``load_bytes`` so the result cache can be looked up by the very bytes that
    would be parsed.
    """
    try:
        return read_bytes(os.path.join(root, rel), limits.max_bytes, root)
    except Refused as refused:
        hint = refused.hint
        if not hint and "-byte limit" in refused.reason:
            hint = "a postmortem is a few kilobytes; split attachments out of the YAML"
        reason = refused.reason
        if refused.missing:
            reason = "cannot read file: no such file"
        return Loaded(rel, None, Spans(), [Problem("PM001", reason, 1, 1, hint)])


def load_bytes(raw: bytes, path: str, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """Load the bytes of a file already read (and so known to be within the size limit)."""

    def refuse(message: str, line: int = 1, column: int = 1, hint: str = "") -> Loaded:
        return Loaded(path, None, Spans(), [Problem("PM001", message, line, column, hint)])

    if len(raw) > limits.max_bytes:
        return refuse(f"file is over the {limits.max_bytes:,}-byte limit")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return refuse("file is UTF-16 encoded (it starts with a UTF-16 byte order mark)", hint="save the file as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return refuse(
            f"file is not valid UTF-8 (byte 0x{raw[error.start]:02x})",
            line,
            column,
            hint="save the file as UTF-8",
        )
    return load_text(text, path, limits)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Frame:
    __slots__ = ("container", "path", "row", "key", "key_start", "first_keys")

    def __init__(self, container: Any, path: DataPath, row: int, start: tuple[int, int]) -> None:
        self.container = container
        self.path = path
        self.row = row  # the container's row in the span table
        self.key: str | None = None
        self.key_start: tuple[int, int] = start
        self.first_keys: dict[str, int] | None = {} if isinstance(container, dict) else None


def _compose(text: str, spans: Spans, problems: list[Problem], limits: Limits) -> Any:
    """Build the document from parser events, refusing unsafe constructs as they appear."""
    loader = _EventLoader(text)
    rows: list[int] = []
    key_numbers: dict[str, int] = {}
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    try:
        while True:
            event: Any = loader.get_event()
            kind = type(event)
            if kind is ScalarEvent or kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None:
                    raise _Refused(
                        f"anchors and aliases are not allowed (&{_short(event.anchor, 40)})",
                        event.start_mark,
                        "write the value out in full; each postmortem stands on its own",
                    )
                if event.tag is not None and not (kind is ScalarEvent and event.tag == "!"):
                    raise _Refused(
                        f"YAML tags are not allowed ({_short(event.tag, 60)})",
                        event.start_mark,
                        "remove the tag; values are plain text, numbers, lists and mappings",
                    )
                start = (event.start_mark.line + 1, event.start_mark.column + 1)
                parent = stack[-1] if stack else None
                if parent is not None and parent.first_keys is not None and parent.key is None:
                    # This node is a mapping key.
                    if kind is not ScalarEvent:
                        raise _Refused("mapping keys must be plain text", event.start_mark)
                    # Every file repeats the same few dozen keys: share one string per key.
                    key = intern(event.value)
                    if key == "<<" and event.implicit[0]:
                        raise _Refused(
                            "merge keys (<<) are not allowed",
                            event.start_mark,
                            "write the merged keys out in full",
                        )
                    first = parent.first_keys.get(key)
                    if first is not None:
                        problems.append(
                            Problem(
                                "PM002",
                                f"duplicate key '{_short(key, 60)}' (first defined on line {first})",
                                start[0],
                                start[1],
                                "remove one of the two; YAML keeps only the last",
                            )
                        )
                    else:
                        parent.first_keys[key] = start[0]
                    parent.key = key
                    parent.key_start = start
                    continue
                head = 0
                if parent is None:
                    path: DataPath = ()
                    node_start = start
                elif parent.first_keys is not None:
                    path = parent.path + (parent.key,)  # type: ignore[operator]
                    node_start = parent.key_start
                    number = key_numbers.get(parent.key)  # type: ignore[arg-type]
                    if number is None:
                        number = key_numbers[parent.key] = len(key_numbers)  # type: ignore[index]
                    head = number << 2
                else:
                    path = parent.path + (len(parent.container),)
                    node_start = start
                # A value on its key's line keeps its own column, so a value error can point at it.
                value_column = start[1] if node_start is not start and node_start[0] == start[0] else 0
                if kind is ScalarEvent:
                    # `! 1` is the non-specific tag: text, although libyaml flags it implicit.
                    if event.implicit[0] and event.tag is None:
                        value, yaml11 = _resolve_plain(event.value)
                        if yaml11:
                            spans.yaml11_bools[path] = event.value
                    else:
                        value = event.value
                    end = event.end_mark
                    rows += (head | _SCALAR, 1, node_start[0], node_start[1], end.line + 1, end.column + 1, value_column)
                    frame = None
                else:
                    if len(stack) >= limits.max_depth:
                        raise _Refused(
                            f"nesting is deeper than {limits.max_depth} levels", event.start_mark
                        )
                    value = {} if kind is MappingStartEvent else []
                    frame = _Frame(value, path, len(rows), node_start)
                    # Size and end are filled in at the container's end.
                    rows += (head | (_MAPPING if kind is MappingStartEvent else _SEQUENCE), 1, node_start[0], node_start[1], _ABSENT, 0, value_column)
                if parent is None:
                    root = value
                elif parent.first_keys is not None:
                    parent.container[parent.key] = value
                    parent.key = None
                else:
                    parent.container.append(value)
                if frame is not None:
                    stack.append(frame)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                end = event.end_mark
                row = frame.row
                rows[row + _SIZE] = (len(rows) - row) // ROW_WIDTH
                rows[row + _END_LINE] = end.line + 1
                rows[row + _END_COLUMN] = end.column + 1
            elif kind is AliasEvent:
                raise _Refused(
                    f"anchors and aliases are not allowed (*{_short(event.anchor, 40)})",
                    event.start_mark,
                    "write the value out in full; each postmortem stands on its own",
                )
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Refused(
                        "a postmortem file holds one YAML document; found a second one",
                        event.start_mark,
                        "remove the '---' separator and the extra document",
                    )
            elif kind is StreamEndEvent:
                return root
            elif kind is DocumentEndEvent or kind is StreamStartEvent:
                continue
    finally:
        loader.dispose()
        # Containers left open by a refusal or a syntax error keep no span of their own, but
        # their rows must still cover what was read inside them.
        for frame in stack:
            rows[frame.row + _SIZE] = (len(rows) - frame.row) // ROW_WIDTH
        spans.keys = tuple(key_numbers)
        spans.nodes = compact_nodes(rows)
