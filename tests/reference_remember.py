"""Test-only reference: the lines `Workspace.remember` kept before it applied `redact_line`
only to the lines that hold a needle (then: to every line), so that
tests/test_readers_differential.py can compare the two. Not part of the package."""

from __future__ import annotations

from collections.abc import Iterable

from olclint.core.secrets import redact_line, redact_text
from olclint.readers.workspace import mask_spans, split_lines


def remembered(
    text: str, *, lf_only: bool = False, secrets: Iterable[tuple[int, int]] = ()
) -> list[str]:
    text = redact_text(mask_spans(text, secrets))
    return [redact_line(line) for line in split_lines(text, lf_only)]
