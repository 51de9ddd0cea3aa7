"""The schema fast path answers exactly what jsonschema answers.

``iter_schema_errors`` skips jsonschema for a document its compiled predicate calls valid, so the
predicate must never call an invalid document valid (and, for ``not``/``if`` to compose, never
the reverse either). Real files and thousands of seeded mutations of them are compared with
``validator.is_valid``.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest

from pmcheck.loader import load_file
from pmcheck.schema import fast_check as _fast_check, compile_validator, load_schema, postmortem_schema

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample-repo" / "postmortems").glob("*.yaml")) + sorted((ROOT / "tests" / "schemas").glob("*/*.yaml"))

ODD_VALUES: tuple[Any, ...] = (
    None, True, False, 0, 1, 1.0, 2.5, -3, "", " ", "x", "yes", "P0", "SEV-1", "open", "verified",
    "2026-02-30", "2026-06-01", "2026-06-01T10:00:00", "2026-06-01T10:00:00Z", "2026-06-01T25:00:00+00:00",
    "PM-2026-001", "PM-2026-001-A1", "CF1", "PM205", "alice.ng", "Alice", "line\nbreak", "https://x.example/1",
    [], {}, ["alice.ng"], {"url": "https://x.example"}, float("nan"),
)


def _postmortem_validator() -> Any:
    return compile_validator(
        postmortem_schema(["SEV-1", "SEV-2", "SEV-3", "SEV-4"], ["P0", "P1", "P2", "P3"], ["hallucination", "other"])
    )


def _nodes(value: Any, found: list[Any]) -> list[Any]:
    if isinstance(value, (dict, list)):
        found.append(value)
        for item in value.values() if isinstance(value, dict) else value:
            _nodes(item, found)
    return found


def _mutate(doc: Any, rng: random.Random) -> Any:
    doc = copy.deepcopy(doc)
    for _ in range(rng.randrange(1, 3)):
        containers = _nodes(doc, [])
        if not containers:
            return rng.choice(ODD_VALUES)
        node = rng.choice(containers)
        if isinstance(node, dict):
            keys = sorted(node)
            move = rng.randrange(3)
            if move == 0 and keys:
                del node[rng.choice(keys)]
            elif move == 1 and keys:
                node[rng.choice(keys)] = copy.deepcopy(rng.choice(ODD_VALUES))
            else:
                node[rng.choice(("extra", "owner", "status", "due", "verification", "then"))] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif node:
            node[rng.randrange(len(node))] = copy.deepcopy(rng.choice(ODD_VALUES))
        else:
            node.append(copy.deepcopy(rng.choice(ODD_VALUES)))
    return doc


def test_every_packaged_schema_gets_a_fast_path() -> None:
    assert _fast_check(_postmortem_validator()) is not None
    for name in ("people", "policy"):
        assert _fast_check(compile_validator(load_schema(name))) is not None


def test_fast_path_agrees_with_jsonschema_on_real_files() -> None:
    validator = _postmortem_validator()
    fast = _fast_check(validator)
    assert fast is not None
    checked = 0
    for path in SAMPLES:
        loaded = load_file(path.parent, path.name)
        if loaded.data is None:
            continue
        assert fast(loaded.data) == validator.is_valid(loaded.data), path.name
        checked += 1
    assert checked > 10


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_agrees_with_jsonschema_on_mutated_files(seed: int) -> None:
    validator = _postmortem_validator()
    fast = _fast_check(validator)
    assert fast is not None
    rng = random.Random(seed)
    docs = [d for d in (load_file(p.parent, p.name).data for p in SAMPLES) if isinstance(d, dict)]
    agreed_invalid = 0
    for _ in range(150):
        doc = _mutate(rng.choice(docs), rng)
        expected = validator.is_valid(doc)
        assert fast(doc) == expected, doc
        agreed_invalid += not expected
    assert agreed_invalid > 30


@pytest.mark.parametrize("name", ["people", "policy"])
def test_fast_path_agrees_on_roster_and_policy(name: str) -> None:
    validator = compile_validator(load_schema(name))
    fast = _fast_check(validator)
    assert fast is not None
    data = load_file(ROOT / "sample-repo", "people.yaml" if name == "people" else "pmcheck.yaml").data
    assert fast(data) and validator.is_valid(data)
    rng = random.Random(name)
    for _ in range(200):
        doc = _mutate(data, rng)
        assert fast(doc) == validator.is_valid(doc), doc


def test_unknown_keywords_disable_the_fast_path() -> None:
    validator = compile_validator({"type": "object", "properties": {"a": {"uniqueItems": True}}})
    assert _fast_check(validator) is None
