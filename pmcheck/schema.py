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
import numbers
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
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
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


_Validator = jsonschema.validators.extend(Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]


def compile_validator(schema: Mapping[str, Any]) -> Validator:
    """A validator for ``schema`` that never fetches anything and checks formats strictly."""
    registry: Registry[Any] = Registry(retrieve=_never_retrieve)  # type: ignore[call-arg]
    validator: Validator = _Validator(schema, registry=registry, format_checker=_format_checker())
    return validator


# A fast path for the common case, a valid document. jsonschema walks `$ref`s through its
# registry and builds a validator object per node, which costs seconds on a few thousand
# postmortems. So each schema is also compiled, once, into plain predicates that answer exactly
# "is this valid?", with jsonschema's semantics (a bool is not a number, 1.0 is an integer,
# enum/const use its `equal`, formats use the same format checker). Only a document that fails
# the predicate goes through `iter_errors`, so messages come from one place. A schema that uses
# a keyword the compiler does not know gets no fast path at all.

_Check = Callable[[Any], bool]


class _Unsupported(Exception):
    """The schema uses something the fast path does not reproduce exactly."""


_ANNOTATIONS = frozenset(
    {"title", "description", "$comment", "$schema", "$defs", "default", "examples", "deprecated", "readOnly", "writeOnly"}
)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


_TYPE_CHECKS: dict[str, _Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "number": _is_number,
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}
_TYPE_SETS: dict[str, tuple[type, ...]] = {"string": (str,), "object": (dict,), "array": (list,)}

_TRUE_KEY = object()
_FALSE_KEY = object()


def _equal_scalar(value: Any, expected: Any) -> bool:
    """jsonschema's ``equal`` for a scalar ``expected`` (str, number, bool, None)."""
    if value is expected:
        return True
    if isinstance(value, str) or isinstance(expected, str):
        return bool(value == expected)
    if isinstance(value, (list, dict)):
        return False
    left = _TRUE_KEY if value is True else _FALSE_KEY if value is False else value
    right = _TRUE_KEY if expected is True else _FALSE_KEY if expected is False else expected
    return bool(left == right)


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _all_of(checks: list[_Check]) -> _Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for each in checks:
            if not each(value):
                return False
        return True

    return check


