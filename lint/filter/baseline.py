"""The baseline: findings accepted as they are today, recorded by fingerprint.

A baseline file is JSON, sorted and without timestamps so that it diffs well:

```json
{
  "version": 1,
  "tool": "olclint",
  "findings": [
    {"fingerprint": "OLC110/prod-eu/ext03/objectiflune@10.0.0.%", "rule": "OLC110",
     "level": "error", "cluster": "prod-eu", "node": "ext03", "subject": "...",
     "message": "...", "path": "clusters/prod-eu/master01/grants.sql", "line": 12}
  ]
}
```

Only the fingerprint (rule, cluster, node, subject; never a line number) decides whether a
finding is in the baseline; the other fields say what it was, for the list of fixed ones.
The same fingerprint may occur more than once: each recorded occurrence accepts one
finding (in path and line order), further ones are new.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from olclint.core.findings import Finding, Level

VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or is not an olclint baseline."""


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule: str
    level: Level
    cluster: str
    node: str
    subject: str
    message: str
    path: str
    line: int

    def finding(self) -> Finding:
        """The entry as a finding again (an `absent` result). Its recorded line may hold
        something else today, so it points at the whole file (`file` property)."""
        props = (("file", self.path),) if self.path else ()
        return Finding(
            self.rule,
            self.level,
            self.message,
            None,
            cluster=self.cluster,
            node=self.node,
            subject=self.subject,
            properties=props,
        )


def entry(finding: Finding) -> Entry:
    loc = finding.location
    return Entry(
        fingerprint=finding.fingerprint,
        rule=finding.rule,
        level=finding.level,
        cluster=finding.cluster,
        node=finding.node,
        subject=finding.subject,
        message=finding.message,
        path=loc.path if loc else "",
        line=loc.line if loc else 0,
    )


def dumps(findings: Iterable[Finding]) -> str:
    rows = sorted(
        (entry(f) for f in findings),
        key=lambda e: (e.fingerprint, e.path, e.line, e.message),
    )
    doc = {
        "version": VERSION,
        "tool": "olclint",
        "findings": [
            {
                "fingerprint": e.fingerprint,
                "rule": e.rule,
                "level": str(e.level),
                "cluster": e.cluster,
                "node": e.node,
                "subject": e.subject,
                "message": e.message,
                "path": e.path,
                "line": e.line,
            }
            for e in rows
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _text(row: dict[str, Any], key: str, default: str = "") -> str:
    value = row.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string")
    return value


def loads(text: str, name: str = "baseline") -> list[Entry]:
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise BaselineError(f"{name}: not JSON ({exc})") from exc
    except RecursionError as exc:  # arrays nested thousands deep
        raise BaselineError(f"{name}: nests too deeply to be a baseline") from exc
    if not isinstance(doc, dict) or doc.get("tool") != "olclint" or "findings" not in doc:
        raise BaselineError(f"{name}: not an olclint baseline (write one with --write-baseline)")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:  # not true, not 1.0
        raise BaselineError(f"{name}: baseline version {version!r} is not {VERSION}")
    entries = []
    rows = doc["findings"]
    if not isinstance(rows, list):
        raise BaselineError(f"{name}: 'findings' must be a list")
    for number, row in enumerate(rows, start=1):
        try:
            if not isinstance(row, dict):
                raise ValueError("must be an object")
            line = row.get("line", 0)
            if not isinstance(line, int) or isinstance(line, bool):
                raise ValueError("'line' must be an integer")
            entries.append(
                Entry(
                    fingerprint=_text(row, "fingerprint"),
                    rule=_text(row, "rule"),
                    level=Level(_text(row, "level", "warning")),
                    cluster=_text(row, "cluster"),
                    node=_text(row, "node"),
                    subject=_text(row, "subject"),
                    message=_text(row, "message"),
                    path=_text(row, "path"),
                    line=line,
                )
            )
        except ValueError as exc:
            raise BaselineError(f"{name}: finding {number}: {exc}") from exc
    return entries


def read(path: Path, root: Path, max_bytes: int) -> list[Entry]:
    """The entries of a baseline file, read as inputs are: inside `root` after symbolic
    links, a regular file of at most `max_bytes` (write one with `olclint.core.writer`)."""
    from olclint.readers.workspace import ReadRefused, read_confined

    try:
        data = read_confined(root, path, "", max_bytes)
    except ReadRefused as exc:
        reason = str(exc).strip()
        if reason.endswith(": no such file"):
            reason = f"{path}: no such baseline file"
        raise BaselineError(reason) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{path}: cannot be read: not UTF-8 ({exc.reason})") from exc
    return loads(text, str(path))


@dataclass(frozen=True)
class Comparison:
    new: tuple[Finding, ...]
    unchanged: tuple[Finding, ...]
    absent: tuple[Finding, ...]  # the fixed entries, as findings


def compare(findings: Sequence[Finding], entries: Sequence[Entry]) -> Comparison:
    """Split the findings into new and unchanged; the entries left over are absent (fixed)."""
    remaining: dict[str, list[Entry]] = {}
    for e in sorted(entries, key=lambda e: (e.path, e.line)):
        remaining.setdefault(e.fingerprint, []).append(e)
    new, unchanged = [], []
    for finding in sorted(findings, key=Finding.sort_key):
        pool = remaining.get(finding.fingerprint)
        if pool:
            pool.pop(0)
            unchanged.append(finding)
        else:
            new.append(finding)
    absent = [e.finding() for pool in remaining.values() for e in pool]
    return Comparison(tuple(new), tuple(unchanged), tuple(absent))
