"""What the filter decided about one finding, as the reporters receive it.

An `Outcome` is a finding plus the two decisions of the filter stage: whether a
suppression hides it (`suppression`, with its kind and reason) and, with `--baseline`,
its baseline state (`new`, `unchanged`, or `absent` for a fixed baseline entry). Only an
outcome that `counts` is shown by the text, JSON and GitHub formats and can fail the gate.
"""

from __future__ import annotations

from dataclasses import dataclass

from olclint.core.findings import Finding

IN_SOURCE, EXTERNAL = "inSource", "external"  # SARIF suppression kinds
NEW, UNCHANGED, ABSENT = "new", "unchanged", "absent"  # SARIF baseline states


@dataclass(frozen=True)
class Suppressed:
    """Why a finding is hidden: an inline comment (`inSource`) or a `[[suppress]]` entry
    (`external`), with the reason written there ("" when none)."""

    kind: str
    justification: str = ""


@dataclass(frozen=True)
class Outcome:
    finding: Finding
    suppression: Suppressed | None = None
    baseline: str | None = None  # None: the run has no baseline

    @property
    def counts(self) -> bool:
        """Shown by the text, JSON and GitHub formats, and able to fail the gate: not
        suppressed, and not accepted by (or fixed since) the baseline."""
        return self.suppression is None and self.baseline not in (UNCHANGED, ABSENT)
