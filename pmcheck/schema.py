"""JSON Schema validation: packaged schemas, compiled once, errors located and made readable.

The published schemas live in the repository's top-level ``schemas/`` folder and are shipped in
the wheel as ``pmcheck/schemas/``. Validation never touches the network or the file system
(``$ref`` is resolved only inside the schema), checks ``format: date``/``date-time`` with its own
strict RFC 3339 checker, and reads ``pattern`` with ``$`` meaning the end of the text, so a
trailing newline cannot slip through. Messages echo at most a short excerpt of a value.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.protocols import Validator
from referencing import Registry
from referencing.exceptions import NoSuchResource

from pmcheck.findings import DataPath, dotted

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
    return (Path(__file__).resolve().parent.parent / "schemas" / filename).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(name))
    return loaded


# RFC 3339 section 5.6, with the offset required (a timestamp without one is ambiguous).
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def is_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE.match(value):
        return not isinstance(value, str)
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    match = _DATE_TIME.match(value)
    if not match:
        return False
    try:
        dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    hour, minute, second = int(match[4]), int(match[5]), int(match[6])
    offset_ok = match[8] in ("Z", "z") or (int(match[8][1:3]) < 24 and int(match[8][4:6]) < 60)
    # A leap second (60) is legal in RFC 3339.
    return hour < 24 and minute < 60 and second <= 60 and offset_ok


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date")(is_date)
    checker.checks("date-time")(is_date_time)
    return checker


@lru_cache(maxsize=512)
def _compile_pattern(pattern: str) -> re.Pattern[str]:
    # ECMA-262 and Python agree on `$` except that Python also matches before a final newline.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(validator: Validator, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if isinstance(instance, str) and not _compile_pattern(pattern).search(instance):
        yield ValidationError(f"{_excerpt(instance)} does not match {pattern!r}")


def _never_retrieve(uri: str) -> Any:
    raise NoSuchResource(ref=uri)


_Validator = jsonschema.validators.extend(Draft202012Validator, {"pattern": _pattern})


def compile_validator(schema: Mapping[str, Any]) -> Validator:
    """A validator for ``schema`` that never fetches anything and checks formats strictly."""
    registry: Registry[Any] = Registry(retrieve=_never_retrieve)  # type: ignore[call-arg]
    validator: Validator = _Validator(schema, registry=registry, format_checker=_format_checker())
    return validator


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


POLICY_ENUM = "x-pmcheck-policy-enum"


@dataclass(frozen=True)
class SchemaError:
    """One schema violation, at the data path of the node it concerns."""

    at: DataPath
    message: str
    hint: str = ""
    code: str = "PM003"


_TYPE_WORDS = {
    "string": "text",
    "object": "a mapping",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


def _type_word(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _excerpt(value: Any, limit: int = 60) -> str:
    """A short, single-line rendering of a value: never the whole of a large input."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[:limit] + "…"
        return repr(text)
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _join(values: Sequence[Any]) -> str:
    return ", ".join(str(v) for v in values)


def iter_schema_errors(validator: Validator, data: Any, yaml11_bools: Mapping[DataPath, str] | None = None) -> Iterator[SchemaError]:
    """Every schema violation in ``data`` as a located, human-readable ``SchemaError``."""
    # jsonschema reports each missing key of one `required` as its own error; the translation
    # names every missing key, so identical results are reported once.
    seen: set[SchemaError] = set()
    errors = list(validator.iter_errors(data))
    # A timestamp that breaks its `format` usually breaks its `pattern` too; one message is enough.
    bad_format = {tuple(e.absolute_path) for e in errors if e.validator == "format"}
    for error in errors:
        if error.validator == "pattern" and tuple(error.absolute_path) in bad_format:
            continue
        for translated in _translate(error, yaml11_bools or {}):
            if translated not in seen:
                seen.add(translated)
                yield translated


