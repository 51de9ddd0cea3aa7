"""Schema errors in words: each jsonschema error becomes a located ``SchemaError`` whose message
states the fact and whose hint says what to write instead. Messages echo at most a short excerpt
of a value.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pmcheck.findings import DataPath, dotted, first_few
from pmcheck.schema.formats import FORMAT_WORDS, MAX_YEAR, MIN_YEAR

if TYPE_CHECKING:
    from jsonschema import ValidationError

# Marks an enumeration that the policy defines (severities, priorities, failure modes): a value
# outside it is an unknown reference (PM008), not a typo in the file's shape.
POLICY_ENUM = "x-pmcheck-policy-enum"

_YEAR = re.compile(r"(\d{4,})-")


@dataclass(frozen=True)
class SchemaError:
    """One schema violation, at the data path of the node it concerns."""

    at: DataPath
    message: str
    hint: str = ""
    code: str = "PM003"
    # A required key that is missing (``at`` is then its mapping).
    missing: str | None = None
    # An unknown or badly named key: the model never reads it, so nothing becomes unknown.
    harmless: bool = False

    @property
    def refused(self) -> DataPath | None:
        """The data path this error makes unknown in the model (None: nothing)."""
        if self.harmless:
            return None
        return self.at + (self.missing,) if self.missing is not None else self.at


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


def excerpt(value: Any, limit: int = 60) -> str:
    """A short, single-line rendering of a value: never the whole of a large input."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[:limit] + "…"
        return repr(text)
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


# The policy can define any number of severities or failure modes; a message names this many.
_LISTED = 30


def _join(values: Sequence[Any]) -> str:
    return first_few([str(v) for v in values[:_LISTED]], len(values), limit=_LISTED)


