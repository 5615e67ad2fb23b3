"""Hostile inputs at the reader level: the limits that keep a reader bounded."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from olclint.core.findings import Location
from olclint.readers.prefs import parse_prefs_text, read_prefs
from olclint.readers.workspace import Workspace
from olclint.readers.yamlpos import MAX_DEPTH, MAX_NODES, load_yaml


@pytest.mark.parametrize(
    ("text", "column"),
    [
        # the top mapping is level 1 and `a`'s mapping level 2: level 65 opens at the
        # 63rd bracket (or the 64th dash of the block sequences, which start at level 2)
        ("a:\n  b: " + "[" * 300_000 + "]" * 300_000 + "\n", 6 + 62),
        ("a:\n  b: " + "{x: " * 300_000 + "}" * 300_000 + "\n", 6 + 62 * 4),
        ("a:\n  " + "- " * 300_000 + "x\n", 3 + 63 * 2),
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_yaml_is_refused_before_it_is_composed(text: str, column: int) -> None:
    # in a subprocess: libyaml's recursive composer used to overflow the C stack here
    code = (
        "import sys; from olclint.readers.yamlpos import load_yaml; "
        "doc, f = load_yaml(sys.stdin.read(), 'c.yaml'); "
        "print(doc is None, f[0].location.line, f[0].location.column, f[0].message)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split(" ", 3) == [
        "True",
        "2",
        str(column),
        f"cluster file nests deeper than {MAX_DEPTH} levels; refused\n",
    ]


def test_many_values_are_refused_in_bounded_time_and_memory() -> None:
    text = "a: 1\nb: [" + "1," * 1_000_000 + "1]\n"
    start = time.monotonic()
    doc, findings = load_yaml(text, "c.yaml")
    assert time.monotonic() - start < 20  # against hangs; speed is bench/'s
    assert doc is None
    assert [(f.rule, f.location, f.message) for f in findings] == [
        (
            "OLC001",
            # the 100,001st node: the top mapping, a, 1, b, the list, then 99,996 items
            Location("c.yaml", 2, 5 + 2 * (MAX_NODES - 5)),
            f"cluster file holds more than {MAX_NODES} values; refused",
        )
    ]


def test_the_limits_leave_real_cluster_files_alone() -> None:
    nested = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    doc, findings = load_yaml(nested, "c.yaml")
    assert findings == [] and doc is not None
    many = "a: [" + "1, " * (MAX_NODES - 4) + "1]\n"  # with the mapping, a and the list
    doc, findings = load_yaml(many, "c.yaml")
    assert findings == [] and len(doc.data["a"]) == MAX_NODES - 3


def test_yaml_syntax_errors_still_come_from_the_parser() -> None:
    doc, findings = load_yaml("a: 1\nb: [1, 2\nc: 3\n" + "[" * 100, "c.yaml")
    assert doc is None
    assert [(f.rule, f.location.line) for f in findings] == [("OLC001", 3)]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("a=1\n".encode("utf-16"), "UTF-16 byte order mark"),
        ("a=1\nb=2\n".encode("utf-16-be"), "every other byte is NUL"),
        ("a=1\n".encode("utf-8-sig"), "part of the first key"),
    ],
)
def test_prefs_encoding_problems(tmp_path, data: bytes, words: str) -> None:
    (tmp_path / "x.prefs").write_bytes(data)
    prefs = read_prefs(Workspace(tmp_path), tmp_path / "x.prefs")
    assert [(f.rule, f.location) for f in prefs.diagnostics] == [
        ("OLC005", Location("x.prefs", 1, 1))
    ]
    assert words in prefs.diagnostics[0].message
    assert prefs.diagnostics[0].message.endswith("; save it as ISO-8859-1 or ASCII")


def test_prefs_without_encoding_problem(tmp_path) -> None:
    (tmp_path / "x.prefs").write_bytes(b"# \xe9t\xe9\na=1\n")
    prefs = read_prefs(Workspace(tmp_path), tmp_path / "x.prefs")
    assert prefs.diagnostics == ()
    assert prefs.get("a").value == "1"


def test_prefs_long_continuations_are_linear() -> None:
    text = "k=" + "x\\\n" * 200_000 + "end\n"
    start = time.monotonic()
    prefs = parse_prefs_text(text, "x.prefs")
    assert time.monotonic() - start < 20  # against hangs; speed is bench/'s
    assert prefs.get("k").value == "x" * 200_000 + "end"
