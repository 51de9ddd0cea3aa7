"""JSON Schema validation: packaged schemas, compiled once, errors located and made readable.

- ``loading``: the packaged schema files and the validator built from them;
- ``formats``: the ``date``/``date-time`` checkers and ECMA-262 ``pattern``;
- ``fastpath``: schemas compiled into plain predicates, so valid documents cost little;
- ``messages``: jsonschema errors translated into located findings with hints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pmcheck.findings import DataPath
from pmcheck.schema.fastpath import Plan, fast_check, subtree_plan
from pmcheck.schema.formats import is_date, is_date_time
from pmcheck.schema.loading import (
    SCHEMA_NAMES,
    SchemaValidator,
    compile_validator,
    load_schema,
    postmortem_schema,
    schema_text,
)
from pmcheck.schema.messages import POLICY_ENUM, SchemaError, translate

if TYPE_CHECKING:
    # jsonschema is imported only when a document is refused (see ``SchemaValidator``).
    from jsonschema import ValidationError

__all__ = [
    "POLICY_ENUM",
    "SCHEMA_NAMES",
    "SchemaError",
    "SchemaValidator",
    "compile_validator",
    "fast_check",
    "is_date",
    "is_date_time",
    "iter_schema_errors",
    "load_schema",
    "postmortem_schema",
    "schema_text",
]


def iter_schema_errors(validator: SchemaValidator, data: Any, yaml11_bools: Mapping[DataPath, str] | None = None) -> Iterator[SchemaError]:
    """Every schema violation in ``data`` as a located, human-readable ``SchemaError``."""
    fast = fast_check(validator)
    if fast is not None and fast(data):
        return
    # jsonschema reports each missing key of one `required` as its own error; the translation
    # names every missing key, so identical results are reported once.
    seen: set[SchemaError] = set()
    errors = _errors(validator, data)
    # A timestamp that breaks its `format` usually breaks its `pattern` too; one message is enough.
    bad_format = {tuple(e.absolute_path) for e in errors if e.validator == "format"}
    # A value of the wrong type fails its enum too; the type error says it (with the allowed values).
    bad_type = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    for error in errors:
        where = tuple(error.absolute_path)
        if error.validator == "pattern" and where in bad_format:
            continue
        if error.validator in ("enum", "const", "pattern", "format") and where in bad_type:
            continue
        for translated in translate(error, yaml11_bools or {}):
            if translated not in seen:
                seen.add(translated)
                yield translated


def _errors(validator: SchemaValidator, data: Any) -> list[ValidationError]:
    """jsonschema's errors for ``data``, walking only the subtrees the fast path refuses.

    The errors are the ones ``iter_errors`` gives for the whole document, with the same absolute
    paths; a schema the plan does not cover is walked whole.
    """
    plan = subtree_plan(validator)
    if plan is None or not isinstance(data, dict):
        return list(validator.iter_errors(data))
    # `descend` is how jsonschema's own keywords validate a subschema (refs resolve in the root).
    descend: Callable[..., Iterable[ValidationError]] = getattr(validator.jsonschema, "descend")
    return _planned_errors(descend, data, plan)


def _planned_errors(descend: Callable[..., Iterable[ValidationError]], data: dict[str, Any], plan: Plan) -> list[ValidationError]:
    errors = list(descend(data, plan.shallow))
    for key, value in data.items():
        member = plan.members.get(key)
        if member is None or member.check(value):
            continue
        if member.item_check is not None and isinstance(value, list):
            shallow = {k: v for k, v in member.schema.items() if k != "items"}
            errors += _prefixed(descend(value, shallow), (key,))
            for index, item in enumerate(value):
                if member.item_check(item):
                    continue
                if member.item_plan is not None and isinstance(item, dict):
                    errors += _prefixed(_planned_errors(descend, item, member.item_plan), (key, index))
                else:
                    errors += _prefixed(descend(item, member.item_schema), (key, index))
        else:
            errors += _prefixed(descend(value, member.schema), (key,))
    return errors


def _prefixed(errors: Iterable[ValidationError], prefix: tuple[str | int, ...]) -> list[ValidationError]:
    out: list[ValidationError] = []
    for error in errors:
        error.path.extendleft(reversed(prefix))
        out.append(error)
    return out