def translate(error: ValidationError, yaml11_bools: Mapping[DataPath, str]) -> Iterator[SchemaError]:
    at: DataPath = tuple(error.absolute_path)
    where = dotted(at)
    # jsonschema types these as "maybe unset"; an error from iter_errors always has them.
    kind: Any = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
    if "propertyNames" in error.absolute_schema_path and isinstance(instance, str):
        # jsonschema reports a bad key at its mapping; point at the key itself.
        described = error.schema.get("description") if isinstance(error.schema, dict) else None
        yield SchemaError(
            at + (instance,), f"{where}: key {excerpt(instance)} is not a valid name", described or "rename the key", harmless=True
        )
        return
    if kind == "required":
        missing = [k for k in expected if isinstance(instance, dict) and k not in instance]
        for key in missing:
            yield SchemaError(at, f"{where}: missing required key '{key}'", f"add `{key}:`", missing=key)
        return
    if kind in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        schema: Any = error.schema
        allowed = sorted(schema.get("properties", {}))
        for key in instance:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {_join(allowed)}"
            yield SchemaError(at + (key,), f"{where}: unknown key '{_short_key(key)}'", hint, harmless=True)
        return
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in wanted)
        message = f"{where}: expected {words}, got {_type_word(instance)}"
        if not isinstance(instance, (dict, list)) and instance is not None:
            message += f" {excerpt(instance)}"
        hint = _shape_hint(wanted, instance, at)
        if not at and instance is None:
            message = f"{where}: the file holds no data; expected {words}"
            hint = "start from `pmcheck new`, or see `pmcheck schema postmortem`"
        if at in yaml11_bools:
            source = yaml11_bools[at]
            message = f"{where}: expected {words}, got unquoted {source!r}, which YAML reads as a boolean"
            # Only suggest quoting when the quoted text would be accepted.
            accepted = _allowed_text(error.schema)
            hint = f"quote it: '{source}'" if accepted is None or source in accepted else f"use {_or(accepted)}"
        yield SchemaError(at, message, hint)
        return
    if kind == "enum":
        policy_enum = error.schema.get(POLICY_ENUM) if isinstance(error.schema, dict) else None
        if policy_enum is not None:
            what = policy_enum.replace("_", " ")
            yield SchemaError(
                at,
                f"{where}: {excerpt(instance)} is not a {what} defined by the policy ({_join(expected)})",
                f"use one of {_join(expected)}, or define it in pmcheck.yaml",
                code="PM008",
            )
            return
        # `false` is in some enumerations only because YAML 1.1 reads a bare `off` as false.
        shown = [v for v in expected if not isinstance(v, bool)] or expected
        close = difflib.get_close_matches(str(instance), [str(v) for v in shown], n=1) if isinstance(instance, str) else []
        hint = f"did you mean '{close[0]}'? (use {_or(shown)})" if close else f"use {_or(shown)}"
        yield SchemaError(at, f"{where}: {excerpt(instance)} is not one of {_join(shown)}", hint)
        return
    if kind == "const":
        yield SchemaError(at, f"{where}: must be {expected!r}, got {excerpt(instance)}", f"write `{_scalar(expected)}`")
        return
    if kind == "format":
        what, example = FORMAT_WORDS.get(expected, (expected, ""))
        year = _YEAR.match(instance) if isinstance(instance, str) else None
        if year is not None and not MIN_YEAR <= int(year[1]) <= MAX_YEAR:
            message = f"{where}: {excerpt(instance)} is not {what}: the year is outside {MIN_YEAR}-{MAX_YEAR}"
        else:
            message = f"{where}: {excerpt(instance)} is not {what}"
        yield SchemaError(at, message, example)
        return
    if kind == "pattern":
        # The schema's description says the form in words; a regular expression is the fallback.
        described = error.schema.get("description") if isinstance(error.schema, dict) else None
        if described:
            yield SchemaError(at, f"{where}: {excerpt(instance)} does not have the expected form", described)
        else:
            yield SchemaError(
                at, f"{where}: {excerpt(instance)} does not have the expected form", f"write a value matching {expected}"
            )
        return
    if kind == "minItems" and expected == 1:
        described = error.schema.get("description") if isinstance(error.schema, dict) else None
        yield SchemaError(at, f"{where}: must not be empty", described or "add at least one item")
        return
    if kind == "minLength" and expected == 1:
        yield SchemaError(at, f"{where}: must not be empty", "write a value, or remove the key")
        return
    if kind in ("anyOf", "oneOf"):
        forms = [sub.get("description") or sub.get("title") for sub in expected if isinstance(sub, dict)]
        described = "; ".join(f for f in forms if f)
        yield SchemaError(
            at,
            f"{where}: {excerpt(instance)} matches none of the allowed forms",
            f"write one of: {described}" if described else "see `pmcheck schema` for the allowed forms",
        )
        return
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "minLength", "maxLength"):
        yield SchemaError(at, f"{where}: {excerpt(instance)} breaks {kind} {expected}", f"use a value within {kind} {expected}")
        return
    if kind == "propertyNames":
        yield SchemaError(at, f"{where}: a key has an invalid name", "rename the key")
        return
    yield SchemaError(at, f"{where}: {_short(error.message)}", "see `pmcheck schema` for the expected shape")


def _short_key(key: Any) -> str:
    text = str(key)
    return text if len(text) <= 60 else text[:60] + "…"


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _or(values: Sequence[Any]) -> str:
    texts = [str(v) for v in values]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " or " + texts[-1]


def _scalar(value: Any) -> str:
    return "true" if value is True else "false" if value is False else "null" if value is None else str(value)


def _allowed_text(schema: Any) -> list[str] | None:
    """The texts a schema node allows when it lists them (enum/const), else None."""
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("enum"), list):
        return [v for v in schema["enum"] if isinstance(v, str)]
    if isinstance(schema.get("const"), str):
        return [schema["const"]]
    return None


def _shape_hint(wanted: Sequence[Any], instance: Any, at: DataPath) -> str:
    """An example of the expected shape for a value of the wrong type."""
    key = str(at[-1]) if at and isinstance(at[-1], str) else None
    if "string" in wanted:
        if isinstance(instance, list) and instance and all(isinstance(v, str) for v in instance):
            return f"write one value as text, e.g. `{key}: {instance[0]}`" if key else f"write one value as text, e.g. `{instance[0]}`"
        return "write it as text (quote it if YAML would read it as something else)"
    if "array" in wanted:
        return f"write a list: `{key}: [a, b]`, or one `- item` per line under `{key}:`" if key else "write a list: `[a, b]`, or one `- item` per line"
    if "object" in wanted:
        return f"write a mapping: `key: value` lines indented under `{key}:`" if key else "write a mapping of `key: value` lines"
    if "integer" in wanted or "number" in wanted:
        return "write a number"
    if "boolean" in wanted:
        return "write true or false"
    return "see `pmcheck schema` for the expected shape"
