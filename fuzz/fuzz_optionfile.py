"""Fuzz the option-file reader with atheris (coverage-guided), by hand.

    pip install atheris
    python fuzz/fuzz_optionfile.py -max_total_time=300 fuzz/corpus/optionfile

Any exception is a bug: the reader must turn every input into options and diagnostics.
Seed the corpus with the test fixtures first (see fuzz/README.md).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from olclint.readers.optionfile import parse_option_text

RULES = {"OLC003", "OLC004", "OLC006"}


def test_one_input(data: bytes) -> None:
    parsed = parse_option_text(data, "my.cnf")
    for finding in parsed.diagnostics:
        if finding.rule not in RULES:
            raise AssertionError(finding)
    for option in parsed.options:
        if option.secret and option.value not in (None, "********"):
            raise AssertionError(f"secret value kept: {option!r}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
