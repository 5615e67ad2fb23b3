"""Test-only reference: the option-file reader as it was before the one-pass rewrite, when
every physical line went through the server's reader step by step (`_Reader._physical`,
then the body of `_read_lines`) and none was taken by the `_COMMON` search. The per-line
reading itself is the package's; what differs, and what tests/test_readers_differential.py
compares, is the line loop. Not part of the package."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from olclint.readers import optionfile as live


def _physical_lines(data: bytes) -> Iterable[bytes]:
    """The lines as fgets() sees them: split after each LF only, LF kept."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        if end < 0:
            yield data[start:]
            return
        yield data[start : end + 1]
        start = end + 1


class _StepReader(live._Reader):
    def _read_lines(self, f, level, stack) -> bool:
        group = None
        for number, physical in enumerate(_physical_lines(f.data), start=1):
            ok, group = self._physical(f, number, physical, group, level, stack)
            if not ok:
                return False
        return True


@contextlib.contextmanager
def _stepwise() -> Iterator[None]:
    saved = live._Reader
    live._Reader = _StepReader
    try:
        yield
    finally:
        live._Reader = saved


def parse_option_text(*args, **kwargs) -> live.OptionFile:
    with _stepwise():
        return live.parse_option_text(*args, **kwargs)


def read_option_file(*args, **kwargs) -> live.OptionFile:
    with _stepwise():
        return live.read_option_file(*args, **kwargs)
