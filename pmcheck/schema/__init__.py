"""JSON Schema validation: packaged schemas, compiled once, errors located and made readable.

- ``loading``: the packaged schema files and the validator built from them;
- ``formats``: the ``date``/``date-time`` checkers and ECMA-262 ``pattern``;
- ``fastpath``: schemas compiled into plain predicates, so valid documents cost little;
- ``messages``: jsonschema errors translated into located findings with hints.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema.protocols import Validator

from pmcheck.findings import DataPath
from pmcheck.schema.fastpath import fast_check
from pmcheck.schema.formats import is_date, is_date_time
from pmcheck.schema.loading import (
    SCHEMA_NAMES,
    compile_validator,
    load_schema,
    postmortem_schema,
    schema_text,
)
from pmcheck.schema.messages import POLICY_ENUM, SchemaError, translate

__all__ = [
    "POLICY_ENUM",
    "SCHEMA_NAMES",
    "SchemaError",
    "compile_validator",
    "fast_check",
    "is_date",
    "is_date_time",
    "iter_schema_errors",
    "load_schema",
    "postmortem_schema",
    "schema_text",
]


def iter_schema_errors(validator: Validator, data: Any, yaml11_bools: Mapping[DataPath, str] | None = None) -> Iterator[SchemaError]:
    """Every schema violation in ``data`` as a located, human-readable ``SchemaError``."""
    fast = fast_check(validator)
    if fast is not None and fast(data):
        return
    # jsonschema reports each missing key of one `required` as its own error; the translation
    # names every missing key, so identical results are reported once.
    seen: set[SchemaError] = set()
    errors = list(validator.iter_errors(data))
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
