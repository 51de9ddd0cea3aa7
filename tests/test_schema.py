"""The schema stage: packaged schemas, strict formats, located and readable errors.

``tests/schemas/valid/*.yaml`` must load and validate cleanly. Each file in
``tests/schemas/invalid/`` starts with ``# expect: CODE at LINE:COL`` and optionally
``# says: TEXT``; it must give exactly that one finding, whose message or hint contains TEXT.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pmcheck.findings import DataPath
from pmcheck.loader import load_file, load_text
from pmcheck.policy import load_policy
from pmcheck.repository import load_repository
from pmcheck.schema import (
    SCHEMA_NAMES,
    compile_validator,
    is_date,
    is_date_time,
    iter_schema_errors,
    load_schema,
    postmortem_schema,
    schema_text,
)

EXAMPLES = Path(__file__).resolve().parent / "schemas"
VALID = sorted((EXAMPLES / "valid").glob("*.yaml"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (PM\d{3}) at (\d+):(\d+)$")
SAYS = re.compile(r"^# says: (.+)$")


def schema_issues(folder: Path, name: str, policy_text: str | None = None) -> list[tuple[str, int, int, str]]:
    """(code, line, column, message + hint) of every load and schema finding for one file."""
    if policy_text is not None:
        (folder / "pmcheck.yaml").write_text(policy_text)
    policy = load_policy(folder)
    repository = load_repository(folder, policy, [name])
    return [(i.code, i.line, i.column, f"{i.message} | {i.hint}") for i in repository.issues]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_examples_have_no_schema_error(path: Path) -> None:
    assert schema_issues(path.parent, path.name) == []


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_examples_build_a_model(path: Path) -> None:
    policy = load_policy(path.parent)
    repository = load_repository(path.parent, policy, [path.name])
    [document] = repository.corpus.documents
    assert document.postmortem is not None


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_examples_give_exactly_the_annotated_finding(path: Path) -> None:
    lines = path.read_text().splitlines()
    expect = EXPECT.match(lines[0])
    assert expect, f"{path.name}: first line must be '# expect: PMnnn at LINE:COL'"
    says = SAYS.match(lines[1]) if len(lines) > 1 else None

    issues = schema_issues(path.parent, path.name)

    assert [(code, line, column) for code, line, column, _ in issues] == [
        (expect[1], int(expect[2]), int(expect[3]))
    ], issues
    if says:
        assert says[1] in issues[0][3]


def test_examples_exist() -> None:
    assert len(VALID) >= 3
    assert len(INVALID) >= 15


def test_renamed_levels_make_the_defaults_unknown_references(tmp_path: Path) -> None:
    text = (EXAMPLES / "valid" / "minimal_draft.yaml").read_text()
    (tmp_path / "pm.yaml").write_text(text)
    policy = """\
severities:
  S1: {critical: true, default_priority: P1}
  S2: {default_priority: P2}
priorities:
  P1: {slo_days: 7}
  P2: {slo_days: 30}
