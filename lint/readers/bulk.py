"""Values from one file kept as plain rows until somebody asks for them.

A big file makes a reader build hundreds of thousands of small frozen values (entries and
their locations) that nobody may read: an option file padded with `[client]` groups, a
`.prefs` file that repeats a key. `Rows` keeps what a value is made of and builds it on
first use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


class Rows:
    """Values of a reading kept as plain rows until asked for.

    A reader appends built values or rows (tuples, what `build` makes a value of); each
    row becomes its value the first time it is asked for, and stays: a file of a million
    lines costs values only for what somebody reads. Equal when the values are."""

    __slots__ = ("_build", "_items")

    def __init__(self, items: Iterable[Any], build: Callable[[tuple], Any]) -> None:
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
