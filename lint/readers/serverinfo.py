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
    if not isinstance(data, dict) or not isinstance(data.get("variables", {}), dict):
        msg = f"'{rel}' is not a server description (a JSON object with 'variables')"
        return RunningServer(rel, top, diagnostics=(diag(INPUT_VALUE, Level.ERROR, msg, top),))
    lines = _key_lines(text, rel)
    variables = {
        str(name): RunningValue(str(name), value, lines.get(str(name), top))
        for name, value in (data.get("variables") or {}).items()
    }
    files = data.get("option_files")
    option_files = tuple(str(f) for f in files) if isinstance(files, list) else None
    sources = {}
    if isinstance(data.get("sources"), dict):
        for name, source in data["sources"].items():
            if isinstance(source, dict) and isinstance(source.get("source"), str):
                sources[str(name)] = source["source"]
    engine = data.get("engine") if data.get("engine") in ("mysql", "mariadb") else None
    return RunningServer(rel, top, engine, variables, option_files, sources)


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
