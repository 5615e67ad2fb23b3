"""The repository configuration: `.olclint.toml`, or `[tool.olclint]` in `pyproject.toml`.

```toml
select = ["OLC"]              # ids, id prefixes or names
ignore = ["OLC004"]
fail-on = "warning"           # error | warning | note | never
max-file-size = 8388608       # bytes; a larger input file is an OLC002 finding

[severity]                    # rule id or name -> error | warning | note
OLC402 = "warning"

[preference-keys]             # setting name -> .prefs key, for every cluster
"merge.local_engines" = "engine.merge.launched"

[[suppress]]                  # findings accepted on purpose
rule = "OLC110"
cluster = "prod-eu"           # optional
node = "ext03"                # optional
reason = "ext03 leaves the cluster in January"
expires = 2027-01-31          # optional
```

The file is checked against `schemas/config.schema.json`, then rule ids and names against
the registry and setting names against the settings table. Every problem is a
`ConfigError` naming the file, the line and the key (exit 2). TOML parsers give no line
numbers, so `key_lines` finds them with a small line scanner of the TOML text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from olclint.core.findings import Level
from olclint.engine.rule import Rule
from olclint.readers.workspace import DEFAULT_MAX_FILE_BYTES, ReadRefused, read_confined

CONFIG_FILE = ".olclint.toml"
MAX_CONFIG_BYTES = 1024 * 1024  # read before its own max-file-size, so a fixed cap
MAX_FILE_SIZE = 1024 * 1024 * 1024  # the largest max-file-size (the schema's maximum)
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "olclint")

KeyPath = tuple[Any, ...]  # str keys and int array indexes


class ConfigError(Exception):
    """A configuration problem: `file:line: key 'k': message`."""

    def __init__(self, file: str, line: int | None, key: str, message: str) -> None:
        self.file, self.line, self.key, self.message = file, line, key, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: key '{key}': {message}" if key else f"{where}: {message}")


@dataclass(frozen=True)
class Suppression:
    """One `[[suppress]]` entry: findings of `rule` (in `cluster`, about `node`) accepted."""

    rule: str  # a rule id
    reason: str
    cluster: str | None = None
    node: str | None = None
    expires: dt.date | None = None
    file: str = ""  # the configuration file, as shown to the user
    line: int = 0  # the entry's `[[suppress]]` line

    def matches(self, rule: str, cluster: str, node: str) -> bool:
        return (
            rule == self.rule
            and (self.cluster is None or self.cluster == cluster)
            and (self.node is None or self.node == node)
        )

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires


@dataclass(frozen=True)
class Config:
    """The configuration of a run; the defaults when there is no file."""

    file: str | None = None  # the file it came from, as shown to the user
    path: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    max_file_size: int = DEFAULT_MAX_FILE_BYTES
    severity: Mapping[str, Level] = field(default_factory=dict)  # rule id -> level
    preference_keys: Mapping[str, str] = field(default_factory=dict)
    suppress: tuple[Suppression, ...] = ()


def _present(path: Path) -> bool:
    """There is something by that name (a FIFO or a dangling link too: load_config says
    what is wrong with it instead of silently falling back to another file)."""
    return path.exists() or path.is_symlink()


def find_config(root: Path, explicit: str | None) -> tuple[Path | None, KeyPath]:
    """The configuration file and the table inside it: `--config`, else `.olclint.toml`,
    else `pyproject.toml` when it has a `[tool.olclint]` table; (None, ()) when none."""
    if explicit:
        return Path(explicit), ()
    candidate = root / CONFIG_FILE
    if _present(candidate):
        return candidate, ()
    pyproject = root / PYPROJECT
    if _present(pyproject):
        try:
            text = read_confined(root, pyproject, "", DEFAULT_MAX_FILE_BYTES).decode("utf-8")
        except (ReadRefused, UnicodeDecodeError):
            return pyproject, PYPROJECT_TABLE  # load_config reports it
        if re.search(r"^\s*\[\s*tool\s*\.\s*olclint\s*[.\]]", text, re.MULTILINE):
            return pyproject, PYPROJECT_TABLE
    return None, ()


def _toml_loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib.loads(text)


def _toml_error_line(exc: Exception, text: str) -> int:
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = re.search(r"line (\d+)", str(exc))
    if match:
        return int(match[1])
    return max(len(text.splitlines()), 1)  # "at end of document"


# --- where a key is: a small TOML line scanner ------------------------------------------

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _parse_key(text: str, pos: int) -> tuple[list[str], int] | None:
    """A dotted key (bare or quoted parts) starting at `pos`: (parts, end) or None."""
    parts: list[str] = []
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text):
            return None
        ch = text[pos]
        if ch == '"':
            match = re.compile(r'"((?:[^"\\]|\\.)*)"').match(text, pos)
            if not match:
                return None
            try:
                parts.append(json.loads(match[0]))
            except ValueError:
                parts.append(match[1])
            pos = match.end()
        elif ch == "'":
            end = text.find("'", pos + 1)
            if end < 0:
                return None
            parts.append(text[pos + 1 : end])
            pos = end + 1
        else:
            match = _BARE.match(text, pos)
            if not match:
                return None
            parts.append(match[0])
            pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


def _bracket_balance(value: str) -> int:
    """Open `[`/`{` minus closed ones in a value, outside strings and comments."""
    depth = 0
    quote = ""
    i = 0
    while i < len(value):
        ch = value[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth


def key_lines(text: str) -> dict[KeyPath, int]:
    """The 1-based line of every table header and key of a TOML text, by key path.

    Array-of-tables entries are numbered from 0 (`("suppress", 1, "rule")`). Lines inside
    multi-line strings and arrays are skipped. Only the first occurrence of a path counts.
    """
    lines: dict[KeyPath, int] = {}
    table: KeyPath = ()
    counters: dict[KeyPath, int] = {}
    depth = 0
    in_string = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if in_string in line:
                in_string = ""
            continue
        if depth > 0:
            depth += _bracket_balance(line)
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("[["):
            parsed = _parse_key(stripped, 2)
            if parsed:
                base = tuple(parsed[0])
                index = counters.get(base, -1) + 1
                counters[base] = index
                table = (*base, index)
                lines.setdefault(base, number)
                lines.setdefault(table, number)
            continue
        if stripped.startswith("["):
            parsed = _parse_key(stripped, 1)
            if parsed:
                table = tuple(parsed[0])
                lines.setdefault(table, number)
            continue
        parsed = _parse_key(line, 0)
        if not parsed or parsed[1] >= len(line) or line[parsed[1]] != "=":
            continue
        keys, end = parsed
        for n in range(1, len(keys) + 1):
            lines.setdefault((*table, *keys[:n]), number)
        value = line[end + 1 :].lstrip()
        for quotes in ('"""', "'''"):
            if value.startswith(quotes) and value.count(quotes) == 1:
                in_string = quotes
        if not in_string:
            depth = max(_bracket_balance(value), 0)
    return lines


