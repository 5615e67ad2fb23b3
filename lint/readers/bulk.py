"""Many values built at once: the cyclic garbage collector paused while a reader builds them.

A big file makes a reader build hundreds of thousands of small frozen values (entries and
their locations), none of which can be part of a reference cycle. The collector would walk
the growing heap again and again while they are made (more than half of the time of an
8 MiB option file); paused, it walks them once when it runs next.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


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
