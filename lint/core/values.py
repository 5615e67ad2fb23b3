"""One typed value for "a value with its location and origin": `Fact`.

Readers and the domain keep richer types of their own (a `.prefs` `Property`, an option
file `Option`, a typed `Setting`, an effective option `Value`); each of those gives its
`Fact` (`Setting.fact`, `Value.fact`), and the resolved facts of a cluster
(`olclint.model.facts`) are made of `Fact`s, so a rule sees one shape whatever the source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from olclint.core.findings import Location

T = TypeVar("T")

FILE = "file"  # a collected file: .prefs, option file, grants
CLUSTER_FILE = "cluster.yaml"
DEFAULT = "default"


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A value with the place it is written (None for a default) and its origin."""

    value: T
    location: Location | None = None
    origin: str = DEFAULT
    value_location: Location | None = None  # the value itself, where it differs

    @property
    def given(self) -> bool:
        return self.origin != DEFAULT

    @property
    def where(self) -> Location | None:
        """The value's own place when known, else its line."""
        return self.value_location or self.location
