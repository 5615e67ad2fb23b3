"""The cluster file's JSON Schema, and its errors in words a user understands."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from olclint.core.findings import Finding, Level, diag
from olclint.core.ids import INVALID_CLUSTER_FILE as INVALID
from olclint.core.secrets import is_secret_name, redact_text
from olclint.readers.yamlpos import YamlDoc

_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "number": "a number",
    "null": "empty",
}


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    text = resources.files("olclint.schemas").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


@functools.cache
def _fast(name: str) -> Any:
    """The yes/no validator of `olclint.model.fastschema`, or None when the schema uses a
    keyword it does not implement (then jsonschema decides)."""
    from olclint.model.fastschema import Unsupported, compile_schema

    try:
        return compile_schema(load_schema(name))
    except Unsupported:
        return None


def is_valid(data: Any, schema_name: str = "cluster.schema.json") -> bool:
    """Whether `data` satisfies the schema, without importing jsonschema when it can."""
    fast = _fast(schema_name)
    if fast is not None:
        return fast(data)
    return _validator(schema_name).is_valid(data)


@functools.cache
def _validator(name: str) -> Any:
    import jsonschema

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__


def describe_path(data: Any, path: tuple) -> str:
    """('nodes', 2, 'role') -> "nodes[2] (ext02).role": what a user finds in the file."""
    out = ""
    node = data
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                out += f" ({node['name']})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "the cluster file"


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def validate(doc: YamlDoc, schema_name: str = "cluster.schema.json") -> list[Finding]:
    """Every schema error of `doc.data` as an OLC001 finding at the YAML node concerned.

    A valid document (the common case) is recognised by the fast validator; jsonschema is
    imported only to explain an invalid one."""
    if is_valid(doc.data, schema_name):
        return []
    validator = _validator(schema_name)
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for error in validator.iter_errors(doc.data):
        for item in _explain(error, doc):
            key = (item.location, item.message)
            if key not in seen:
                seen.add(key)
                findings.append(item)
    findings.sort(key=Finding.sort_key)
    return findings


def _leaf_errors(error: Any) -> list[Any]:
    """For anyOf/oneOf, the errors of the branch that went deepest."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        best = max(error.context, key=lambda e: len(e.absolute_path))
        if len(best.absolute_path) > len(error.absolute_path):
            return _leaf_errors(best)
        types = [e for e in error.context if e.validator == "type"]
        if len(types) == len(error.context):
            return [error]
        return _leaf_errors(best)
    return [error]


def _explain(error: Any, doc: YamlDoc) -> list[Finding]:
    findings: list[Finding] = []
    for leaf in _leaf_errors(error):
        path = tuple(leaf.absolute_path)
        where = describe_path(doc.data, path)
        subject = ".".join(str(p) for p in path)
        kind = leaf.validator
        if kind == "additionalProperties" and isinstance(leaf.instance, dict):
            known = set(leaf.schema.get("properties", {}))
            for extra in leaf.instance:
                if extra not in known:
                    hint = _nearest(str(extra), known)
                    msg = f"unknown key '{extra}' in {where}" + (
                        f"; did you mean '{hint}'?" if hint else ""
                    )
                    loc = doc.where((*path, extra))
                    findings.append(
                        diag(INVALID, Level.ERROR, msg, loc, subject=f"{subject}.{extra}")
                    )
            continue
        if kind == "required":
            missing = [k for k in leaf.validator_value if k not in leaf.instance]
            for key in missing:
                msg = f"missing key '{key}' in {where}"
                findings.append(
                    diag(INVALID, Level.ERROR, msg, doc.where(path), subject=f"{subject}.{key}")
                )
            continue
        loc = doc.value_at(path)
        if kind == "type" or (kind in ("anyOf", "oneOf")):
            expected = (
                leaf.validator_value
                if kind == "type"
                else [e.validator_value for e in leaf.context if e.validator == "type"]
            )
            if isinstance(expected, str):
                expected = [expected]
            words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
            msg = f"{where} must be {words}, not {_kind(leaf.instance)}"
        elif kind == "enum":
            options = ", ".join(str(v) for v in leaf.validator_value)
            msg = f"{where}: {_show(leaf.instance)} is not one of {options}"
        elif kind == "const":
            msg = f"{where} must be {_show(leaf.validator_value)}, not {_show(leaf.instance)}"
        elif kind in ("minimum", "maximum"):
            msg = f"{where}: {leaf.instance} is out of range ({leaf.message})"
        elif kind == "minItems" or kind == "minLength":
            msg = f"{where} must not be empty"
        elif kind == "pattern":
            msg = f"{where}: {_show(leaf.instance)} is not in the expected form"
        elif kind == "format":
            msg = f"{where}: {_show(leaf.instance)} is not a valid {leaf.validator_value}"
        else:
            msg = f"{where}: {leaf.message}"
        if any(isinstance(p, str) and is_secret_name(p) for p in path):
            # a value under a password-like key is never quoted, in any spelling
            msg = f"{where}: the value is not valid here (not shown: a secret)"
        msg, subject = redact_text(msg), redact_text(subject)
        findings.append(diag(INVALID, Level.ERROR, msg, loc, subject=subject))
    return findings


def _nearest(word: str, candidates: set[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return match[0] if match else None
