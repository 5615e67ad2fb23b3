"""Many values from one file: the cyclic garbage collector paused while a reader builds
them, and rows that become values only when asked for.

A big file makes a reader build hundreds of thousands of small frozen values (entries and
their locations), none of which can be part of a reference cycle. The collector would walk
the growing heap again and again while they are made (more than half of the time of an
8 MiB option file); paused, it walks them once when it runs next.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterable, Iterator
from typing import Any


@contextlib.contextmanager
def no_cycles() -> Iterator[None]:
    """Pause the cyclic collector for the block (nested blocks: the outermost resumes it)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Rows:
    """Values of a reading kept as plain rows until asked for.

    A reader appends built values or rows (tuples, what `build` makes a value of); each
    row becomes its value the first time it is asked for, and stays: a file of a million
    lines costs values only for what somebody reads. Equal when the values are."""

    __slots__ = ("_build", "_items")

    def __init__(self, items: Iterable[Any] = (), build: Callable[[tuple], Any] = tuple) -> None:
        self._items = list(items)
        self._build = build

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> Any:
        item = self._items[index]
        if type(item) is tuple:
            item = self._items[index] = self._build(item)
        return item

    def raw(self) -> list[Any]:
        """The items as kept: values, and rows not built yet (not to be changed)."""
        return self._items

    def values(self) -> tuple[Any, ...]:
        return tuple(self[i] for i in range(len(self._items)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rows):
            return NotImplemented
        return self.values() == other.values()

    def __hash__(self) -> int:
        return hash(self.values())

    def __repr__(self) -> str:
        return f"Rows({self.values()!r})"
