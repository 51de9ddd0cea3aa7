"""Property tests: no input makes the loader raise, and every problem has a real position."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmcheck.loader import Limits, Loaded, load_file, load_text

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PLAIN_TYPES = (dict, list, str, int, float, bool, type(None))
# libyaml counts YAML 1.1 line breaks: NEL and the Unicode line and paragraph separators too.
LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")

# Fragments a YAML author (or attacker) combines: indicators, anchors, tags, merges, quotes,
# document markers, flow brackets, block indentation and scalars that resolve to other types.
TOKENS = [
    ":", ": ", "-", "- ", "[", "]", "{", "}", ",", "?", "? ", "&a ", "*a", "&b", "*b", "!!", "!!str ",
    "!foo ", "!", "<<", "<<: ", "'", '"', "\\", "\n", "\n  ", "\n    ", "  ", "\t", "---", "---\n",
    "...", "#", " # c", "|", ">", "|-\n  ", "%YAML 1.2\n", "%TAG ! tag:x,2000:\n",
    "key", "id", "PM-2026-001", "yes", "off", "~", "null", "1", "0755", "1e3", ".inf", "2026-02-30",
    "2026-06-01T09:00:00Z", "é", "\u2028", "\ufeff", "\x00", "\x07", "\x85",
]


def assert_well_formed(loaded: Loaded, text: str | None = None) -> None:
    for problem in loaded.problems:
        assert problem.code in ("PM001", "PM002")
        assert problem.line >= 1 and problem.column >= 1, problem
        assert problem.message
        if text is not None:
            assert problem.line <= sum(text.count(c) for c in LINE_BREAKS) + 2, problem
    if loaded.problems and any(p.code == "PM001" for p in loaded.problems):
        assert loaded.data is None
    _assert_plain(loaded.data)
    for path, span in loaded.spans.spans.items():
        line, column, end_line, end_column = loaded.spans.locate(path)
        assert line >= 1 and column >= 1 and end_line >= 1 and end_column >= 1
        assert (end_line, end_column) >= (line, column) or end_line >= line
        # A value on its key's line starts after the key, and within the member's span.
        value_line, value_column, _, _ = loaded.spans.locate_value(path)
        assert value_line == line and value_column >= column
        assert len(span) == 4 or (line, span[4]) <= (end_line, end_column)


def _assert_plain(value: Any, depth: int = 0) -> None:
    assert depth <= 70
    assert isinstance(value, PLAIN_TYPES), type(value)
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            _assert_plain(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _assert_plain(item, depth + 1)


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_well_formed(load_text(text, "pm.yaml"), text)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS) | st.text(alphabet=string.ascii_letters + " ", max_size=4), max_size=60))
def test_yaml_token_soup_never_raises(tokens: list[str]) -> None:
    text = "".join(tokens)
    assert_well_formed(load_text(text, "pm.yaml"), text)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40), st.integers(min_value=1, max_value=8))
def test_token_soup_under_a_small_depth_limit_never_raises(tokens: list[str], depth: int) -> None:
    text = "".join(tokens)
    assert_well_formed(load_text(text, "pm.yaml", Limits(max_depth=depth)), text)


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(tmp_path_factory: Any, data: bytes) -> None:
    root: Path = tmp_path_factory.mktemp("bytes")
    (root / "pm.yaml").write_bytes(data)
    assert_well_formed(load_file(root, "pm.yaml"))


@SETTINGS
@given(st.lists(st.sampled_from([t.encode() for t in TOKENS] + [b"\xff", b"\xfe", b"\xef\xbb\xbf", b"\xc3", b"\xe9"]), max_size=50))
def test_token_bytes_with_bad_encodings_never_raise(tmp_path_factory: Any, chunks: list[bytes]) -> None:
    root: Path = tmp_path_factory.mktemp("chunks")
    (root / "pm.yaml").write_bytes(b"".join(chunks))
    assert_well_formed(load_file(root, "pm.yaml"))


# Plain data without digits in text: YAML 1.1 (PyYAML's dumper) and the loader's YAML 1.2 core
# schema disagree on numerals like 1e3, which is a documented choice, not a round-trip bug.
# PyYAML's emitter folds a NEL (U+0085) in a quoted key into a space, so it cannot round-trip.
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Nd"), blacklist_characters="\x85"), max_size=12)
_SCALARS = st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | _TEXT
_DATA = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_TEXT, children, max_size=4),
    max_leaves=25,
)


@SETTINGS
@given(st.dictionaries(_TEXT, _DATA, max_size=6))
def test_dumped_plain_data_loads_back_equal_with_a_span_for_every_node(data: dict[str, Any]) -> None:
    for flow in (False, True):
        text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
        loaded = load_text(text, "pm.yaml")
        assert loaded.problems == [], (text, loaded.problems)
        assert loaded.data == data
        for path in _paths(data):
            assert path in loaded.spans.spans, (path, text)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, prefix + (key,)))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            out.extend(_paths(item, prefix + (n,)))
    return out


def _reference_locate(table: dict[Any, Any], path: tuple[Any, ...]) -> tuple[int, ...]:
    """What ``locate`` answered when the table was a dict from data path to span."""
    for n in range(len(path), -1, -1):
        span = table.get(path[:n])
        if span is not None:
            return tuple(span[:4])
    return (1, 1, 1, 1)


@SETTINGS
@given(
    st.lists(
        st.sampled_from([*TOKENS, "a: ", "b: ", "\na: ", "\n  a: ", "\n  b: ", "\n- ", "\n  - ", "[1, 2]", "{a: 1}"])
        | st.text(alphabet=string.ascii_letters + " ", max_size=4),
        max_size=60,
    )
)
def test_the_compact_span_table_answers_as_a_dict_of_spans(tokens: list[str]) -> None:
    spans = load_text("".join(tokens), "pm.yaml").spans
    table = spans.spans
    probes = {(), ("a",), ("a", "b"), ("a", 1), (0,), (True,)}
    for path in table:
        probes |= {path, path + ("a",), path + (0,), path + (3,), path[:-1] + ("zz",)}
    for path in probes:
        assert spans.locate(path) == _reference_locate(table, path), path
        span = table.get(path)
        if span is not None and len(span) > 4:
            assert spans.locate_value(path) == (span[0], span[4], span[2], span[3])
        else:
            assert spans.locate_value(path) == _reference_locate(table, path)