def line_of(lines: Mapping[KeyPath, int], path: KeyPath) -> int | None:
    """The line of `path`, else of its nearest parent that has one."""
    for n in range(len(path), 0, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


def _dotted(path: Iterable[Any]) -> str:
    parts = []
    for part in path:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        elif _BARE.fullmatch(str(part)):
            parts.append(str(part))
        else:
            parts.append(json.dumps(str(part)))
    return ".".join(parts)


# --- loading ------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """TOML values as JSON values: dates and times become ISO strings."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    return value


def _schema() -> dict[str, Any]:
    from importlib import resources

    text = resources.files("olclint.schemas").joinpath("config.schema.json").read_text("utf-8")
    return json.loads(text)


def _schema_problem(error: Any) -> tuple[KeyPath, str]:
    """The key path and message of a jsonschema error, naming an unknown key itself."""
    path = tuple(error.absolute_path)
    if "propertyNames" in error.relative_schema_path:
        return (*path, error.instance), f"{json.dumps(error.instance)} is not a rule id or name"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in known)
        if extra:
            hint = ", ".join(sorted(known))
            return (*path, extra[0]), f"unknown key (expected one of: {hint})"
    if error.validator == "required":
        return path, error.message.replace("is a required property", "is required")
    if error.validator in ("enum", "const"):
        allowed = ", ".join(json.dumps(v) for v in error.validator_value)
        return path, f"{json.dumps(error.instance)} is not one of {allowed}"
    if error.validator == "format" and error.validator_value == "date":
        return path, f"{json.dumps(error.instance)} is not a date like 2027-01-31"
    if error.validator == "pattern":
        return path, f"{json.dumps(error.instance)} is not a rule id, prefix or name"
    return path, error.message