def _translate(error: ValidationError, yaml11_bools: Mapping[DataPath, str]) -> Iterator[SchemaError]:
    at: DataPath = tuple(error.absolute_path)
    where = dotted(at)
    kind = error.validator
    expected = error.validator_value
    instance = error.instance
    if "propertyNames" in error.absolute_schema_path and isinstance(instance, str):
        # jsonschema reports a bad key at its mapping; point at the key itself.
        described = error.schema.get("description") if isinstance(error.schema, dict) else None
        yield SchemaError(at + (instance,), f"{where}: key {_excerpt(instance)} is not a valid name", described or "")
        return
    if kind == "required":
        missing = [k for k in expected if isinstance(instance, dict) and k not in instance]
        for key in missing:
            yield SchemaError(at, f"{where}: missing required key '{key}'", f"add `{key}:`")
        return
    if kind in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        for key in instance:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {_join(allowed)}"
            yield SchemaError(at + (key,), f"{where}: unknown key '{_short_key(key)}'", hint)
        return
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        message = f"{where}: expected {words}, got {_type_word(instance)}"
        if not isinstance(instance, (dict, list)) and instance is not None:
            message += f" {_excerpt(instance)}"
        hint = ""
        if not at and instance is None:
            message = f"{where}: the file holds no data; expected {words}"
        if at in yaml11_bools:
            source = yaml11_bools[at]
            message = f"{where}: expected {words}, got unquoted {source!r}, which YAML reads as a boolean"
            hint = f"quote it: '{source}'"
        yield SchemaError(at, message, hint)
        return
    if kind == "enum":
        policy_enum = error.schema.get(POLICY_ENUM) if isinstance(error.schema, dict) else None
        if policy_enum is not None:
            what = policy_enum.replace("_", " ")
            yield SchemaError(
                at,
                f"{where}: {_excerpt(instance)} is not a {what} defined by the policy ({_join(expected)})",
                f"use one of {_join(expected)}, or define it in pmcheck.yaml",
                code="PM008",
            )
            return
        # `false` is in some enumerations only because YAML 1.1 reads a bare `off` as false.
        shown = [v for v in expected if not isinstance(v, bool)] or expected
        yield SchemaError(at, f"{where}: {_excerpt(instance)} is not one of {_join(shown)}")
        return
    if kind == "const":
        yield SchemaError(at, f"{where}: must be {expected!r}, got {_excerpt(instance)}")
        return
    if kind == "format":
        what = {"date": "a date (YYYY-MM-DD)", "date-time": "an RFC 3339 timestamp with offset"}.get(expected, expected)
        yield SchemaError(at, f"{where}: {_excerpt(instance)} is not {what}")
        return
    if kind == "pattern":
        # The schema's description says the form in words; a regular expression is the fallback.
        described = error.schema.get("description") if isinstance(error.schema, dict) else None
        if described:
            yield SchemaError(at, f"{where}: {_excerpt(instance)} does not have the expected form", described)
        else:
            yield SchemaError(at, f"{where}: {_excerpt(instance)} does not have the expected form ({expected})")
        return
    if kind == "minItems" and expected == 1:
        yield SchemaError(at, f"{where}: must not be empty")
        return
    if kind == "minLength" and expected == 1:
        yield SchemaError(at, f"{where}: must not be empty")
        return
    if kind in ("anyOf", "oneOf"):
        yield SchemaError(at, f"{where}: {_excerpt(instance)} matches none of the allowed forms")
        return
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "minLength", "maxLength"):
        yield SchemaError(at, f"{where}: {_excerpt(instance)} breaks {kind} {expected}")
        return
    if kind == "propertyNames":
        yield SchemaError(at, f"{where}: a key has an invalid name")
        return
    yield SchemaError(at, f"{where}: {_short(error.message)}")


def _short_key(key: Any) -> str:
    text = str(key)
    return text if len(text) <= 60 else text[:60] + "…"


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
