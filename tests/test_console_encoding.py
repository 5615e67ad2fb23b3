"""Every output format on a Windows console code page (cp850, cp1252), simulated on Linux
with `PYTHONIOENCODING`: a finding that quotes characters the code page lacks (`→`, CJK;
`€` is missing from cp850) must still be reported, never crash olclint.

- json and sarif: written as UTF-8 bytes whatever the console (JSON interchange is UTF-8,
  and `> report.sarif` must give a file every SARIF reader takes); the exact message comes
  back from `json.loads`, nothing lost;
- text and github: each line is the UTF-8 line with the characters the code page lacks
  replaced, as `\\u2192` (backslashreplace) or `?` (replace).

`--output FILE` is written in UTF-8 whatever the console's code page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KEY = "farbe→€東京"
MESSAGE = f"unknown key '{KEY}' in the cluster file"
CLUSTER = f"""\
version: 1
name: zürich
{KEY}: 1
connect_version: "2021.2"
database: {{node: m, option_file: m/my.ini}}
nodes:
  - {{name: m, role: master, address: 10.0.0.1, license: {{edition: performance-pack}}}}
  - {{name: e, role: extension, address: 10.0.0.2, license: {{edition: standard}}}}
"""
TEXT_LINE = f"c/cluster.yaml:3:1: OLC001 error: {MESSAGE}"
GITHUB_LINE = (
    "::error file=c/cluster.yaml,line=3,col=1,endLine=3,endColumn=10,"
    f"title=OLC001 InvalidClusterFile::{MESSAGE}"
)
ENCODINGS = ["cp850", "cp1252"]
FORMATS = ["text", "json", "sarif", "github"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("console")
    (root / ".git").mkdir()
    (root / "c" / "m").mkdir(parents=True)
    (root / "c" / "m" / "my.ini").write_text("[mysqld]\nport=3306\n", encoding="utf-8")
    (root / "c" / "cluster.yaml").write_text(CLUSTER, encoding="utf-8")
    return root


def _run(repo: Path, encoding: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "NO_COLOR": "1"}
    env.pop("PYTHONUTF8", None)
    return subprocess.run(
        [sys.executable, "-m", "olclint", "check", ".", "--today", "2026-01-15", *args],
        capture_output=True,
        env=env,
        cwd=repo,
        check=False,
    )


def _replaced(line: str, encoding: str) -> set[str]:
    """The line as a code page shows it under the two usual error handlers."""
    return {
        line.encode(encoding, errors).decode(encoding) for errors in ("backslashreplace", "replace")
    }


def test_the_characters_are_missing_from_the_code_pages() -> None:
    """The test would prove nothing with characters that the code pages have."""
    for encoding in ENCODINGS:
        with pytest.raises(UnicodeEncodeError):
            KEY.encode(encoding)
    assert _replaced("→€", "cp850") == {"\\u2192\\u20ac", "??"}
    assert _replaced("→€", "cp1252") == {"\\u2192€", "?€"}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_on_a_windows_code_page(repo: Path, fmt: str, encoding: str) -> None:
    done = _run(repo, encoding, "--format", fmt)
    stderr = done.stderr.decode(encoding, "replace")
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert done.returncode == 1  # one error finding, not a crash (which also exits 1)
    out = done.stdout.decode("utf-8" if fmt in ("json", "sarif") else encoding)
    if fmt == "json":
        report = json.loads(out)
        assert [(f["rule"], f["message"]) for f in report["findings"]] == [("OLC001", MESSAGE)]
        assert report["findings"][0]["cluster"] == "zürich"
    elif fmt == "sarif":
        (run,) = json.loads(out)["runs"]
        assert [(r["ruleId"], r["message"]["text"]) for r in run["results"]] == [
            ("OLC001", MESSAGE)
        ]
    elif fmt == "text":
        assert out.splitlines()[0] in _replaced(TEXT_LINE, encoding)
        assert out.splitlines()[-1] == "Found 1 problem (1 error, 0 warnings, 0 notes) in 1 file."
    else:
        assert out.splitlines() == [out.splitlines()[0]]
        assert out.splitlines()[0] in _replaced(GITHUB_LINE, encoding)


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_file_is_utf8_whatever_the_console(repo: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"report.{fmt}"
    done = _run(repo, "cp850", "--format", fmt, "--output", str(target))
    assert (done.returncode, done.stdout, done.stderr) == (1, b"", b"")
    text = target.read_bytes().decode("utf-8")
    if fmt == "json":
        assert [f["message"] for f in json.loads(text)["findings"]] == [MESSAGE]
    elif fmt == "sarif":
        assert [r["message"]["text"] for r in json.loads(text)["runs"][0]["results"]] == [MESSAGE]
    elif fmt == "text":
        assert text.splitlines()[:2] == [TEXT_LINE, f"  3 | {KEY}: 1"]
    else:
        assert text.splitlines() == [GITHUB_LINE]
