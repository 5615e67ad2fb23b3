"""A yes/no validator for the subset of JSON Schema (draft 2020-12) that olclint's schemas use.

`compile_schema(schema)` turns a schema into a function `data -> bool` with the meaning
`jsonschema` gives it (bools are not integers, 1.0 is an integer, `const`/`enum` compare
without bool/int confusion, `pattern` searches, `format: date` checks the calendar). It
only answers whether a document is valid: the common path (a valid cluster file) never
imports jsonschema, and `olclint.model.schema` asks jsonschema for the errors of an invalid
one. A keyword outside the subset raises `Unsupported` when compiling, and the caller then
uses jsonschema for everything. `tests/test_fastschema.py` keeps both in agreement.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Check = Callable[[Any], bool]

# keywords with no effect on validity
_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "$comment", "$defs"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


class Unsupported(ValueError):
    """The schema uses a keyword this validator does not implement."""


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def _equal(one: Any, two: Any) -> bool:
    """jsonschema's equality: True is not 1, sequences and mappings compared inside."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return one.keys() == two.keys() and all(_equal(one[k], two[k]) for k in one)
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    return one == two


def _valid_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """The schema as a function that says whether a document is valid."""
    compiled: dict[str, Check] = {}

    def resolve(ref: str) -> Check:
        if not ref.startswith("#/$defs/") or "/" in ref[len("#/$defs/") :]:
            raise Unsupported(f"$ref {ref}")
        name = ref[len("#/$defs/") :]
        if name not in schema.get("$defs", {}):
            raise Unsupported(f"$ref {ref}")
        if name not in compiled:
            compiled[name] = lambda v: True  # placeholder while compiling a recursive def
            compiled[name] = build(schema["$defs"][name])
        return lambda v: compiled[name](v)

    def build(node: Any) -> Check:
        if node is True:
            return lambda v: True
        if node is False:
            return lambda v: False
        if not isinstance(node, Mapping):
            raise Unsupported(f"schema {node!r}")
        checks: list[Check] = []
        for key, arg in node.items():
            if key in _ANNOTATIONS:
                continue
            checks.append(keyword(key, arg, node))
        if not checks:
            return lambda v: True
        if len(checks) == 1:
            return checks[0]
        return lambda v: all(c(v) for c in checks)

    def keyword(key: str, arg: Any, node: Mapping[str, Any]) -> Check:
        if key == "$ref":
            return resolve(arg)
        if key == "type":
            names = [arg] if isinstance(arg, str) else list(arg)
            if any(n not in _TYPES for n in names):
                raise Unsupported(f"type {arg!r}")
            tests = [_TYPES[n] for n in names]
            return lambda v: any(t(v) for t in tests)
        if key == "const":
            return lambda v: _equal(arg, v)
        if key == "enum":
            options = list(arg)
            return lambda v: any(_equal(o, v) for o in options)
        if key == "minLength":
            return lambda v: not isinstance(v, str) or len(v) >= arg
        if key == "maxLength":
            return lambda v: not isinstance(v, str) or len(v) <= arg
        if key == "pattern":
            rx = re.compile(arg)
            return lambda v: not isinstance(v, str) or rx.search(v) is not None
        if key == "minimum":
            return lambda v: not _is_number(v) or v >= arg
        if key == "maximum":
            return lambda v: not _is_number(v) or v <= arg
        if key == "minItems":
            return lambda v: not isinstance(v, list) or len(v) >= arg
        if key == "minProperties":
            return lambda v: not isinstance(v, dict) or len(v) >= arg
        if key == "items":
            item = build(arg)
            return lambda v: not isinstance(v, list) or all(item(x) for x in v)
        if key == "required":
            names = list(arg)
            return lambda v: not isinstance(v, dict) or all(n in v for n in names)
        if key == "properties":
            props = {name: build(sub) for name, sub in arg.items()}
            return lambda v: (
                not isinstance(v, dict) or all(props[k](x) for k, x in v.items() if k in props)
            )
        if key == "additionalProperties":
            known = frozenset(node.get("properties", {}))
            if "patternProperties" in node:
                raise Unsupported("patternProperties")
            extra = build(arg)
            return lambda v: (
                not isinstance(v, dict) or all(extra(x) for k, x in v.items() if k not in known)
            )
        if key == "anyOf":
            branches = [build(sub) for sub in arg]
            return lambda v: any(b(v) for b in branches)
        if key == "oneOf":
            branches = [build(sub) for sub in arg]
            return lambda v: sum(1 for b in branches if b(v)) == 1
        if key == "allOf":
            branches = [build(sub) for sub in arg]
            return lambda v: all(b(v) for b in branches)
        if key == "format":
            if arg != "date":
                raise Unsupported(f"format {arg}")
            return lambda v: not isinstance(v, str) or _valid_date(v)
        raise Unsupported(key)

    return build(schema)