class _FastCompiler:
    def __init__(self, root: Any, format_checker: FormatChecker | None) -> None:
        self.root = root
        self.format_checker = format_checker
        self.refs: dict[str, list[_Check]] = {}

    def compile(self, schema: Any) -> _Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise _Unsupported("schema is not an object")
        if "$id" in schema and schema is not self.root:
            raise _Unsupported("embedded $id")
        simple = self._simple_string(schema)
        if simple is not None:
            return simple
        checks: list[_Check] = []
        typed_object = schema.get("type") == "object"
        if "type" in schema and not typed_object:
            checks.append(self._type(schema["type"]))
        if typed_object or any(
            key in schema for key in ("properties", "required", "additionalProperties", "propertyNames", "minProperties")
        ):
            checks.append(self._object(schema, typed_object))
        for key, value in schema.items():
            if key in _ANNOTATIONS or key == "$id" or key.startswith("x-"):
                continue
            if key in ("type", "properties", "required", "additionalProperties", "propertyNames", "minProperties", "then", "else"):
                continue
            handler = getattr(self, "_k_" + key.lstrip("$"), None)
            if handler is None:
                raise _Unsupported(key)
            checks.append(handler(value, schema))
        return _all_of(checks)

    def _type(self, wanted: Any) -> _Check:
        names = wanted if isinstance(wanted, list) else [wanted]
        if any(name not in _TYPE_CHECKS for name in names):
            raise _Unsupported(f"type {wanted!r}")
        if all(name in _TYPE_SETS for name in names):
            kinds = tuple(t for name in names for t in _TYPE_SETS[name])
            return lambda v: isinstance(v, kinds)
        each = [_TYPE_CHECKS[name] for name in names]
        return lambda v: any(check(v) for check in each)

    def _simple_string(self, schema: dict[str, Any]) -> _Check | None:
        """One predicate for the most common node, ``type: string`` with length, pattern, format."""
        keywords = {k for k in schema if k not in _ANNOTATIONS and not k.startswith("x-")}
        if schema.get("type") != "string" or not keywords <= {"type", "minLength", "maxLength", "pattern", "format"}:
            return None
        min_length = schema.get("minLength", 0)
        max_length = schema.get("maxLength")
        search = _compile_pattern(schema["pattern"]).search if "pattern" in schema else None
        conforms = self._k_format(schema["format"], schema) if "format" in schema else None

        def check(value: Any) -> bool:
            if not isinstance(value, str) or len(value) < min_length:
                return False
            if max_length is not None and len(value) > max_length:
                return False
            if search is not None and search(value) is None:
                return False
            return conforms is None or conforms(value)

        return check

    def _object(self, schema: dict[str, Any], typed: bool = False) -> _Check:
        if "patternProperties" in schema or "unevaluatedProperties" in schema:
            raise _Unsupported("patternProperties")
        properties = {key: self.compile(sub) for key, sub in schema.get("properties", {}).items()}
        required = tuple(schema.get("required", ()))
        additional = schema.get("additionalProperties", True)
        extra = None if additional is True else self.compile(additional)
        names = self.compile(schema["propertyNames"]) if "propertyNames" in schema else None
        min_properties = schema.get("minProperties", 0)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return not typed
            for key in required:
                if key not in value:
                    return False
            if len(value) < min_properties:
                return False
            for key, item in value.items():
                if names is not None and not names(key):
                    return False
                sub = properties.get(key)
                if sub is None:
                    if extra is not None and not extra(item):
                        return False
                elif not sub(item):
                    return False
            return True

        return check

    def _k_ref(self, ref: Any, schema: dict[str, Any]) -> _Check:
        if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")) or "%" in ref:
            raise _Unsupported(f"$ref {ref!r}")
        cell = self.refs.get(ref)
        if cell is None:
            cell = self.refs[ref] = []
            target = self.root
            for part in ref[1:].split("/")[1:] if ref != "#" else ():
                part = part.replace("~1", "/").replace("~0", "~")
                if isinstance(target, list):
                    target = target[int(part)]
                elif isinstance(target, dict) and part in target:
                    target = target[part]
                else:
                    raise _Unsupported(f"$ref {ref!r} does not resolve")
            cell.append(self.compile(target))
        if cell:
            return cell[0]
        return lambda v: cell[0](v)  # a recursive reference, resolved once compiled

    def _k_enum(self, values: Any, schema: dict[str, Any]) -> _Check:
        if not isinstance(values, list) or any(isinstance(v, (list, dict)) for v in values):
            raise _Unsupported("enum")
        if all(isinstance(v, str) for v in values):
            allowed = frozenset(values)
            return lambda v: isinstance(v, str) and v in allowed
        return lambda v: any(_equal_scalar(v, each) for each in values)

    def _k_const(self, expected: Any, schema: dict[str, Any]) -> _Check:
        if isinstance(expected, (list, dict)):
            raise _Unsupported("const")
        return lambda v: _equal_scalar(v, expected)

    def _k_pattern(self, pattern: str, schema: dict[str, Any]) -> _Check:
        search = _compile_pattern(pattern).search
        return lambda v: not isinstance(v, str) or search(v) is not None

    def _k_format(self, name: str, schema: dict[str, Any]) -> _Check:
        if self.format_checker is None or name not in self.format_checker.checkers:
            return _always
        func, raises = self.format_checker.checkers[name]

        def check(value: Any) -> bool:
            try:
                return bool(func(value))
            except raises:
                return False

        return check

    def _k_minLength(self, limit: int, schema: dict[str, Any]) -> _Check:
        return lambda v: not isinstance(v, str) or len(v) >= limit

    def _k_maxLength(self, limit: int, schema: dict[str, Any]) -> _Check:
        return lambda v: not isinstance(v, str) or len(v) <= limit

    def _k_minItems(self, limit: int, schema: dict[str, Any]) -> _Check:
        return lambda v: not isinstance(v, list) or len(v) >= limit

    def _k_maxItems(self, limit: int, schema: dict[str, Any]) -> _Check:
        return lambda v: not isinstance(v, list) or len(v) <= limit

    def _k_minimum(self, limit: Any, schema: dict[str, Any]) -> _Check:
        return lambda v: not _is_number(v) or v >= limit

    def _k_maximum(self, limit: Any, schema: dict[str, Any]) -> _Check:
        return lambda v: not _is_number(v) or v <= limit

    def _k_items(self, items: Any, schema: dict[str, Any]) -> _Check:
        if "prefixItems" in schema:
            raise _Unsupported("prefixItems")
        sub = self.compile(items)

        def check(value: Any) -> bool:
            if not isinstance(value, list):
                return True
            for item in value:
                if not sub(item):
                    return False
            return True

        return check

    def _k_allOf(self, subs: list[Any], schema: dict[str, Any]) -> _Check:
        return _all_of([self.compile(sub) for sub in subs])

    def _k_anyOf(self, subs: list[Any], schema: dict[str, Any]) -> _Check:
        checks = [self.compile(sub) for sub in subs]
        return lambda v: any(check(v) for check in checks)

    def _k_oneOf(self, subs: list[Any], schema: dict[str, Any]) -> _Check:
        checks = [self.compile(sub) for sub in subs]
        return lambda v: sum(1 for check in checks if check(v)) == 1

    def _k_not(self, sub: Any, schema: dict[str, Any]) -> _Check:
        check = self.compile(sub)
        return lambda v: not check(v)

    def _k_if(self, sub: Any, schema: dict[str, Any]) -> _Check:
        condition = self.compile(sub)
        then = self.compile(schema["then"]) if "then" in schema else _always
        otherwise = self.compile(schema["else"]) if "else" in schema else _always
        return lambda v: then(v) if condition(v) else otherwise(v)


# Fast predicates by validator; the validator is kept so its id cannot be reused meanwhile.
_FAST: dict[int, tuple[Validator, _Check | None]] = {}


def _fast_check(validator: Validator) -> _Check | None:
    entry = _FAST.get(id(validator))
    if entry is not None and entry[0] is validator:
        return entry[1]
    schema = validator.schema
    try:
        check: _Check | None = _FastCompiler(schema, getattr(validator, "format_checker", None)).compile(schema)
    except _Unsupported:
        check = None
    if len(_FAST) >= 32:
        _FAST.clear()
    _FAST[id(validator)] = (validator, check)
    return check


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
    fast = _fast_check(validator)
    if fast is not None and fast(data):
        return
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
    # jsonschema types these as "maybe unset"; an error from iter_errors always has them.
    kind: Any = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
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
        schema: Any = error.schema
        allowed = sorted(schema.get("properties", {}))
        for key in instance:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {_join(allowed)}"
            yield SchemaError(at + (key,), f"{where}: unknown key '{_short_key(key)}'", hint)
        return
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in wanted)
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
