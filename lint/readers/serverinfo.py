"""The running database server's values, as `olclint collect database` writes them.

`server.json` (in the database node's folder, beside `grants.sql` or the option file):

```json
{
  "format": 1,
  "engine": "mariadb",
  "collected_from": {"host": "192.168.10.10", "port": 3306},
  "variables": {"port": 3306, "bind_address": "127.0.0.1", "skip_networking": false, ...},
  "tls_available": false,
  "option_files": ["C:/ProgramData/MySQL/MySQL Server 8.0/my.ini"],
  "sources": {"port": {"source": "GLOBAL", "path": "C:/ProgramData/..."}}
}
```

`option_files` and `sources` are null when the server does not say (MariaDB). Each
variable keeps the line it is written on. A file that is not JSON, or not an object, is
OLC005 at the place the JSON parser reports; nothing here raises on bad input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from olclint.core.findings import Finding, Level, Location, diag
from olclint.core.ids import INPUT_VALUE_ERROR as INPUT_VALUE

if TYPE_CHECKING:
    from olclint.readers.workspace import Workspace

SERVER_FILE = "server.json"


@dataclass(frozen=True)
class RunningValue:
    name: str
    value: Any
    location: Location  # its line in server.json


@dataclass(frozen=True)
class RunningServer:
    path: str
    location: Location  # the top of the file
    engine: str | None = None
    variables: Mapping[str, RunningValue] = field(default_factory=dict)
    option_files: tuple[str, ...] | None = None
    sources: Mapping[str, str] = field(default_factory=dict)  # variable -> source
    diagnostics: tuple[Finding, ...] = ()

    def get(self, name: str) -> RunningValue | None:
        return self.variables.get(name)


FORMAT = 1  # the format `olclint collect database` writes


def _is_port(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 65535


def _is_switch(value: object) -> bool:  # the server reports ON/OFF as 1/0 or true/false
    return isinstance(value, bool) or value in (0, 1)


_KINDS = {
    "port": _is_port,
    "bind_address": lambda v: v is None or isinstance(v, str),
    "skip_networking": _is_switch,
    "skip_name_resolve": _is_switch,
    "version": lambda v: isinstance(v, str),
}
_WHAT = {
    "port": "a port number",
    "bind_address": "an address text or null",
    "skip_networking": "a boolean",
    "skip_name_resolve": "a boolean",
    "version": "a version text",
}


def _key_lines(text: str, rel: str) -> dict[str, Location]:
    """The line of each key inside the `variables` object (the first after it opens)."""
    found: dict[str, Location] = {}
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        if not inside:
            inside = re.match(r'\s*"variables"\s*:', line) is not None
            continue
        m = re.match(r'(\s*)"((?:[^"\\]|\\.)*)"\s*:', line)
        if m and m[2] not in found:
            found[m[2]] = Location(rel, number, len(m[1]) + 1, number, len(line.rstrip()) + 1)
        if line.strip().startswith("}"):
            break
    return found


def parse_server_text(text: str, rel: str) -> RunningServer:
    top = Location(rel, 1, 1)
    try:
        data = json.loads(text)
    except ValueError as exc:
        line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        msg = f"'{rel}' is not JSON: {getattr(exc, 'msg', exc)}"
        return RunningServer(
            rel, top, diagnostics=(diag(INPUT_VALUE, Level.ERROR, msg, Location(rel, line, col)),)
        )
    if not isinstance(data, dict) or not isinstance(data.get("variables"), dict):
        msg = f"'{rel}' is not a server description (a JSON object with 'variables')"
        return RunningServer(rel, top, diagnostics=(diag(INPUT_VALUE, Level.ERROR, msg, top),))
    if data.get("format") != FORMAT or isinstance(data.get("format"), bool):
        msg = (
            f"'{rel}' has format {json.dumps(data.get('format'))}; olclint reads format "
            f"{FORMAT} (collect the server again with this olclint)"
        )
        return RunningServer(rel, top, diagnostics=(diag(INPUT_VALUE, Level.ERROR, msg, top),))
    lines = _key_lines(text, rel)
    variables: dict[str, RunningValue] = {}
    problems = []
    for name, value in data["variables"].items():
        where = lines.get(str(name), top)
        kind = _KINDS.get(str(name))
        if kind is not None and not kind(value):
            problems.append(
                diag(
                    INPUT_VALUE,
                    Level.ERROR,
                    f"'{rel}': {name} = {json.dumps(value)[:40]} is not {_WHAT[str(name)]}; "
                    "the value is not used",
                    where,
                    subject=f"{rel}:{name}",
                )
            )
            continue
        variables[str(name)] = RunningValue(str(name), value, where)
    files = data.get("option_files")
    option_files = tuple(str(f) for f in files) if isinstance(files, list) else None
    sources = {}
    if isinstance(data.get("sources"), dict):
        for name, source in data["sources"].items():
            if isinstance(source, dict) and isinstance(source.get("source"), str):
                sources[str(name)] = source["source"]
    engine = data.get("engine") if data.get("engine") in ("mysql", "mariadb") else None
    return RunningServer(
        rel, top, engine, variables, option_files, sources, diagnostics=tuple(problems)
    )


def read_server_info(ws: Workspace, path: Path) -> RunningServer:
    rel = ws.rel(path)
    data, problems = ws.read_bytes(path, None, "server description")
    if data is None:
        return RunningServer(rel, Location(rel), diagnostics=tuple(problems))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = f"'{rel}' is not UTF-8 text"
        return RunningServer(
            rel,
            Location(rel),
            diagnostics=(diag(INPUT_VALUE, Level.ERROR, msg, Location(rel, 1, 1)),),
        )
    ws.remember(rel, text)
    return parse_server_text(text, rel)
