"""What every subcommand shares: the exit codes and the usage error."""

from __future__ import annotations

import datetime as dt
import os

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
LEVELS = ("error", "warning", "note", "never")


class UsageError(Exception):
    """A problem with the command line or the configuration: exit 2."""


def parse_today(text: str | None) -> dt.date:
    """--today, else SOURCE_DATE_EPOCH, else today (UTC)."""
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise UsageError(f"--today {text!r} is not a date like 2026-01-31") from exc
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError) as exc:
            raise UsageError(f"SOURCE_DATE_EPOCH {epoch!r} is not a Unix time") from exc
    return dt.datetime.now(dt.timezone.utc).date()
