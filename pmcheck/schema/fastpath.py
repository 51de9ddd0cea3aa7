"""A fast path for the common case, a valid document.

jsonschema walks ``$ref``s through its registry and builds a validator object per node, which
costs seconds on a few thousand postmortems. So each schema is also compiled, once, into plain
predicates that answer exactly "is this valid?", with jsonschema's semantics (a bool is not a
number, 1.0 is an integer, enum/const use its ``equal``, formats use the same checkers).
Only a part that fails the predicate goes through ``iter_errors``, so messages come from one
place. A schema that uses a keyword the compiler does not know gets no fast path at all.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pmcheck.schema.formats import FORMATS, compile_pattern

if TYPE_CHECKING:
    from pmcheck.schema.loading import SchemaValidator

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
    def __init__(self, root: Any) -> None:
        self.root = root
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
        search = compile_pattern(schema["pattern"]).search if "pattern" in schema else None
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
        search = compile_pattern(pattern).search
        return lambda v: not isinstance(v, str) or search(v) is not None

    def _k_format(self, name: str, schema: dict[str, Any]) -> _Check:
        # The validator's format checker knows exactly these (``formats.format_checker``), so
        # the fast path needs no jsonschema; another format is not asserted, as there.
        return FORMATS.get(name, _always)

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
_FAST: dict[int, tuple[SchemaValidator, _Check | None]] = {}


def fast_check(validator: SchemaValidator) -> _Check | None:
    entry = _FAST.get(id(validator))
    if entry is not None and entry[0] is validator:
        return entry[1]
    schema = validator.schema
    try:
        check: _Check | None = _FastCompiler(schema).compile(schema)
    except _Unsupported:
        check = None
    if len(_FAST) >= 32:
        _FAST.clear()
    _FAST[id(validator)] = (validator, check)
    return check


# Where a document fails. jsonschema's full `iter_errors` costs far more than the fast path, so
# a document that fails is not walked whole: the fast path finds the top-level members (and the
# items of a top-level list) that fail, and only those subtrees, plus the top level's own
# keywords (required keys, unknown keys, conditions), go through jsonschema. A failing list item
# that is itself a plain object schema (an action) is split the same way, one level down.


@dataclass(frozen=True)
class Member:
    """How one top-level property is checked: its predicate and schema, and for a list its items'."""

    check: _Check
    schema: Any
    item_check: _Check | None = None
    item_schema: Any = None
    # The items' own plan when their schema is (a reference to) a plain object schema.
    item_plan: Plan | None = None


@dataclass(frozen=True)
class Plan:
    """The top level without its properties' subschemas, and each property's own check."""

    shallow: dict[str, Any]
    members: dict[str, Member]


_ROOT_KEYWORDS = frozenset({"type", "required", "additionalProperties", "allOf", "properties", "$defs", "$id"})
_PLANS: dict[int, tuple[SchemaValidator, Plan | None]] = {}


def subtree_plan(validator: SchemaValidator) -> Plan | None:
    """The plan for ``validator``'s schema, or None when its top level is not a plain object schema."""
    entry = _PLANS.get(id(validator))
    if entry is not None and entry[0] is validator:
        return entry[1]
    plan: Plan | None
    try:
        plan = _plan(validator.schema)
    except _Unsupported:
        plan = None
    if len(_PLANS) >= 32:
        _PLANS.clear()
    _PLANS[id(validator)] = (validator, plan)
    return plan


def _local_target(root: dict[str, Any], schema: Any) -> Any:
    """What a schema that is only ``{"$ref": "#/$defs/name"}`` refers to, else None."""
    if not isinstance(schema, dict) or set(schema) - _ANNOTATIONS != {"$ref"}:
        return None
    ref = schema["$ref"]
    if not isinstance(ref, str) or not ref.startswith("#/$defs/") or "/" in ref[8:] or "~" in ref or "%" in ref:
        return None
    defs = root.get("$defs")
    return defs.get(ref[8:]) if isinstance(defs, dict) else None


def _plan(schema: Any, root: dict[str, Any] | None = None) -> Plan | None:
    """The plan of an object schema; ``root`` is the document it lives in when it is not the root
    (its own references resolve there, and its items are not split any further)."""
    if not isinstance(schema, dict) or schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        return None
    keywords = {k for k in schema if k not in _ANNOTATIONS and not k.startswith("x-")}
    if not keywords <= _ROOT_KEYWORDS:
        return None
    compiler = _FastCompiler(root if root is not None else schema)
    members: dict[str, Member] = {}
    for key, sub in schema["properties"].items():
        item_check = item_schema = item_plan = None
        if isinstance(sub, dict) and "items" in sub and "prefixItems" not in sub:
            item_schema = sub["items"]
            item_check = compiler.compile(item_schema)
            if root is None:
                target = _local_target(schema, item_schema)
                item_plan = _plan(target, schema) if target is not None else None
        members[key] = Member(compiler.compile(sub), sub, item_check, item_schema, item_plan)
    # The top level's own keywords, with every property accepted as it is (each is checked apart).
    shallow = {k: v for k, v in schema.items() if k != "properties"}
    shallow["properties"] = {key: True for key in schema["properties"]}
    return Plan(shallow, members)