def _rule_id(key: str, rules: tuple[Rule, ...]) -> str | None:
    for rule in rules:
        if rule.id.lower() == key.lower() or rule.name.lower() == key.lower():
            return rule.id
    return None


def _matches_some_rule(key: str, rules: tuple[Rule, ...]) -> bool:
    return any(r.named_by(key) for r in rules)


def load_config(
    path: Path,
    rules: tuple[Rule, ...],
    *,
    table: KeyPath = (),
    shown: str | None = None,
    settings: Iterable[str] | None = None,
    root: Path | None = None,
) -> Config:
    """Read and check one configuration file; `table` is the key path of the olclint table
    (`("tool", "olclint")` in pyproject.toml). Raises `ConfigError`.

    The file is read as inputs are (`read_confined`): inside `root` (default: its own
    folder) after symbolic links, a regular file, at most `MAX_CONFIG_BYTES`."""
    file = shown or str(path)
    try:
        data = read_confined(root or path.parent, path, "", MAX_CONFIG_BYTES)
    except ReadRefused as exc:
        reason = str(exc).split(": ", 1)[-1]
        if reason == "no such file":
            reason = "no such configuration file"
        raise ConfigError(file, None, "", reason) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(file, None, "", "is not UTF-8 text") from exc
    try:
        return _load(text, path, rules, table, file, settings)
    except RecursionError as exc:  # a TOML array or table nested thousands deep
        raise ConfigError(file, None, "", "nests too deeply to be read") from exc


def _load(
    text: str,
    path: Path,
    rules: tuple[Rule, ...],
    table: KeyPath,
    file: str,
    settings: Iterable[str] | None,
) -> Config:
    try:
        doc = _toml_loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        line = _toml_error_line(exc, text)
        raise ConfigError(file, line, "", f"invalid TOML: {reason}") from exc
    data: Any = doc
    for part in table:
        data = data.get(part, {}) if isinstance(data, dict) else {}
    lines = key_lines(text)

    def fail(key_path: KeyPath, message: str) -> ConfigError:
        full = (*table, *key_path)
        return ConfigError(file, line_of(lines, full) or 1, _dotted(key_path), message)

    if not isinstance(data, dict):
        raise fail((), "the olclint table must be a table")

    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(
        validator.iter_errors(_jsonable(data)),
        key=lambda e: (line_of(lines, (*table, *e.absolute_path)) or 0, list(map(str, e.path))),
    )
    if errors:
        raise fail(*_schema_problem(errors[0]))

    for name in ("select", "ignore"):
        for i, key in enumerate(data.get(name, ())):
            if not _matches_some_rule(key, rules):
                raise fail((name, i), f"'{key}' matches no rule id, prefix or name")
    severity: dict[str, Level] = {}
    for key, level in data.get("severity", {}).items():
        rule = _rule_id(key, rules)
        if rule is None:
            raise fail(("severity", key), f"'{key}' is not a rule id or name")
        severity[rule] = Level(level)
    known_settings = set(settings) if settings is not None else None
    for setting in data.get("preference-keys", {}):
        if known_settings is not None and setting not in known_settings:
            hint = ", ".join(sorted(known_settings))
            raise fail(("preference-keys", setting), f"unknown setting (expected one of: {hint})")
    suppress: list[Suppression] = []
    for i, entry in enumerate(data.get("suppress", ())):
        rule = _rule_id(entry["rule"], rules)
        if rule is None:
            raise fail(("suppress", i, "rule"), f"'{entry['rule']}' is not a rule id or name")
        expires = entry.get("expires")
        if isinstance(expires, str):
            expires = dt.date.fromisoformat(expires)
        suppress.append(
            Suppression(
                rule=rule,
                reason=entry["reason"],
                cluster=entry.get("cluster"),
                node=entry.get("node"),
                expires=expires,
                file=file,
                line=line_of(lines, (*table, "suppress", i)) or 1,
            )
        )
    return Config(
        file=file,
        path=path,
        select=tuple(data.get("select", ())),
        ignore=tuple(data.get("ignore", ())),
        fail_on=data.get("fail-on"),
        max_file_size=int(data.get("max-file-size", DEFAULT_MAX_FILE_BYTES)),
        severity=severity,
        preference_keys=dict(data.get("preference-keys", {})),
        suppress=tuple(suppress),
    )
