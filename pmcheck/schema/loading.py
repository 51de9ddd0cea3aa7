"""The packaged schemas: their text, the postmortem schema with the policy's own enumerations, and
a validator that never fetches anything.

The published schemas live in the repository's top-level ``schemas/`` folder and are shipped in
the wheel as ``pmcheck/schemas/``. Validation never touches the network or the file system
(``$ref`` is resolved only inside the schema), checks ``format: date``/``date-time`` with the
strict checkers of ``formats``, and reads ``pattern`` with ``$`` meaning the end of the text, so a
trailing newline cannot slip through.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmcheck.schema.formats import compile_pattern, format_checker
from pmcheck.schema.messages import POLICY_ENUM, excerpt

if TYPE_CHECKING:
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

SCHEMA_NAMES = ("postmortem", "people", "policy")


def schema_text(name: str) -> str:
    """The text of a packaged schema (``postmortem``, ``people`` or ``policy``)."""
    if name not in SCHEMA_NAMES:
        raise KeyError(name)
    filename = f"{name}.schema.json"
    packaged = resources.files("pmcheck").joinpath("schemas", filename)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # Running from a source checkout (editable install): the published copy is the source.
    return (Path(__file__).resolve().parents[2] / "schemas" / filename).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(name))
    return loaded


def postmortem_schema(severities: Sequence[str], priorities: Sequence[str], failure_modes: Sequence[str]) -> dict[str, Any]:
    """The postmortem schema with the policy's own enumerations in place of the defaults."""
    schema = copy.deepcopy(load_schema("postmortem"))
    defs = schema["$defs"]
    for name, values in (("severity", severities), ("priority", priorities), ("failure_mode", failure_modes)):
        defs[name]["enum"] = list(values)
        # A value outside the policy's own levels is an unknown reference (PM008), not a typo
        # in the file's shape.
        defs[name][POLICY_ENUM] = name
    return schema


def _pattern(validator: Validator, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    from jsonschema import ValidationError

    if isinstance(instance, str) and not compile_pattern(pattern).search(instance):
        yield ValidationError(f"{excerpt(instance)} does not match {pattern!r}")


def _never_retrieve(uri: str) -> Any:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


@lru_cache(maxsize=None)
def _validator_class() -> Any:
    # jsonschema costs tens of milliseconds to import, and a valid document never needs it
    # (the fast path answers), so it is imported the first time a document is refused.
    import jsonschema

    return jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]


class SchemaValidator:
    """A schema and, built on first use, the jsonschema validator that explains its errors.

    Never fetches anything (``$ref`` resolves only inside the schema) and checks formats with
    pmcheck's own strict checkers. The fast path reads ``schema`` alone.
    """

    __slots__ = ("schema", "_validator")

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self._validator: Validator | None = None

    @property
    def jsonschema(self) -> Validator:
        if self._validator is None:
            from referencing import Registry

            registry: Registry[Any] = Registry(retrieve=_never_retrieve)  # type: ignore[call-arg]
            self._validator = _validator_class()(self.schema, registry=registry, format_checker=format_checker())
        return self._validator

    def iter_errors(self, data: Any) -> Iterator[ValidationError]:
        return self.jsonschema.iter_errors(data)

    def is_valid(self, data: Any) -> bool:
        return self.jsonschema.is_valid(data)


def compile_validator(schema: Mapping[str, Any]) -> SchemaValidator:
    """A validator for ``schema`` that never fetches anything and checks formats strictly."""
    return SchemaValidator(schema)
