"""Fuzz the grants reader with atheris (coverage-guided), by hand.

    pip install atheris
    python fuzz/fuzz_grants.py -max_total_time=300 fuzz/corpus/grants

The input is decoded as the reader decodes a file (UTF-8 with undecodable bytes marked,
or UTF-16 with a byte order mark). Any exception is a bug, and so is a password that
leaves the reader: the harness plants one and looks for it in everything returned.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from olclint.readers.grants import decode_grants, parse_grants_text

PLANTED = "Zq9planted9x"


def test_one_input(data: bytes) -> None:
    text, bad, _ = decode_grants(data)
    parsed = parse_grants_text(text, "grants.sql", bad)
    for finding in parsed.diagnostics:
        if finding.rule != "OLC005":
            raise AssertionError(finding)
    # the same input after a statement that holds a password: the password must not leak
    planted = f"CREATE USER 'u'@'%' IDENTIFIED BY '{PLANTED}';\n" + text
    if PLANTED in repr(parse_grants_text(planted, "grants.sql")):
        raise AssertionError("a password left the grants reader")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
