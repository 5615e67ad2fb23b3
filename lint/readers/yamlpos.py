"""YAML with positions: the cluster file as plain data plus the location of every key and value.

PyYAML composes the node tree (C loader when present); we convert it ourselves so every
mapping key and value keeps its line and column, duplicate keys are found, and alias
expansion and nesting are bounded (an alias bomb is a finding, not an exhausted machine).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from olclint.core.findings import Finding, Level, Location, diag
from olclint.core.ids import INVALID_CLUSTER_FILE as INVALID
from olclint.core.secrets import is_secret_name

MAX_NODES = 500_000  # room for 10,000 servers (about 15 values each), not for an alias bomb
MAX_DEPTH = 64

Path_ = tuple  # a path into the data: keys and list indexes


@dataclass(frozen=True)
class YamlDoc:
    data: Any
    values: dict[Path_, Location] = field(default_factory=dict)  # path -> value position
    keys: dict[Path_, Location] = field(default_factory=dict)  # path -> key position
    secrets: list[tuple[int, int]] = field(default_factory=list)  # spans of secret values

    def where(self, path: Path_) -> Location:
        """The key's position when the path ends at a mapping key, else the value's."""
        path = tuple(path)
        while path:
            if path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Location(""))

    def value_at(self, path: Path_) -> Location:
        path = tuple(path)
        while path and path not in self.values:
            path = path[:-1]
        return self.values.get(path, self.values.get((), Location("")))


def _memo_loader(base: type) -> type:
    """`base` with two memos per document: the tag of a node is a function of its kind, text
    and style alone (there are no path resolvers), and a scalar's value of its tag and
    text; a cluster file repeats the same keys and values for every server."""

    class Loader(base):  # type: ignore[misc, valid-type]
        def __init__(self, stream: Any) -> None:
            self.tags: dict[tuple[Any, Any, Any], str] = {}
            self.scalars: dict[tuple[str, str], Any] = {}
            super().__init__(stream)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            key = (kind, value, implicit)  # value None for a sequence or mapping
            tag = self.tags.get(key)
            if tag is None:
                tag = self.tags[key] = super().resolve(kind, value, implicit)
            return tag

    return Loader


_LOADER = _memo_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _loader_class() -> type:
    return _LOADER


def _loc(rel: str, mark: Any, end: Any = None) -> Location:
    if end is not None and end.line == mark.line:
        return Location(rel, mark.line + 1, mark.column + 1, mark.line + 1, end.column + 1)
    return Location(rel, mark.line + 1, mark.column + 1)


class _TooBig(Exception):
    pass


def _over_limits(text: str, rel: str) -> Finding | None:
    """Refuse a document too deep or too big before composing it.

    Composing is recursive (libyaml's composer overflows the C stack on very deep
    nesting) and keeps a node object per value, so the event stream is scanned first:
    nesting deeper than `MAX_DEPTH` or more than `MAX_NODES` values is refused at the
    place it happens. Syntax errors are left to the real load, which reports them.
    """
    loader = _loader_class()(text)
    depth = 0
    count = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    msg = f"cluster file nests deeper than {MAX_DEPTH} levels; refused"
                    return diag(INVALID, Level.ERROR, msg, _loc(rel, event.start_mark))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
                continue
            elif not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                continue
            count += 1
            if count > MAX_NODES:
                msg = f"cluster file holds more than {MAX_NODES} values; refused"
                return diag(INVALID, Level.ERROR, msg, _loc(rel, event.start_mark))
    except yaml.MarkedYAMLError as exc:
        # PyYAML 6.0.4+ stops at its own depth limit while its scanner looks ahead for a
        # simple key, before the parser hands us the event past MAX_DEPTH: the text up to
        # that point is shallower than its limit and still deeper than ours, so scanning
        # it finds the exact place
        mark = exc.problem_mark
        if "maximum nesting depth" in str(exc.problem) and mark is not None and mark.index:
            return _over_limits(text[: mark.index], rel)
        return None  # a syntax error: the real load reports it
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None


def load_yaml(text: str, rel: str) -> tuple[YamlDoc | None, list[Finding]]:
    """Parse one YAML document; syntax errors are OLC001 at the parser's line and column."""
    refused = _over_limits(text, rel)
    if refused is not None:
        return None, [refused]
    loader = _loader_class()(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = _loc(rel, mark) if mark is not None else Location(rel)
            problem = exc.problem or exc.context or "invalid YAML"
            msg = f"cluster file is not valid YAML: {problem}"
            if exc.context and exc.problem:
                msg = f"cluster file is not valid YAML: {problem} ({exc.context})"
            return None, [diag(INVALID, Level.ERROR, msg, where)]
        except yaml.YAMLError as exc:
            return None, [
                diag(INVALID, Level.ERROR, f"cluster file is not valid YAML: {exc}", Location(rel))
            ]
        if node is None:
            return None, [diag(INVALID, Level.ERROR, "cluster file is empty", Location(rel))]
        doc = YamlDoc(data=None)
        findings: list[Finding] = []
        budget = [MAX_NODES]
        try:
            data = _convert(loader, node, (), rel, doc, findings, budget, 0)
        except _TooBig as exc:
            return None, [diag(INVALID, Level.ERROR, str(exc), _loc(rel, node.start_mark))]
        return YamlDoc(data, doc.values, doc.keys, doc.secrets), findings
    finally:
        loader.dispose()


def _scalar(loader: Any, node: yaml.ScalarNode) -> Any:
    key = (node.tag, node.value)
    held = loader.scalars.get(key, _MISSING)
    if held is _MISSING:
        held = loader.scalars[key] = _construct(loader, node)
    return held


_MISSING = object()


def _construct(loader: Any, node: yaml.ScalarNode) -> Any:
    """The value of a scalar (immutable: a text, number, boolean or None)."""
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError, TypeError):
        return node.value  # e.g. 2027-13-01: the schema reports it as a bad date
    if isinstance(value, (dt.date, dt.datetime)):
        return node.value  # kept as written; the model parses dates itself
    if isinstance(value, float) and value != value:  # NaN
        return node.value
    return value


