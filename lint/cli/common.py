"""What the subcommands share: exit codes, the usage error, the run's date, rule keys."""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Sequence

from olclint.engine.rule import Rule
from olclint.filter.gate import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

__all__ = [
    "EXIT_ERROR",
    "EXIT_FINDINGS",
    "EXIT_OK",
    "UsageError",
    "did_you_mean",
    "parse_today",
]


class UsageError(Exception):
    """A problem with the command line or the configuration: exit 2."""


# the dates a run may start from: the clean-up search spans a year and some days around it
FIRST_DAY, LAST_DAY = dt.date(1971, 1, 1), dt.date(9990, 12, 31)


def parse_today(text: str | None) -> dt.date:
    """--today, else SOURCE_DATE_EPOCH, else today (UTC); within FIRST_DAY..LAST_DAY."""
    if text:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError as exc:
            raise UsageError(f"--today {text!r} is not a date like 2026-01-31") from exc
        return _in_range(day, f"--today {text}")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            day = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError) as exc:
            raise UsageError(f"SOURCE_DATE_EPOCH {epoch!r} is not a Unix time") from exc
        return _in_range(day, f"SOURCE_DATE_EPOCH {epoch}")
    return dt.datetime.now(dt.timezone.utc).date()


def _in_range(day: dt.date, what: str) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UsageError(f"{what} is outside the dates olclint checks ({FIRST_DAY} to {LAST_DAY})")
    return day


def did_you_mean(key: str, rules: Sequence[Rule]) -> str:
    """' (did you mean OLC101 DatabaseNotReachable?)' for the nearest rule id or name, or ''."""
    by_key = {}
    for rule in rules:
        by_key[rule.id.lower()] = rule
        by_key[rule.name.lower()] = rule
    close = difflib.get_close_matches(key.strip().lower(), list(by_key), n=1, cutoff=0.75)
    if not close:
        return ""
    rule = by_key[close[0]]
    return f" (did you mean {rule.id} {rule.name}?)"