"""
    [(code, line, column, message)] = schema_issues(tmp_path, "pm.yaml", policy)
    assert (code, line, column) == ("PM008", 5, 11)
    assert "'SEV-4' is not a severity defined by the policy (S1, S2)" in message
    assert schema_issues(tmp_path, "pm.yaml", policy.replace("S2:", "SEV-4:")) == []


def errors(data: Any, schema: dict[str, Any] | None = None) -> list[tuple[DataPath, str, str]]:
    validator = compile_validator(schema or load_schema("postmortem"))
    return [(e.at, e.message, e.hint) for e in iter_schema_errors(validator, data)]


def test_each_missing_required_key_is_reported_once() -> None:
    found = errors({})
    required = load_schema("postmortem")["required"]
    assert [message for _, message, _ in found] == [f"top level: missing required key '{k}'" for k in required]
    assert {at for at, _, _ in found} == {()}


def test_unknown_key_without_a_close_match_lists_the_allowed_keys() -> None:
    [(at, message, hint)] = errors({"zzz": 1}, {"type": "object", "properties": {"a": {}, "b": {}}, "additionalProperties": False})
    assert at == ("zzz",)
    assert message == "top level: unknown key 'zzz'"
    assert hint == "allowed keys: a, b"


def test_long_values_are_quoted_as_a_short_excerpt() -> None:
    [(_, message, _)] = errors("x" * 10_000, {"type": "integer"})
    assert len(message) < 120
    assert "…" in message


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2026-02-28", True),
        ("2024-02-29", True),
        ("2026-02-29", False),
        ("2026-13-01", False),
        ("2026-1-01", False),
        ("20260101", False),
        ("2026-01-01\n", False),
        ("２０２６-01-01", False),
        (20260101, True),  # not a string: the type keyword reports it, not format
    ],
)
def test_date_format_is_strict(value: object, ok: bool) -> None:
    assert is_date(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2026-03-02T14:05:00Z", True),
        ("2026-03-02t14:05:00z", True),
        ("2026-03-02 14:05:00+01:00", True),
        ("2026-03-02T14:05:00.123456-05:30", True),
        ("2026-06-30T23:59:60Z", True),
        ("2026-03-02T14:05:00", False),
        ("2026-03-02", False),
        ("2026-03-02T24:00:00Z", False),
        ("2026-02-30T10:00:00Z", False),
        ("2026-03-02T14:05:00+24:00", False),
        ("2026-03-02T14:05:00Z\n", False),
        ("2026-03-02T14:05Z", False),
    ],
)
def test_timestamp_format_requires_an_offset_and_real_values(value: str, ok: bool) -> None:
    assert is_date_time(value) is ok


def test_dollar_in_a_pattern_does_not_accept_a_trailing_newline() -> None:
    schema = {"type": "string", "pattern": "^PM-[0-9]{4}-[0-9]{3,}$"}
    assert errors("PM-2026-001", schema) == []
    [(_, message, _)] = errors("PM-2026-001\n", schema)
    assert "does not have the expected form" in message


def test_an_escaped_dollar_stays_a_literal() -> None:
    schema = {"type": "string", "pattern": "^costs \\$"}
    assert errors("costs $5", schema) == []


def test_remote_ref_fails_closed_without_fetching(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    import urllib.request

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the validator tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "properties": {"owner": {"$ref": "http://127.0.0.1:9/person.schema.json"}},
    }
    validator = compile_validator(schema)
    with pytest.raises(Exception) as raised:
        list(validator.iter_errors({"owner": "alice.ng"}))
    assert "127.0.0.1:9/person.schema.json" in str(raised.value)
    assert not isinstance(raised.value, AssertionError)


def test_packaged_schemas_contain_no_remote_ref() -> None:
    for name in SCHEMA_NAMES:
        refs = re.findall(r'"\$ref":\s*"([^"]+)"', schema_text(name))
        assert refs and all(ref.startswith("#") for ref in refs), (name, refs)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_packaged_schemas_are_valid_2020_12_schemas(name: str) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_text(name))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/{name}.schema.json")


def test_published_and_packaged_copies_are_the_same() -> None:
    published = Path(__file__).resolve().parent.parent / "schemas"
    for name in SCHEMA_NAMES:
        assert json.loads((published / f"{name}.schema.json").read_text()) == json.loads(schema_text(name))


def test_unknown_schema_name_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        schema_text("../pyproject")


def test_postmortem_schema_takes_the_policy_enumerations_without_changing_the_cached_one() -> None:
    custom = postmortem_schema(["S1"], ["urgent"], ["gremlins"])
    assert custom["$defs"]["severity"]["enum"] == ["S1"]
    assert load_schema("postmortem")["$defs"]["severity"]["enum"] == ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]


def test_yaml11_boolean_message_names_the_source_text(tmp_path: Path) -> None:
    loaded = load_text("title: no\n", "pm.yaml")
    validator = compile_validator({"type": "object", "properties": {"title": {"type": "string"}}})
    [error] = iter_schema_errors(validator, loaded.data, loaded.spans.yaml11_bools)
    assert error.message == "title: expected text, got unquoted 'no', which YAML reads as a boolean"
    assert error.hint == "quote it: 'no'"


def test_schema_checks_files_loaded_from_disk(tmp_path: Path) -> None:
    (tmp_path / "people.yaml").write_text("people:\n  alice.ng: {name: Alice, roles: [wizard]}\n")
    loaded = load_file(tmp_path, "people.yaml")
    validator = compile_validator(load_schema("people"))
    [error] = iter_schema_errors(validator, loaded.data)
    assert error.at == ("people", "alice.ng", "roles", 0)
    assert loaded.spans.locate(error.at)[:2] == (2, 35)