# plain scalars that YAML 1.1 reads as numbers other than they look: 03306 (octal), 55:06
# (base 60), 0b11 (binary), 1_000 (underscores)
_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")
_BINARY = re.compile(r"[-+]?0b[01_]+")


def _yaml11_number(node: yaml.ScalarNode, value: Any) -> str | None:
    """A warning for a YAML 1.1 number that is not what it looks like, with its value."""
    if node.style or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    text = node.value
    if _OCTAL.fullmatch(text) and text.strip("+-") != "0":
        kind = "an octal number"
    elif _SEXAGESIMAL.fullmatch(text):
        kind = "a base-60 number"
    elif _BINARY.fullmatch(text):
        kind = "a binary number"
    elif "_" in text:
        kind = "a number with its underscores dropped"
    else:
        return None
    return (
        f"'{text}' is read by YAML 1.1 as {kind}: {value}; write {value} if that is what is meant"
    )


def _convert(
    loader: Any,
    node: Any,
    path: Path_,
    rel: str,
    doc: YamlDoc,
    findings: list[Finding],
    budget: list[int],
    depth: int,
    secret: bool = False,  # a key on the path names a secret
) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig(
            f"cluster file expands to more than {MAX_NODES} values (YAML aliases?); refused"
        )
    if depth > MAX_DEPTH:
        raise _TooBig(f"cluster file nests deeper than {MAX_DEPTH} levels; refused")
    doc.values.setdefault(path, _loc(rel, node.start_mark, node.end_mark))
    if isinstance(node, yaml.ScalarNode):
        if secret:
            doc.secrets.append((node.start_mark.index, node.end_mark.index))
        value = _scalar(loader, node)
        surprise = _yaml11_number(node, value)
        if surprise:
            where = _loc(rel, node.start_mark, node.end_mark)
            subject = ".".join(map(str, path))
            findings.append(diag(INVALID, Level.WARNING, surprise, where, subject=subject))
        return value
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, item, (*path, i), rel, doc, findings, budget, depth + 1, secret)
            for i, item in enumerate(node.value)
        ]
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            where = _loc(rel, key_node.start_mark)
            findings.append(
                diag(INVALID, Level.ERROR, "a mapping key must be a plain value", where)
            )
            continue
        if key_node.tag == "tag:yaml.org,2002:merge":
            where = _loc(rel, key_node.start_mark)
            msg = "YAML merge keys ('<<') are not supported in cluster files"
            findings.append(diag(INVALID, Level.ERROR, msg, where))
            continue
        key = _scalar(loader, key_node)
        if not isinstance(key, str):
            key = str(key_node.value)
        key_loc = _loc(rel, key_node.start_mark, key_node.end_mark)
        if key in result:
            first = doc.keys.get((*path, key))
            msg = f"duplicate key '{key}'" + (f" (first at line {first.line})" if first else "")
            findings.append(
                diag(INVALID, Level.ERROR, msg, key_loc, subject=".".join(map(str, (*path, key))))
            )
        doc.keys[(*path, key)] = key_loc
        doc.values.pop((*path, key), None)
        inner = secret or is_secret_name(key)
        result[key] = _convert(
            loader, value_node, (*path, key), rel, doc, findings, budget, depth + 1, inner
        )
    return result
