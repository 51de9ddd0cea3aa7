"""jsonschema walks only the subtrees the fast path refuses, with the same errors as a full walk."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
from jsonschema.protocols import Validator

from pmcheck.loader import load_text
from pmcheck.model import build_postmortem
from pmcheck.policy import load_policy
from pmcheck.schema import _errors, compile_validator, iter_schema_errors, postmortem_schema

TESTS = Path(__file__).resolve().parent
FILES = sorted(
    [*(TESTS / "schemas" / "invalid").glob("*.yaml"), *(TESTS / "partial" / "broken" / "postmortems").glob("*.yaml"),
     *(TESTS / "hostile").glob("*.yaml")]
)


def validator() -> Validator:
    policy = load_policy(TESTS / "schemas")
    return compile_validator(postmortem_schema(list(policy.severities), list(policy.priorities), policy.failure_modes))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_errors_are_those_of_a_full_walk(path: Path) -> None:
    data = load_text(path.read_text(), path.name).data
    check = validator()
    full = sorted((tuple(map(str, e.absolute_path)), str(e.validator), e.message) for e in check.iter_errors(data))
    split = sorted((tuple(map(str, e.absolute_path)), str(e.validator), e.message) for e in _errors(check, data))
    assert split == full


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_building_the_model_never_changes_the_loaded_document(path: Path) -> None:
    data = load_text(path.read_text(), path.name).data
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return
    before = copy.deepcopy(data)
    refused = [e.refused for e in iter_schema_errors(validator(), data) if e.refused is not None]
    build_postmortem(path.name, data, dt.timezone.utc, refused)
    assert data == before


def test_a_failing_action_is_split_by_its_own_members_with_the_same_errors() -> None:
    check = validator()
    from pmcheck.schema.fastpath import subtree_plan

    plan = subtree_plan(check)
    assert plan is not None and plan.members["actions"].item_plan is not None
    data = load_text((TESTS / "rules" / "example_base.yaml").read_text(), "pm.yaml").data
    action = data["actions"][0]
    # A conditional (done without completed_at), a bad enum, an unknown key, a bad nested item.
    action.update(status="done", priority="P9", colour="red", evidence=[{"type": 3}])
    data["actions"].append("not an action")
    full = sorted((tuple(map(str, e.absolute_path)), str(e.validator), e.message) for e in check.iter_errors(data))
    split = sorted((tuple(map(str, e.absolute_path)), str(e.validator), e.message) for e in _errors(check, data))
    assert len(full) >= 5
    assert split == full
