"""The hardened loader: plain data, 1-based spans for every node, problems instead of exceptions."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest

from pmcheck.loader import DEFAULT_LIMITS, Limits, load_file, load_text


def load(text: str, limits: Limits = DEFAULT_LIMITS):  # type: ignore[no-untyped-def]
    return load_text(textwrap.dedent(text), "pm.yaml", limits)


def test_plain_data_and_spans_of_every_node() -> None:
    loaded = load(
        """\
        id: PM-2026-001
        actions:
          - id: PM-2026-001-A1
            owner: alice.ng
          - {id: PM-2026-001-A2, owner: bo.chen}
        """
    )
    assert loaded.problems == []
    assert loaded.data == {
        "id": "PM-2026-001",
        "actions": [
            {"id": "PM-2026-001-A1", "owner": "alice.ng"},
            {"id": "PM-2026-001-A2", "owner": "bo.chen"},
        ],
    }
    spans = loaded.spans
    # A mapping member starts at its key and ends where its value ends.
    assert spans.locate(("id",)) == (1, 1, 1, 16)
    assert spans.locate(("actions", 0)) == (3, 5, 5, 3)
    assert spans.locate(("actions", 0, "owner")) == (4, 5, 4, 20)
    assert spans.locate(("actions", 1, "owner"))[:2] == (5, 26)


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    loaded = load(
        """\
        actions:
          - id: PM-2026-001-A1
        """
    )
    assert loaded.spans.locate(("actions", 0, "owner"))[:2] == (2, 5)
    assert loaded.spans.locate(("actions", 7, "owner"))[:2] == (1, 1)
    assert loaded.spans.locate(("nowhere",)) == loaded.spans.locate(())


def test_locate_in_an_empty_document_is_the_first_position() -> None:
    assert load("").spans.locate(("anything",)) == (1, 1, 1, 1)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2026-06-01", "2026-06-01"),
        ("2026-06-01T09:00:00Z", "2026-06-01T09:00:00Z"),
        ("2026-06-01 09:00:00+02:00", "2026-06-01 09:00:00+02:00"),
        ("1", 1),
        ("-17", -17),
        ("0", 0),
        # YAML 1.2 core schema: no octal, no sexagesimal, no underscores.
        ("0755", "0755"),
        ("00.5", "00.5"),
        ("0.5", 0.5),
        ("0x1f", "0x1f"),
        ("1:30", "1:30"),
        ("1_000", "1_000"),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".inf", math.inf),
        ("-.inf", -math.inf),
        ("~", None),
        ("null", None),
        ("true", True),
        ("False", False),
        ("PM-2026-001", "PM-2026-001"),
        ("'1'", "1"),
        ('"true"', "true"),
        ("9" * 101, "9" * 101),
        ("9" * 100, int("9" * 100)),
    ],
)
def test_plain_scalars_resolve_deliberately(text: str, value: object) -> None:
    loaded = load(f"v: {text}\n")
    assert loaded.problems == []
    assert loaded.data == {"v": value}
    assert type(loaded.data["v"]) is type(value)


def test_nan_is_a_float() -> None:
    assert math.isnan(load("v: .nan\n").data["v"])


@pytest.mark.parametrize("word", ["yes", "No", "on", "OFF"])
def test_yaml11_booleans_are_booleans_but_remembered(word: str) -> None:
    loaded = load(f"a:\n  b: {word}\n")
    assert loaded.data == {"a": {"b": word.lower() in ("yes", "on")}}
    assert loaded.spans.yaml11_bools == {("a", "b"): word}


def test_quoted_yaml11_words_are_text() -> None:
    loaded = load("a: 'yes'\nb: \"off\"\n")
    assert loaded.data == {"a": "yes", "b": "off"}
    assert loaded.spans.yaml11_bools == {}


def test_duplicate_keys_are_pm002_at_the_second_key_and_the_last_value_wins() -> None:
    loaded = load(
        """\
        a: 1
        b:
          c: 1
          c: 2
        a: 3
        """
    )
    found = [(p.code, p.line, p.column) for p in loaded.problems]
    assert found == [("PM002", 4, 3), ("PM002", 5, 1)]
    assert "first defined on line 3" in loaded.problems[0].message
    assert loaded.data == {"a": 3, "b": {"c": 2}}


@pytest.mark.parametrize(
    ("text", "line", "column", "says"),
    [
        ("a: &x 1\nb: *x\n", 1, 4, "anchors and aliases"),
        ("a: [*x]\n", 1, 5, "anchors and aliases"),
        ("<<: {a: 1}\n", 1, 1, "merge keys"),
        ("a: !!str 1\n", 1, 4, "tags"),
        ("a: !!binary aGVsbG8=\n", 1, 4, "tags"),
        ("a: !local x\n", 1, 4, "tags"),
        ("? [a, b]\n: 1\n", 1, 3, "keys must be plain text"),
        ("a: 1\n---\nb: 2\n", 2, 1, "second one"),
        ("a: b: c\n", 1, 5, "invalid YAML"),
        ("a: 'x\n", 2, 1, "quoted scalar that starts at line 1, column 4"),
        ("\tid: x\n", 1, 1, "invalid YAML"),
    ],
)
def test_refused_constructs_are_pm001_with_a_position(text: str, line: int, column: int, says: str) -> None:
    loaded = load_text(text, "pm.yaml")
    assert loaded.data is None
    assert not loaded.ok
    [problem] = loaded.problems
    assert (problem.code, problem.line, problem.column) == ("PM001", line, column)
    assert says in problem.message


def test_a_single_bang_non_specific_tag_on_a_scalar_is_plain_text() -> None:
    # `! 1` only says "not a plain scalar": it is the string "1", not a custom type.
    assert load("a: ! 1\n").data == {"a": "1"}


def test_explicit_document_markers_are_one_document() -> None:
    loaded = load("---\na: 1\n...\n")
    assert (loaded.data, loaded.problems) == ({"a": 1}, [])


def test_depth_limit_applies_to_block_and_flow_nesting() -> None:
    limits = Limits(max_depth=3)
    assert load("a: {b: {c: 1}}\n", limits).problems == []
    flow = load("a: {b: {c: {d: 1}}}\n", limits)
    assert [(p.line, p.column) for p in flow.problems] == [(1, 12)]
    block = load("a:\n  b:\n    c:\n      d: 1\n", limits)
    assert [(p.code, p.line, p.column) for p in block.problems] == [("PM001", 4, 7)]


def test_brackets_in_quotes_count_toward_the_cheap_prescan_only_when_they_nest() -> None:
    text = "title: '" + "[]" * 5000 + "'\n"
    loaded = load(text)
    assert loaded.problems == []
    assert loaded.data["title"] == "[]" * 5000


def write(root: Path, rel: str, data: bytes) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return rel


def test_load_file_strips_a_utf8_bom(tmp_path: Path) -> None:
    rel = write(tmp_path, "pm.yaml", b"\xef\xbb\xbfid: PM-2026-001\n")
    loaded = load_file(tmp_path, rel)
    assert (loaded.data, loaded.problems, loaded.path) == ({"id": "PM-2026-001"}, [], "pm.yaml")


def test_load_file_checks_the_size_before_reading(tmp_path: Path) -> None:
    rel = write(tmp_path, "pm.yaml", b"a: " + b"x" * 100 + b"\n")
    loaded = load_file(tmp_path, rel, Limits(max_bytes=50))
    [problem] = loaded.problems
    assert problem.code == "PM001"
    assert "104 bytes, over the 50-byte limit" in problem.message


def test_load_file_on_a_missing_file_is_a_finding(tmp_path: Path) -> None:
    loaded = load_file(tmp_path, "absent.yaml")
    [problem] = loaded.problems
    assert (problem.code, problem.line, problem.column) == ("PM001", 1, 1)
    assert "cannot read file" in problem.message


def test_load_file_on_a_directory_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    [problem] = load_file(tmp_path, "folder.yaml").problems
    assert problem.code == "PM001"


def test_load_file_locates_invalid_utf8(tmp_path: Path) -> None:
    rel = write(tmp_path, "pm.yaml", b"a: 1\nb: ok \xff\n")
    [problem] = load_file(tmp_path, rel).problems
    assert (problem.line, problem.column) == (2, 7)
    assert "0xff" in problem.message


def test_load_file_refuses_a_symlink_leaving_the_root(tmp_path: Path) -> None:
    secret = write(tmp_path, "outside/secret.yaml", b"password: hunter2\n")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "pm.yaml").symlink_to(tmp_path / secret)
    loaded = load_file(tmp_path / "repo", "pm.yaml")
    assert loaded.data is None
    assert "hunter2" not in repr(loaded)


def test_load_file_refuses_a_dangling_symlink_without_crashing(tmp_path: Path) -> None:
    (tmp_path / "pm.yaml").symlink_to(tmp_path / "gone.yaml")
    [problem] = load_file(tmp_path, "pm.yaml").problems
    assert problem.code == "PM001"


def test_a_duplicated_key_locates_as_the_last_node_written_at_each_path() -> None:
    # The compact table must answer as a dict written node by node would: the later value wins
    # where both have the path, the earlier value's other members stay locatable.
    loaded = load(
        """\
        a:
          x: 1
          y: [1, 2]
        a:
          x: 3
          y: [4]
        """
    )
    assert loaded.data == {"a": {"x": 3, "y": [4]}}
    spans = loaded.spans
    assert spans.locate(("a",))[:2] == (4, 1)
    assert spans.locate(("a", "x"))[:2] == (5, 3)
    assert spans.locate_value(("a", "x"))[:2] == (5, 6)
    assert spans.locate(("a", "y", 0))[:2] == (6, 7)
    assert spans.locate(("a", "y", 1))[:2] == (3, 10)


def test_a_container_left_open_by_a_refusal_has_no_span_but_its_members_do() -> None:
    loaded = load(
        """\
        top: 1
        a:
          x: 1
          y: &anchor 2
        """
    )
    assert loaded.data is None
    spans = loaded.spans
    assert spans.locate(("a", "x"))[:2] == (3, 3)
    assert spans.locate(("a",)) == spans.locate(()) == (1, 1, 1, 1)
    assert spans.spans == {("top",): (1, 1, 1, 7, 6), ("a", "x"): (3, 3, 3, 7, 6)}


def test_rows_take_four_bytes_only_when_two_do_not_hold_them() -> None:
    assert load("a: 1\n").spans.nodes.typecode == "H"
    wide = load_text("a: 1\n" + "\n" * 70_000 + "b: [1, 2]\n", "pm.yaml")
    assert wide.spans.nodes.typecode == "I"
    assert wide.spans.locate(("b", 1))[:2] == (70_002, 8)
